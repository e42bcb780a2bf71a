"""Nearest-example intent matching: TF-IDF over character n-grams (typo-tolerant) and words,
on the question's shape (entities replaced by placeholders). Fast enough to build at start
and to query in well under a millisecond."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer

from assistant.planner.intents import DECLINE, Intent

MIN_SCORE = 0.38  # below this the question is not one the planner knows
MIN_MARGIN_OVER_DECLINE = 0.02


@dataclass
class Match:
    intent: str
    score: float
    runner_up: str | None
    scores: dict[str, float]  # best similarity per intent


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w{}' ]", " ", text.lower()).split())


class IntentMatcher:
    def __init__(self, intents: list[Intent]) -> None:
        self.labels: list[str] = []
        texts: list[str] = []
        for intent in intents:
            for example in intent.examples:
                self.labels.append(intent.name)
                texts.append(_normal(example))
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
        self.words = TfidfVectorizer(
            analyzer="word", token_pattern=r"[\w{}']+", ngram_range=(1, 2), sublinear_tf=True
        )
        self.matrix = self._vectors(texts, fit=True)

    def _vectors(self, texts: list[str], fit: bool = False):
        if fit:
            c, w = self.chars.fit_transform(texts), self.words.fit_transform(texts)
        else:
            c, w = self.chars.transform(texts), self.words.transform(texts)
        # Rows are unit length per block; 0.65/0.35 keeps typos tolerable (chars) while
        # exact words still count.
        return hstack([c * np.sqrt(0.65), w * np.sqrt(0.35)]).tocsr()

    def match(self, shape: str) -> Match:
        sims = (self.matrix @ self._vectors([_normal(shape)]).T).toarray().ravel()
        best: dict[str, float] = {}
        for label, s in zip(self.labels, sims, strict=True):
            best[label] = max(best.get(label, 0.0), float(s))
        ranked = sorted(best.items(), key=lambda kv: kv[1], reverse=True)
        name, score = ranked[0]
        runner = ranked[1][0] if len(ranked) > 1 else None
        if name != DECLINE and score < best.get(DECLINE, 0) + MIN_MARGIN_OVER_DECLINE:
            name = DECLINE
        if score < MIN_SCORE:
            name = DECLINE
        return Match(name, score, runner, {k: v for k, v in best.items() if k != DECLINE})
