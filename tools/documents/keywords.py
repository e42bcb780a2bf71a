"""Keyword scoring (Okapi BM25) over the passages, with a tokenizer that keeps part numbers,
fault codes and equipment tags whole: "HS-8040", "E-217" and "P-3" are single terms (and
"hs8040" matches "HS-8040"), which is where embeddings are weakest."""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from stockwise.tools.core.stopwords import STOPWORDS

_TOKEN = re.compile(r"[a-z0-9]+(?:[-/.][a-z0-9]+)*")


def _stem(word: str) -> str:
    """A light suffix fold, enough for "replacing"/"replaced"/"replace" and "seals"/"seal"."""
    if not word.isalpha() or len(word) <= 4:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    for suffix in ("ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and not word.endswith("ss") and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def tokenize(text: str) -> list[str]:
    """Lower-cased terms; a code such as "HS-8040" yields "hs-8040", "hs8040", "hs" and "8040"."""
    terms: list[str] = []
    for token in _TOKEN.findall(text.lower()):
        token = token.strip(".")
        if not token or token in STOPWORDS:
            continue
        parts = [p for p in re.split(r"[-/.]", token) if p]
        if len(parts) > 1:
            terms.append(token)
            terms.append("".join(parts))
            terms.extend(p for p in parts if len(p) > 1 and p not in STOPWORDS)
        elif re.search(r"[a-z]\d|\d[a-z]", token):
            # "HS8040" typed without the hyphen: also match the hyphenated code.
            terms.append(token)
            split = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", "-", token)
            terms.append(split)
        else:
            terms.append(_stem(token))
    return terms


class BM25:
    """Okapi BM25 over a fixed list of texts; `scores(query)` returns one score per text.

    A text's first line is its title path; its terms count `title_weight` extra times (a
    light BM25F), so "Seals > Replacing the cylinder seal" outweighs a passing mention."""

    def __init__(
        self, texts: list[str], k1: float = 1.2, b: float = 0.75, title_weight: float = 0.0
    ) -> None:
        self.k1, self.b = k1, b
        docs: list[dict[str, float]] = []
        lengths: list[int] = []
        for text in texts:
            title, _, body = text.partition("\n")
            counts = Counter(tokenize(title)) + Counter(tokenize(body))
            lengths.append(sum(counts.values()))
            weighted: dict[str, float] = dict(counts)
            for term, in_title in Counter(tokenize(title)).items():
                weighted[term] += title_weight * in_title
            docs.append(weighted)
        self._lengths = np.array(lengths, dtype=np.float64)
        self._avg = float(self._lengths.mean()) if len(docs) else 0.0
        self._postings: dict[str, list[tuple[int, float]]] = {}
        for i, doc in enumerate(docs):
            for term, tf in doc.items():
                self._postings.setdefault(term, []).append((i, tf))
        n = len(docs)
        self._idf = {
            t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self._postings.items()
        }
        self._size = n

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every term of the texts, as `tokenize` spells them."""
        return frozenset(self._idf)

    def idf(self, term: str) -> float:
        """The term's inverse document frequency; a term no text has gets the highest."""
        return self._idf.get(term, math.log(1 + (self._size + 0.5) / 0.5))

    def ceiling(self, query: str) -> float:
        """The most any text could score for `query`: every term of it matched, with a
        term frequency so high the saturation is reached. A term no text has counts at
        its (highest) idf, so a query the texts only half cover scores half of this."""
        return sum(self.idf(term) * (self.k1 + 1) for term in set(tokenize(query)))

    def scores(self, query: str) -> np.ndarray:
        out = np.zeros(self._size, dtype=np.float64)
        if not self._size:
            return out
        norm = self.k1 * (1 - self.b + self.b * self._lengths / max(self._avg, 1e-9))
        for term in set(tokenize(query)):
            for i, tf in self._postings.get(term, ()):
                out[i] += self._idf[term] * tf * (self.k1 + 1) / (tf + norm[i])
        return out
