"""Nearest-example intent matching: TF-IDF over character n-grams (typo-tolerant) and words,
on the question's shape (entities replaced by placeholders). Plain Python on purpose: a few
hundred short examples need no scikit-learn, and importing it would cost seconds at start."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from stockwise.assistant.agent.planner.intents import DECLINE, Intent

MIN_SCORE = 0.38  # below this the question is not one the planner knows
MIN_MARGIN_OVER_DECLINE = 0.02
CHAR_WEIGHT = 0.65  # chars make typos tolerable; words keep exact wording counting


@dataclass
class Match:
    intent: str
    score: float
    runner_up: str | None
    scores: dict[str, float]  # best similarity per intent


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w{}' ]", " ", text.lower()).split())


def char_grams(text: str) -> Counter:
    grams: Counter = Counter()
    for word in text.split():
        padded = f" {word} "
        for n in (2, 3, 4):
            grams.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


def word_grams(text: str) -> Counter:
    words = text.split()
    return Counter(words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)])


class _Tfidf:
    def __init__(self, docs: list[Counter]) -> None:
        df: Counter = Counter()
        for doc in docs:
            df.update(doc.keys())
        n = len(docs)
        self.idf = {term: math.log((1 + n) / (1 + d)) + 1 for term, d in df.items()}
        self.rows = [self.vector(doc) for doc in docs]

    def vector(self, counts: Counter) -> dict[str, float]:
        # Unknown terms carry no weight: they cannot match any example anyway.
        vec = {t: (1 + math.log(c)) * self.idf[t] for t, c in counts.items() if t in self.idf}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


class IntentMatcher:
    def __init__(self, intents: list[Intent]) -> None:
        self.labels: list[str] = []
        texts: list[str] = []
        for intent in intents:
            for example in intent.examples:
                self.labels.append(intent.name)
                texts.append(_normal(example))
        self.chars = _Tfidf([char_grams(t) for t in texts])
        self.words = _Tfidf([word_grams(t) for t in texts])

    def match(self, shape: str) -> Match:
        text = _normal(shape)
        qc, qw = self.chars.vector(char_grams(text)), self.words.vector(word_grams(text))
        best: dict[str, float] = {}
        for label, rc, rw in zip(self.labels, self.chars.rows, self.words.rows, strict=True):
            s = CHAR_WEIGHT * _dot(qc, rc) + (1 - CHAR_WEIGHT) * _dot(qw, rw)
            best[label] = max(best.get(label, 0.0), s)
        ranked = sorted(best.items(), key=lambda kv: kv[1], reverse=True)
        name, score = ranked[0]
        runner = ranked[1][0] if len(ranked) > 1 else None
        if name != DECLINE and score < best.get(DECLINE, 0) + MIN_MARGIN_OVER_DECLINE:
            name = DECLINE
        if score < MIN_SCORE:
            name = DECLINE
        return Match(name, score, runner, {k: v for k, v in best.items() if k != DECLINE})
