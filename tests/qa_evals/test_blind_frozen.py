"""The blind Q&A set (evals/qa/blind/) stays blind: frozen byte for byte, complete, and no
example question of the offline planner is a near-duplicate of one of its questions.

When the questions' digest test fails, a question was edited: a blind set is not reworded
after a run (that tunes it); write a new one instead, without reading the planner. An
expectation that is wrong about its question may be corrected, with the reason in the
file's header and the file's digest pinned again. When the
near-duplicate test fails, a planner example was written from (or happens to copy) a blind
question: reword the planner's example. Its message names the blind question's id and the
intent, never the example's text, so reading it does not unblind anyone."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from .checkout import load_eval

blind = load_eval("qa.blind")
neardup = load_eval("qa.blind.neardup")

# The questions (id, type, thread, text) as frozen (issue 19): never update this one.
QUESTIONS_DIGEST = "bcebf4799198c44ec16d56b8de4591feff8586479d0ffd5b0012eae2963afe42"
# The whole file: changes only with an expectation correction that its header lists with
# the reason. Never update it to let an answer pass.
FILE_DIGEST = "32f4b27b87044c37c6088a9a934625c978238d25fe628ebc101b6ee211485a27"


def test_the_blind_questions_are_frozen():
    text = blind.PATH.read_text(encoding="utf-8")
    assert text.startswith("# FROZEN"), "the file must open with its frozen header"
    assert blind.questions_digest() == QUESTIONS_DIGEST, (
        "a blind question was added, removed or reworded; the set is frozen (see its header)"
    )


def test_the_expectations_change_only_with_a_logged_correction():
    assert blind.digest() == FILE_DIGEST, (
        "evals/qa/blind/questions.yaml changed: list the correction and its reason in the "
        "file's header, then pin the new digest here"
    )


def test_the_blind_set_covers_every_question_type():
    questions = blind.load()  # refuses a question without an expectation
    counts = Counter(q.type for q in questions)
    assert len(questions) >= 300
    assert {t: counts[t] for t in blind.TYPES if counts[t] < 8} == {}
    assert sum(counts[t] for t in blind.UNANSWERABLE) >= 40
    assert any(q.thread for q in questions)


def test_a_question_without_an_expectation_is_refused(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(
        "# FROZEN\nfrozen: true\nquestions:\n- {id: x-1, type: on_hand, q: 'how many'}\n",
        encoding="utf-8",
    )
    with pytest.raises(blind.MissingExpectation):
        blind.load(path)
    path.write_text(
        "frozen: true\nquestions:\n"
        "- {id: x-1, type: on_hand, q: 'how many', expect: {outcome: answer}}\n",
        encoding="utf-8",
    )
    with pytest.raises(blind.MissingExpectation):
        blind.load(path)


def _follow_up_fragments(questions, vocabulary, item_ids) -> set[str]:
    """Later turns of a thread as short as "and at the other site?": one natural phrasing
    each, so they test the thread, not the wording, and are left out of the comparison."""
    first_turn: dict[str, str] = {}
    out = set()
    for q in questions:
        if not q.thread:
            continue
        first_turn.setdefault(q.thread, q.qid)
        short = len(neardup.normalise(q.text, vocabulary, item_ids)) <= 4
        if first_turn[q.thread] != q.qid and short:
            out.add(q.qid)
    return out


@pytest.fixture(scope="module")
def demo_items(demo_dir) -> pd.DataFrame:
    return pd.read_csv(demo_dir / "items.csv", dtype=str)


def test_no_planner_example_is_a_near_duplicate_of_a_blind_question(demo_items):
    from stockwise.assistant.agent.planner.intents import INTENTS

    examples = []
    for n, intent in enumerate(INTENTS):
        name = getattr(intent, "label", None) or getattr(intent, "name", None) or f"#{n}"
        examples += [(str(name), str(e)) for e in intent.examples]
    assert examples, "the planner's intents have no examples to compare with"
    questions = blind.load()
    vocabulary = neardup.description_vocabulary(demo_items["description"])
    item_ids = frozenset(demo_items["item_id"])
    skip = _follow_up_fragments(questions, vocabulary, item_ids)
    pairs = [(q.qid, q.text) for q in questions if q.qid not in skip]
    found = neardup.near_duplicates(pairs, examples, demo_items["description"], item_ids)
    assert not found, "planner examples near-duplicating blind questions: " + ", ".join(
        f"{m.qid} ~ intent {m.intent!r} ({m.score:.2f})" for m in found
    )


def test_the_near_duplicate_check_catches_a_copied_question(demo_items):
    descriptions = demo_items["description"]
    item_ids = frozenset(demo_items["item_id"])
    copied = [("planted", "how many {item} did we consume {period}?")]
    question = [("de-x", "How many oil separator elements did we consume last month?")]
    assert neardup.near_duplicates(question, copied, descriptions, item_ids)
    unrelated = [("other", "which orders are stuck at a stage?")]
    assert not neardup.near_duplicates(question, unrelated, descriptions, item_ids)


@pytest.mark.parametrize("name", ["dev", "dev2", "dev3"])
def test_no_development_question_is_a_near_duplicate_of_a_blind_question(demo_items, name):
    """The planner is tuned on the development sets (its cue words and rules are written
    from their failures, not only its examples), so they must not carry the blind set's
    questions either. The message names the development question's id, never a blind text."""
    from pathlib import Path

    questions = blind.load()
    vocabulary = neardup.description_vocabulary(demo_items["description"])
    item_ids = frozenset(demo_items["item_id"])
    skip = _follow_up_fragments(questions, vocabulary, item_ids)
    pairs = [(q.qid, q.text) for q in questions if q.qid not in skip]
    path = Path(blind.PATH).parents[1] / name / "questions.yaml"
    dev = blind.load(path)
    dev_skip = _follow_up_fragments(dev, vocabulary, item_ids)
    developed = [(q.qid, q.text) for q in dev if q.qid not in dev_skip]
    found = neardup.near_duplicates(pairs, developed, demo_items["description"], item_ids)
    assert not found, f"{name} questions near-duplicating blind questions: " + ", ".join(
        f"{m.intent} ~ {m.qid} ({m.score:.2f})" for m in found
    )
