"""Nearest-example intent matching: TF-IDF over character n-grams (typo-tolerant) and words,
on the question's shape (entities replaced by placeholders). No scikit-learn on purpose: a few
hundred short examples need only an inverted index, and importing it would cost seconds at
start."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from stockwise.assistant.agent.planner.intents import DECLINE, Intent

MIN_SCORE = 0.38  # below this the question is not one the planner knows
MIN_MARGIN_OVER_DECLINE = 0.02
CHAR_WEIGHT = 0.65  # chars make typos tolerable; words keep exact wording counting


SEMANTIC_WEIGHT = 0.5  # meaning and wording count alike; see `IntentMatcher.match`


@dataclass
class Match:
    intent: str
    score: float
    runner_up: str | None
    scores: dict[str, float]  # best combined similarity per intent (decline left out)
    runner_up_score: float = 0.0


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
        # Postings (term -> examples holding it, with weights): a question touches only the
        # examples that share a term with it, which keeps matching to a millisecond or two.
        postings: dict[str, tuple[list[int], list[float]]] = {}
        for i, row in enumerate(self.rows):
            for term, weight in row.items():
                rows, weights = postings.setdefault(term, ([], []))
                rows.append(i)
                weights.append(weight)
        self.n = n
        self.postings = {
            t: (np.array(r, dtype=np.int64), np.array(w, dtype=np.float64))
            for t, (r, w) in postings.items()
        }

    def similarities(self, counts: Counter) -> np.ndarray:
        """Cosine similarity of `counts` with every example (both unit length)."""
        out = np.zeros(self.n)
        for term, weight in self.vector(counts).items():
            rows, weights = self.postings[term]
            out[rows] += weight * weights
        return out

    def vector(self, counts: Counter) -> dict[str, float]:
        # Unknown terms carry no weight: they cannot match any example anyway.
        vec = {t: (1 + math.log(c)) * self.idf[t] for t, c in counts.items() if t in self.idf}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}


class IntentMatcher:
    def __init__(self, intents: list[Intent], shape: Callable[[str], str] | None = None) -> None:
        """`shape` spells an example the way the entity extractor spells a question (a
        period written out in an example, "within their lead time", becomes the {days} a
        question's period becomes), so the same wording scores as the same words."""
        self.labels: list[str] = []
        texts: list[str] = []
        for intent in intents:
            for example in intent.examples:
                self.labels.append(intent.name)
                texts.append(_normal(shape(example.lower()) if shape else example))
        self.chars = _Tfidf([char_grams(t) for t in texts])
        self.words = _Tfidf([word_grams(t) for t in texts])

    def match(self, shape: str, meaning: dict[str, float] | None = None) -> Match:
        """The closest intent by wording (TF-IDF) and, given `meaning` (cosine similarity
        per intent from `SemanticMatcher`), by meaning too: a paraphrase that shares few
        words with any example still lands where its sense is closest."""
        text = _normal(shape)
        sims = CHAR_WEIGHT * self.chars.similarities(char_grams(text)) + (
            1 - CHAR_WEIGHT
        ) * self.words.similarities(word_grams(text))
        best: dict[str, float] = {}
        for label, s in zip(self.labels, sims.tolist(), strict=True):
            best[label] = max(best.get(label, 0.0), s)
        # A question whose nearest example is a decline one is declined on wording alone:
        # "write me a poem about inventory" means inventory to an embedding.
        lexical = max(best.items(), key=lambda kv: kv[1])[0]
        declined = lexical == DECLINE
        if meaning:
            best = {
                k: (1 - SEMANTIC_WEIGHT) * v + SEMANTIC_WEIGHT * meaning.get(k, 0.0)
                for k, v in best.items()
            }
        ranked = sorted(best.items(), key=lambda kv: kv[1], reverse=True)
        name, score = ranked[0]
        runner = ranked[1][0] if len(ranked) > 1 else None
        if name != DECLINE and score < best.get(DECLINE, 0) + MIN_MARGIN_OVER_DECLINE:
            name = DECLINE
        if score < MIN_SCORE or declined:
            name = DECLINE
        runner_score = ranked[1][1] if len(ranked) > 1 else 0.0
        scores = {k: v for k, v in best.items() if k != DECLINE}
        return Match(name, score, runner, scores, runner_score)
