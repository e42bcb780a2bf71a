"""Intent matching by meaning: the bundled MiniLM sentence embedding of a question's shape
against the intents' examples (cosine similarity, best example per intent).

The examples' matrix is computed once and cached in the data directory, keyed by a hash of
the examples and the model, so a cold start embeds only the question. The encoder is the
document index's own (`stockwise.tools.documents.minilm`), one per process."""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path

import numpy as np

from stockwise.assistant.agent.planner.intents import Intent
from stockwise.tools.documents.minilm import MODEL_NAME, MiniLMEmbedder, get_embedder

log = logging.getLogger(__name__)

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


def get_encoder() -> MiniLMEmbedder:
    return get_embedder()


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
