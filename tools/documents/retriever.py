"""Hybrid retrieval: dense similarity from Chroma plus BM25 keywords, fused by reciprocal
rank fusion, with filters on equipment, document type and revision.

Built once per context (it loads every passage's text for the keyword index); a search
costs one query embedding, one Chroma query and a BM25 pass over the passages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from tools.documents.embedding import embed
from tools.documents.keywords import BM25

Mode = Literal["hybrid", "dense", "keyword"]
RRF_K = 60  # the constant of Cormack et al.; damps the weight of any single list's top ranks
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


class HybridRetriever:
    def __init__(self, collection: Any) -> None:
        self._collection = collection
        got = collection.get(include=["documents", "metadatas"])
        self._ids: list[str] = list(got["ids"])
        self._texts: list[str] = list(got["documents"])
        self._metas: list[dict] = [m or {} for m in got["metadatas"]]
        self._position = {pid: i for i, pid in enumerate(self._ids)}
        self._bm25 = BM25(self._texts)

    @property
    def equipment_types(self) -> dict[str, str]:
        """equipment id -> type, as the documents' own front matter pairs them."""
        return {
            m["equipment_id"]: m["equipment_type"]
            for m in self._metas
            if m.get("equipment_id") and m.get("equipment_type")
        }

    @property
    def size(self) -> int:
        return len(self._ids)

    def search(
        self, query: str, k: int = 5, filters: Filters | None = None, mode: Mode = "hybrid"
    ) -> list[Hit]:
        filters = filters or Filters()
        if not self._ids:
            return []
        dense = self._dense(query, filters) if mode != "keyword" else []
        keyword = self._keyword(query, filters) if mode != "dense" else []
        if mode == "dense":
            ranked = dense
        elif mode == "keyword":
            ranked = keyword
        else:
            ranked = _fuse([dense, keyword])
        return [
            Hit(pid, self._texts[self._position[pid]], self._metas[self._position[pid]], score)
            for pid, score in ranked[:k]
        ]

    def _dense(self, query: str, filters: Filters) -> list[tuple[str, float]]:
        vector = embed([query])
        result = self._collection.query(
            query_embeddings=vector,
            n_results=min(CANDIDATES, len(self._ids)),
            where=filters.where(),
            include=["distances"],
        )
        return [
            (pid, 1.0 - d) for pid, d in zip(result["ids"][0], result["distances"][0], strict=True)
        ]

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


def _fuse(rankings: list[list[tuple[str, float]]]) -> list[tuple[str, float]]:
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, (pid, _) in enumerate(ranking, start=1):
            fused[pid] = fused.get(pid, 0.0) + 1.0 / (RRF_K + rank)
    return sorted(fused.items(), key=lambda kv: -kv[1])
