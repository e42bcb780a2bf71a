"""Hybrid retrieval: dense similarity from Chroma plus BM25 keywords, fused, with filters on
equipment, document type and revision, and a verdict on whether anything found is
relevant at all (relevance.py).

The query is widened before searching: equipment ids gain their type ("P-3" -> hydraulic
press), machines named without an id gain their ids (aliases.py: "press 3" -> P-3), and for
the keyword leg foreign shop-floor words gain their English terms (glossary.py).

Fusion is a weighted sum of each list's min-max normalised scores ("relative score
fusion"). On the retrieval eval it beat reciprocal rank fusion (MRR 0.92 vs 0.88): RRF
throws away how far ahead a clear keyword hit on a part number or fault code is.

Built once per context (it loads every passage's text and vector); a search costs one
query embedding, one matrix product over the passages' vectors and a BM25 pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from stockwise.tools.documents import e5
from stockwise.tools.documents.aliases import MachineNames
from stockwise.tools.documents.glossary import translate
from stockwise.tools.documents.keywords import BM25, tokenize
from stockwise.tools.documents.relevance import (
    Signals,
    Verdict,
    english,
    judge,
    known_share,
    signals,
)

Mode = Literal["hybrid", "dense", "keyword"]
DENSE_WEIGHT = 0.6  # keyword weight is 1 - this; chosen on evals/retrieval (0.4-0.6 all beat RRF)
CANDIDATES = 50  # how deep each ranking is read before fusion


@dataclass(frozen=True)
class Filters:
    """Which passages may be returned. `equipment_ids`/`equipment_types`: a passage matches
    when it is about one of them, or about no equipment at all (plant-wide SOPs, policies)."""

    equipment_ids: tuple[str, ...] = ()
    equipment_types: tuple[str, ...] = ()
    doc_type: str | None = None
    revision: str | None = None

    def where(self) -> dict | None:
        clauses: list[dict] = []
        if self.equipment_ids or self.equipment_types:
            about: list[dict] = [{"$and": [{"equipment_id": ""}, {"equipment_type": ""}]}]
            if self.equipment_ids:
                about.append({"equipment_id": {"$in": list(self.equipment_ids)}})
            if self.equipment_types:
                about.append({"equipment_type": {"$in": list(self.equipment_types)}})
            clauses.append({"$or": about})
        if self.doc_type:
            clauses.append({"doc_type": self.doc_type})
        if self.revision:
            clauses.append({"revision": self.revision})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def accepts(self, meta: dict) -> bool:
        if self.equipment_ids or self.equipment_types:
            eq_id, eq_type = meta.get("equipment_id", ""), meta.get("equipment_type", "")
            general = not eq_id and not eq_type
            if not (general or eq_id in self.equipment_ids or eq_type in self.equipment_types):
                return False
        if self.doc_type and meta.get("doc_type") != self.doc_type:
            return False
        return not (self.revision and meta.get("revision") != self.revision)


@dataclass
class Hit:
    passage_id: str
    text: str
    metadata: dict
    score: float  # the fused score (or the single ranking's score in dense/keyword mode)


@dataclass
class Retrieval:
    """The passages found and whether any of them is about the question at all."""

    hits: list[Hit]
    verdict: Verdict

    @property
    def covered(self) -> bool:
        return self.verdict.covered


class HybridRetriever:
    def __init__(
        self,
        collection: Any,
        equipment_types: dict[str, str] | None = None,
        machines: MachineNames | None = None,
    ) -> None:
        """`equipment_types` (id -> type, e.g. from the dataset) extends the pairs the
        documents' front matter already gives; `machines` resolves names without ids."""
        self._collection = collection
        got = collection.get(include=["documents", "metadatas", "embeddings"])
        self._ids: list[str] = list(got["ids"])
        # The passages' vectors, searched exactly with one matrix product: cheaper than a
        # Chroma query (its HNSW, SQLite and Python layers cost ~2 ms a search here).
        vectors = got.get("embeddings")
        self._vectors = (
            np.asarray(vectors, dtype=np.float32).reshape(len(self._ids), -1)
            if vectors is not None and len(self._ids)
            else np.zeros((0, e5.DIMENSIONS), dtype=np.float32)
        )
        self._texts: list[str] = list(got["documents"])
        self._metas: list[dict] = [m or {} for m in got["metadatas"]]
        self._position = {pid: i for i, pid in enumerate(self._ids)}
        # Short passages are the norm, so length is penalised less than usual (b=0.3), and
        # title-path terms count double: both measured on evals/retrieval.
        self._bm25 = BM25(self._texts, b=0.3, title_weight=2.0)
        self._types = {**self.equipment_types, **(equipment_types or {})}
        self._tags = (
            re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, self._types)) + r")(?![\w-])", re.I)
            if self._types
            else None
        )
        self._tag_case = {tag.lower(): tag for tag in self._types}
        self._machines = machines
        self._vocabulary = self._bm25.vocabulary
        # The words the plant uses: its documents' and its machines' names.
        self._plant_words = self._vocabulary | (machines.vocabulary if machines else frozenset())
        self._plant_list = sorted(self._plant_words)

    def _near(self, term: str) -> bool:
        """Whether `term` is one typing slip from a word the plant uses: a letter left out
        or typed twice ("cylindr", "alchohol"). A letter typed in place of another is not
        counted: that mostly makes another real word, which is what was asked about
        ("filler" is not "filter", "tower" not "power", "pension" not "tension"). Words
        under five letters are too short to tell a slip from another word."""
        if len(term) < 5 or not term.isalpha():
            return False
        from rapidfuzz import process
        from rapidfuzz.distance import Indel

        return (
            process.extractOne(term, self._plant_list, scorer=Indel.distance, score_cutoff=1)
            is not None
        )

    @property
    def equipment_types(self) -> dict[str, str]:
        """equipment id -> type, as the documents' own front matter pairs them."""
        return {
            m["equipment_id"]: m["equipment_type"]
            for m in self._metas
            if m.get("equipment_id") and m.get("equipment_type")
        }

    def knows(self, code: str) -> bool:
        """Whether any passage contains this code (part number, fault code, id)."""
        terms = tokenize(code)
        return bool(terms) and terms[0] in self._vocabulary

    @property
    def size(self) -> int:
        return len(self._ids)

    def search(
        self, query: str, k: int = 5, filters: Filters | None = None, mode: Mode = "hybrid"
    ) -> list[Hit]:
        """The best `k` passages, relevant or not (see `retrieve` for the verdict)."""
        return self.retrieve(query, k, filters, mode).hits

    def retrieve(
        self, query: str, k: int = 5, filters: Filters | None = None, mode: Mode = "hybrid"
    ) -> Retrieval:
        filters = filters or Filters()
        if not self._ids:
            return Retrieval(
                [], Verdict(False, 0.0, False, "the index is empty", signals=Signals())
            )
        # The expansion only adds English the documents use, which the glossary leaves
        # alone: translating the question once serves both the keyword leg and `known`.
        terms, untranslated = translate(query, self._vocabulary)
        foreign = not english(untranslated, bool(terms))
        known = known_share(untranslated, self._plant_words, self._bm25.idf, terms, self._near)
        query = self.expand(query)
        # The keyword leg sees the question and the English terms of its foreign words.
        keyword_query = f"{query} {' '.join(terms)}" if terms else query
        # The dense leg is computed in every mode: the verdict cross-checks the two legs.
        sims = self._similarities(query, filters)
        dense = self._dense(sims)
        keyword = self._keyword(keyword_query, filters) if mode != "dense" else []
        if mode == "dense":
            ranked = dense
        elif mode == "keyword":
            ranked = keyword
        else:
            ranked = _fuse([dense, keyword])
        hits = [
            Hit(pid, self._texts[self._position[pid]], self._metas[self._position[pid]], score)
            for pid, score in ranked[:k]
        ]
        if mode == "dense":  # a single leg cannot cross-check itself
            keyword = self._keyword(keyword_query, filters)
        verdict = judge(
            signals(
                [(self._doc(pid), score) for pid, score in dense],
                [(self._doc(pid), score) for pid, score in keyword[:1]],
                self._bm25.ceiling(keyword_query),
                known,
                foreign,
                _standing(sims),
            )
        )
        return Retrieval(hits, verdict)

    def _doc(self, pid: str) -> str:
        return str(self._metas[self._position[pid]].get("doc_id", ""))

    def expand(self, query: str) -> str:
        """Name the type of each equipment tag in the query ("P-3" means nothing to the
        embedding model and the manuals are written per type ("hydraulic press")), and the
        ids and type of each machine named without its id ("press 3", "HPU 2")."""
        found: set[str] = set()
        if self._tags is not None:
            found = {self._tag_case[m.lower()] for m in self._tags.findall(query)}
        kinds = {self._types[tag] for tag in found}
        extra: list[str] = []
        if self._machines is not None:
            named = self._machines.resolve(query)
            extra = [i for i in named.ids if i not in found]
            kinds.update(named.types)
        words = extra + sorted(kind.replace("_", " ") for kind in kinds)
        return f"{query} ({', '.join(words)})" if words else query

    def _similarities(self, query: str, filters: Filters) -> np.ndarray:
        """Every passage's cosine similarity to the query (the vectors are unit length);
        passages the filters exclude score -inf."""
        sims = self._vectors @ e5.embed_queries([query])[0]
        if filters.where() is not None:
            allowed = np.fromiter((filters.accepts(m) for m in self._metas), bool, len(self._metas))
            sims = np.where(allowed, sims, -np.inf)
        return sims

    def _dense(self, sims: np.ndarray) -> list[tuple[str, float]]:
        """The passages by similarity, best first."""
        depth = min(CANDIDATES, len(sims))
        best = np.argpartition(-sims, depth - 1)[:depth] if depth else np.array([], dtype=int)
        best = best[np.argsort(-sims[best], kind="stable")]
        return [(self._ids[i], float(sims[i])) for i in best if np.isfinite(sims[i])]

    def _keyword(self, query: str, filters: Filters) -> list[tuple[str, float]]:
        scores = self._bm25.scores(query)
        order = np.argsort(-scores, kind="stable")
        out: list[tuple[str, float]] = []
        for i in order:
            if scores[i] <= 0 or len(out) >= CANDIDATES:
                break
            if filters.accepts(self._metas[i]):
                out.append((self._ids[i], float(scores[i])))
        return out


def _standing(sims: np.ndarray) -> float:
    """How many standard deviations the best passage stands above the corpus's mean
    similarity to the question: e5's cosines are compressed (0.78-0.94 here) and shift
    with the question's length and language; its standing against every passage does not."""
    finite = sims[np.isfinite(sims)]
    if len(finite) < 2 or float(finite.std()) <= 0:
        return 0.0
    return float((finite.max() - finite.mean()) / finite.std())


def _fuse(rankings: list[list[tuple[str, float]]]) -> list[tuple[str, float]]:
    """Weighted sum of min-max normalised scores; a passage absent from a list scores 0 there."""
    fused: dict[str, float] = {}
    for weight, ranking in zip((DENSE_WEIGHT, 1.0 - DENSE_WEIGHT), rankings, strict=True):
        if not ranking:
            continue
        high, low = ranking[0][1], ranking[-1][1]
        spread = high - low
        for pid, score in ranking:
            normalised = (score - low) / spread if spread > 0 else 1.0
            fused[pid] = fused.get(pid, 0.0) + weight * normalised
    return sorted(fused.items(), key=lambda kv: -kv[1])
