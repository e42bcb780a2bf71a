"""Issue 27 on a real index (the session's small corpus): a question the documents do not
cover is declined with no passage quoted, the plant's other languages find English
documents, machines named without their ids are found, and bad input gets a clear
message instead of five unrelated passages."""

from __future__ import annotations

import pandas as pd
import pytest

from stockwise.tools.core.errors import InvalidArgumentError, UnknownEntityError
from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.frames import dataset_from_frames
from stockwise.tools.documents import SearchDocumentsInput, search_documents
from stockwise.tools.documents.search import NOT_COVERED, build_retriever, machine_names

EQUIPMENT = pd.DataFrame(
    {
        "equipment_id": ["P-1", "P-2", "P-3", "CNC-4", "CNC-5"],
        "name": [
            "Hydraulic Press 250t P-1",
            "Hydraulic Press 250t P-2",
            "Hydraulic Press 250t P-3",
            "CNC Machining Centre CNC-4",
            "CNC Machining Centre CNC-5",
        ],
        "equipment_type": ["hydraulic_press"] * 3 + ["cnc_machine"] * 2,
        "site_id": ["S1"] * 5,
    }
)
SITES = pd.DataFrame({"site_id": ["S1"], "name": ["Riverside Plant"]})


@pytest.fixture(scope="module")
def ctx(indexed_small, tmp_path_factory):
    folder, _, collection, _ = indexed_small
    dataset = dataset_from_frames({"equipment": EQUIPMENT, "sites": SITES}, documents_dir=folder)
    context = ToolContext(dataset=dataset, settings=Settings(data_dir=tmp_path_factory.mktemp("d")))
    # The retriever the tool builds, over the session's index instead of a new one.
    from stockwise.tools.documents.retriever import HybridRetriever
    from stockwise.tools.documents.search import _equipment_pairs

    context.provide(
        build_retriever,
        HybridRetriever(collection, _equipment_pairs(context), machine_names(context)),
    )
    return context


def _ask(ctx, query: str, **kw):
    return search_documents(ctx, SearchDocumentsInput(query=query, **kw))


def test_a_question_the_documents_do_not_cover_quotes_nothing(ctx):
    # One the issue reported: it used to get the purchasing approval limits at score 1.0.
    result = _ask(ctx, "What is the maternity leave policy for plant employees?")
    assert result.covered is False
    assert result.passages == []
    assert result.evidence.notes[0] == NOT_COVERED
    assert "none is quoted" in result.evidence.notes[1]


def test_a_covered_question_is_answered_with_its_passage(ctx):
    result = _ask(ctx, "how do I replace the cylinder seal on a press")
    assert result.covered is True
    assert result.passages[0].citation.section == "Seals > Replacing the cylinder seal"


@pytest.mark.parametrize(
    ("query", "doc_id"),
    [
        ("Wie wechsle ich die Dichtung am Zylinder der Presse?", "MAN-HP-250"),
        ("Welke stappen zijn nodig om een machine te vergrendelen?", "SOP-LOTO-01"),
    ],
)
def test_german_and_dutch_questions_find_the_english_document(ctx, query, doc_id):
    result = _ask(ctx, query)
    assert result.covered is True
    assert doc_id in [p.citation.doc_id for p in result.passages[:3]]


def test_a_machine_named_without_its_id_finds_its_failure_report(ctx):
    # "the third press" is P-3, whose seal leak has its own failure report.
    result = _ask(ctx, "the third press is leaking oil at the seal")
    assert "FR-2024-011" in [p.citation.doc_id for p in result.passages[:3]]


def test_empty_and_overlong_queries_get_a_clear_message(ctx):
    with pytest.raises(InvalidArgumentError, match="empty"):
        _ask(ctx, "   ")
    with pytest.raises(InvalidArgumentError, match="10,000 characters"):
        _ask(ctx, "seal" + "s" * 9996)


def test_an_unknown_id_alone_is_an_error_naming_the_closest(ctx):
    with pytest.raises(UnknownEntityError, match="P-9"):
        _ask(ctx, "P-9")
    # A part number the documents contain is a fine query on its own.
    assert _ask(ctx, "HS-8040").passages


def test_known_share_weighs_the_words_the_plant_never_uses():
    from stockwise.tools.documents.relevance import known_share

    vocabulary = {"policy", "plant", "employe", "press", "seal"}
    idf = {"maternity": 5.0, "leav": 4.0}.get
    # Rare words the plant never uses ("maternity", "leave") outweigh the common ones it does.
    share = known_share("maternity leave policy for plant employees", vocabulary,
                        lambda t: idf(t) or 1.0)  # fmt: skip
    assert share == pytest.approx(3 / 12, abs=0.01)
    assert known_share("press seal", vocabulary, lambda t: 1.0) == 1.0
    # German function words count neither way (stemmed or not: "welche" would be "welch");
    # an empty question is not held against anyone.
    assert known_share("wie oft die press", vocabulary, lambda t: 1.0) == 1.0
    assert known_share("welche press", vocabulary, lambda t: 1.0) == 1.0
    assert known_share("", vocabulary, lambda t: 1.0) == 1.0


def test_everyday_foreign_words_count_neither_way_but_the_subject_does():
    from stockwise.tools.documents.relevance import english, known_share

    vocabulary = {"oven", "thermokoppel"}
    # "geeft verkeerde" (gives wrong) name no subject; accents are folded before the lists
    # are read ("prüfe" is "prufe"); "stoomketel" (steam boiler) is what the question is about.
    assert known_share("thermokoppel van de oven geeft verkeerde", vocabulary, lambda t: 1.0) == 1.0
    assert known_share("für die oven", vocabulary, lambda t: 1.0) == 1.0
    assert known_share("onderhoud van de stoomketel", vocabulary, lambda t: 1.0) == 0.0
    # An everyday foreign word that the plant uses is the plant's word ("door", Dutch for
    # "through"): the oven door question is judged by it.
    assert known_share("door gasket", {"door"}, lambda t: 1.0) == 0.5
    # Everyday words do not by themselves make a question foreign ("plus", "bon").
    assert english("oven plus fan", translated=False)


def test_everyday_english_words_count_neither_way():
    from stockwise.tools.documents.relevance import known_share

    vocabulary = {"solder", "bath", "chiller", "start"}
    # "how often is the solder bath skimmed": judged by its solder bath, not by "often".
    assert known_share("how often solder bath", vocabulary, lambda t: 1.0) == 1.0
    # The subject still counts: "often" does not shield the boiler.
    assert known_share("how often boiler", vocabulary, lambda t: 1.0) == 0.0
    # An everyday word the plant uses is the plant's word ("start" up procedure).
    assert known_share("start laser", vocabulary, lambda t: 1.0) == 0.5


def test_a_letter_left_out_is_a_slip_but_a_letter_changed_is_another_word(indexed_small):
    from stockwise.tools.documents.retriever import HybridRetriever

    retriever = HybridRetriever(indexed_small[2])
    assert retriever.knows("cylinder") and retriever.knows("filter")
    assert retriever._near("cylindr")  # a letter left out
    assert not retriever._near("filler")  # one letter changed: another word, not a filter


def test_translated_foreign_words_count_as_known_at_their_english_rarity():
    from stockwise.tools.documents.relevance import known_share

    vocabulary = {"belt", "conveyor", "maintenanc"}
    idf = {"belt": 3.0, "conveyor": 3.0, "maintenanc": 1.0}.get  # stems, as tokenize spells them
    # "Förderband läuft schief" with every word translated: all of it is the plant's.
    assert known_share(" ", vocabulary, lambda t: idf(t) or 6.0, ["belt conveyor"]) == 1.0
    # "Wartung der Spritzgießmaschine": a common translated word, a machine no one has.
    share = known_share("spritzgiessmaschine", vocabulary, lambda t: idf(t) or 6.0, ["maintenance"])
    assert share == pytest.approx(1 / 7)


def test_a_passage_that_stands_out_scores_higher_than_one_near_everything():
    import numpy as np

    from stockwise.tools.documents.retriever import _standing

    rng = np.random.default_rng(0)
    flat = 0.80 + rng.normal(0, 0.01, 200)
    standout = flat.copy()
    standout[17] = 0.92
    assert _standing(standout) > 8 > _standing(flat)
    # Filtered-out passages (-inf) are not counted; too few passages give no standing.
    assert _standing(np.where(np.arange(200) < 100, standout, -np.inf)) > 6 > _standing(flat)
    assert _standing(np.array([0.9])) == 0.0


def test_judge_weighs_the_signals_and_says_why_it_declines():
    from stockwise.tools.documents.relevance import Signals, judge, probability, signals

    covered = signals(
        [("MAN-HP-250", 0.90), ("MAN-HP-250", 0.88), ("SOP-LOTO-01", 0.85)],
        [("MAN-HP-250", 12.0)],
        keyword_ceiling=20.0,
        known=1.0,
    )
    assert covered.agree and covered.dense_gap == pytest.approx(0.05)
    assert covered.keyword_share == pytest.approx(0.6)
    assert judge(covered).covered
    # Far from every passage, no word in common, words no document uses: declined.
    uncovered = Signals(dense_top=0.80, dense_gap=0.001, keyword_share=0.05, known=0.2)
    verdict = judge(uncovered)
    assert not verdict.covered and "no document" in verdict.reason
    assert verdict.probability == pytest.approx(probability(uncovered))
    # Each signal pulls the way its name says (the fit's signs).
    assert probability(Signals(0.85, 0.02, 0.3, 1.0)) > probability(Signals(0.85, 0.02, 0.3, 0.3))
    assert probability(Signals(0.87, 0.02, 0.3, 1.0)) > probability(Signals(0.82, 0.02, 0.3, 1.0))
    # No passage at all is never covered.
    assert not judge(signals([], [], 0.0)).covered
