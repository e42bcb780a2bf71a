"""Turn what a person types ("hyd seal 50", "MRO-00412", "Plant North") into item and site codes.

Matching works word by word, as people type ERP descriptions: a query word matches a
description word exactly, as an abbreviation of it ("hyd" for "hydraulic", and the other way
round when the ERP holds the abbreviation), or with a typo ("hydralic"). An item's score is
the mean over the query's words of their best match in its id and description.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from rapidfuzz import fuzz, process

from stockwise.tools.core.errors import InvalidArgumentError, UnknownEntityError, UnknownItemError
from stockwise.tools.stock.index import StockIndex

STRONG_MATCH = 75.0  # every query word matched, allowing a typo or two
CLEAR_LEAD = 5.0  # a best match this far ahead of the next one is what the person meant
_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)?")


class AmbiguousItemError(InvalidArgumentError):
    """The text fits several items equally well; the caller should name one by id."""

    def __init__(self, query: str, candidates: list[str]) -> None:
        self.query = query
        self.candidates = candidates
        super().__init__(
            f"{query!r} matches {len(candidates)} items: {'; '.join(candidates)}. "
            "Name one by its item id."
        )


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _is_contraction(short: str, long: str) -> bool:
    """'brg' for 'bearing', 'assy' for 'assembly': same first letter, letters kept in order."""
    if len(short) < 2 or len(short) >= len(long) or short[0] != long[0] or short.isdigit():
        return False
    rest = iter(long[1:])
    return all(ch in rest for ch in short[1:])


def _word_score(query_word: str, vocabulary: list[str]) -> np.ndarray:
    """Score 0-100 of one query word against every vocabulary word: 100 exact, 95 the query
    starts the word ("hyd" for "hydraulic"), 90 the word starts the query (the ERP holds the
    abbreviation), 85 one is a contraction of the other ("brg"), else typo similarity."""
    scores = process.cdist([query_word], vocabulary, scorer=fuzz.ratio, dtype=np.float32)[0]
    scores[scores < 70] = 0
    first = query_word[:1]
    for position, word in enumerate(vocabulary):
        if not word or word[0] != first:
            continue  # every rule below needs the same first letter
        if word == query_word:
            best = 100.0
        elif len(query_word) >= 2 and word.startswith(query_word):
            best = 95.0
        elif len(word) >= 3 and query_word.startswith(word):
            best = 90.0
        elif _is_contraction(word, query_word) or _is_contraction(query_word, word):
            best = 85.0
        else:
            continue
        scores[position] = max(scores[position], best)
    return scores


@dataclass
class ItemMatch:
    code: int
    score: float


class ItemMatcher:
    """Description words in flat arrays for vectorised scoring, and the ids beside them."""

    def __init__(self, index: StockIndex) -> None:
        self.index = index
        ids = index.items["item_id"].astype(str).tolist()
        descriptions = index.items["description"].fillna("").astype(str).tolist()
        self.ids = [i.lower() for i in ids]
        self.id_array = np.array(self.ids, dtype=str)
        self.id_lookup = {i: code for code, i in enumerate(self.ids)}
        self.description_lookup: dict[str, list[int]] = {}
        # Word 0 is "" (scores 0), so every item owns at least one word for reduceat.
        vocabulary: dict[str, int] = {"": 0}
        flat: list[int] = []
        starts: list[int] = []
        for code, text in enumerate(descriptions):
            tokens = words(text)
            self.description_lookup.setdefault(" ".join(tokens), []).append(code)
            starts.append(len(flat))
            flat += [vocabulary.setdefault(t, len(vocabulary)) for t in dict.fromkeys(tokens)]
            flat.append(0)
        self.vocabulary = list(vocabulary)
        self.labels = [f"{i} {d}" for i, d in zip(ids, descriptions, strict=True)]
        self.flat = np.array(flat, dtype=np.int64)
        self.starts = np.array(starts, dtype=np.int64)

    def description_scores(self, query: str) -> np.ndarray:
        """Per item: mean over the query's words of the best match among the item's words."""
        query_words = words(query)
        total = np.zeros(self.index.n_items, dtype=np.float64)
        if not query_words or not len(self.starts):
            return total
        for word in query_words:
            per_word = _word_score(word, self.vocabulary)
            per_word[0] = 0
            total += np.maximum.reduceat(per_word[self.flat], self.starts)
        return total / len(query_words)

    def id_scores(self, query: str) -> np.ndarray:
        """Per item: similarity of the whole query to its id (a typed or partial id)."""
        text = query.strip().lower()
        if not text or not self.ids:
            return np.zeros(self.index.n_items)
        similar = process.cdist([text], self.ids, scorer=fuzz.ratio, dtype=np.float32)[0]
        similar[similar < 70] = 0
        if len(text) >= 4:  # "00412" for MRO-00412; shorter fragments fit too many ids
            inside = np.char.find(self.id_array, text) >= 0
            similar[inside] = np.maximum(similar[inside], 95)
        return similar.astype(np.float64)

    def search(self, query: str, limit: int) -> list[ItemMatch]:
        text = query.strip()
        scores = np.maximum(self.description_scores(text), self.id_scores(text))
        exact = self.id_lookup.get(text.lower())
        if exact is not None:
            scores[exact] = 100.0
        top = np.argsort(-scores, kind="stable")[:limit]
        return [ItemMatch(int(c), float(scores[c])) for c in top if scores[c] > 0]


_MATCHER_LOCK = threading.Lock()


class Resolver:
    """Item and site lookups for one index; `resolver(index)` keeps one per index."""

    def __init__(self, index: StockIndex) -> None:
        self.index = index

    @cached_property
    def items(self) -> ItemMatcher:
        return ItemMatcher(self.index)

    def label(self, code: int) -> str:
        row = self.index.items.iloc[code]
        return f"{row['item_id']} {row['description']}"

    def item_candidates(self, query: str, limit: int = 10) -> list[int]:
        """Items the text names: its id, its exact description, or every strong match."""
        text = query.strip()
        if not text:
            raise InvalidArgumentError("an item is needed: give an item id or a description")
        exact = self.items.id_lookup.get(text.lower())
        if exact is not None:
            return [exact]
        described = self.items.description_lookup.get(" ".join(words(text)))
        if described:
            return described[:limit]
        matches = self.items.search(text, limit)
        strong = [m for m in matches if m.score >= STRONG_MATCH]
        if not strong:
            raise UnknownItemError(text, self.closest(text, matches))
        best = strong[0].score
        return [m.code for m in strong if m.score >= best - CLEAR_LEAD]

    def closest(self, text: str, matches: list[ItemMatch]) -> list[str]:
        """Suggestions for an unknown item: word matches, else whole-label similarity."""
        if matches:
            return [self.label(m.code) for m in matches[:5]]
        labels = self.items.labels
        return [labels[i] for _, _, i in process.extract(text, labels, scorer=fuzz.WRatio, limit=5)]

    def item(self, query: str) -> int:
        """The one item the text names, or UnknownItemError / AmbiguousItemError."""
        candidates = self.item_candidates(query)
        if len(candidates) > 1:
            raise AmbiguousItemError(query, [self.label(c) for c in candidates])
        return candidates[0]

    def site(self, query: str) -> int:
        text = query.strip().lower()
        sites = self.index.sites
        for code, (site_id, name) in enumerate(zip(sites["site_id"], sites["name"], strict=True)):
            if text in (str(site_id).lower(), str(name).lower()):
                return code
        labels = [f"{s} ({n})" for s, n in zip(sites["site_id"], sites["name"], strict=True)]
        close = process.extract(
            text,
            [f"{s} {n}".lower() for s, n in zip(sites["site_id"], sites["name"], strict=True)],
            scorer=fuzz.WRatio,
            limit=3,
        )
        raise UnknownEntityError("site", query, [labels[i] for _, score, i in close if score > 40])


def resolver(index: StockIndex) -> Resolver:
    """The resolver of `index`, kept on the index so it lives and dies with it."""
    with _MATCHER_LOCK:
        found = index.__dict__.get("_resolver")
        if found is None:
            found = index.__dict__["_resolver"] = Resolver(index)
        return found
