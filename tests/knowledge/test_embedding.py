"""The offline MiniLM: deterministic unit vectors that put paraphrases close together."""

from __future__ import annotations

import numpy as np
from chromadb.utils.embedding_functions import config_to_embedding_function

from stockwise.tools.documents.embedding import MiniLMEmbeddingFunction
from stockwise.tools.documents.minilm import DIMENSIONS, embed, get_embedder


def test_vectors_are_unit_length_and_deterministic():
    texts = ["Replace the cylinder seal on press P-3", "Count the storeroom bins monthly"]
    first, second = embed(texts), embed(texts)
    assert first.shape == (2, DIMENSIONS)
    assert first.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(first, second)


def test_a_padded_batch_gives_the_same_vectors_as_single_calls():
    model = get_embedder()  # the model itself, not the cache in front of it
    texts = ["short", "a much longer sentence about hydraulic oil temperature alarms", "mid size"]
    batch = model.embed(texts)
    for i, text in enumerate(texts):
        np.testing.assert_allclose(batch[i], model.embed([text])[0], atol=1e-5)


def test_cached_vectors_equal_fresh_ones_and_are_not_shared():
    text = "cache check: gear pump GP-40 whining"
    first = embed([text, "another"])
    np.testing.assert_allclose(first[0], get_embedder().embed([text])[0], atol=1e-6)
    first[0][:] = 0  # a caller scribbling on its result must not corrupt the cache
    assert np.linalg.norm(embed(text)[0]) > 0.99


def test_paraphrases_are_closer_than_unrelated_text():
    query, paraphrase, unrelated = embed(
        [
            "How do I change the seal on the hydraulic cylinder?",
            "Replacing the rod seal of the press cylinder",
            "Croissant dough must rest in the fridge overnight",
        ]
    )
    assert query @ paraphrase > 0.5
    assert query @ paraphrase > query @ unrelated + 0.3


def test_empty_input_gives_an_empty_matrix():
    assert embed([]).shape == (0, DIMENSIONS)


def test_chroma_rebuilds_the_function_from_its_config_by_name():
    ef = MiniLMEmbeddingFunction()
    rebuilt = config_to_embedding_function({"name": ef.name(), "config": ef.get_config()})
    assert isinstance(rebuilt, MiniLMEmbeddingFunction)
    vectors = rebuilt(["seal kit HS-8040"])
    np.testing.assert_allclose(vectors[0], embed("seal kit HS-8040")[0], atol=1e-6)
