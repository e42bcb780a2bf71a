"""The passages of an on-disk document index, copied into one numpy file beside it, so that
a one-shot search (`stockwise docs "..."`) reads them without importing Chroma: the import
alone was about half the CPU of a cold search (1.0 of 2.0 s).

A snapshot names the index state it was taken in: the write sequence Chroma has applied
and its passage count, read from Chroma's SQLite file with the standard library. Any
write to the index (`stockwise index`, a first build) moves that state on, and a snapshot
of an older state is ignored (then retaken), so it never answers with passages the index
no longer holds. Anything unexpected in Chroma's file (another Chroma version's layout)
means no snapshot: the search opens Chroma as before.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

SUFFIX = ".passages.npz"


class Snapshot:
    """The passages of one collection, answering `get` and `count` as the collection does
    for what the retriever reads (ids, texts, metadata, vectors)."""

    def __init__(
        self, ids: list[str], texts: list[str], metadatas: list[dict], vectors: np.ndarray
    ) -> None:
        self.ids, self.texts, self.metadatas, self.vectors = ids, texts, metadatas, vectors

    @classmethod
    def of(cls, collection: Any) -> Snapshot:
        got = collection.get(include=["documents", "metadatas", "embeddings"])
        ids = list(got["ids"])
        vectors = got.get("embeddings")
        array = (
            np.asarray(vectors, dtype=np.float32).reshape(len(ids), -1)
            if vectors is not None and len(ids)
            else np.zeros((0, 0), dtype=np.float32)
        )
        return cls(ids, list(got["documents"]), [m or {} for m in got["metadatas"]], array)

    def get(self, include: list[str] | None = None) -> dict[str, Any]:
        return {
            "ids": self.ids,
            "documents": self.texts,
            "metadatas": self.metadatas,
            "embeddings": self.vectors,
        }

    def count(self) -> int:
        return len(self.ids)


def state(folder: Path) -> str | None:
    """The index's write state (the sequence each segment has applied, the passage count),
    or None when it cannot be read."""
    path = folder / "chroma.sqlite3"
    if not path.is_file():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            applied = db.execute(
                "SELECT group_concat(segment_id || ':' || seq_id, ',') "
                "FROM (SELECT segment_id, seq_id FROM max_seq_id ORDER BY segment_id)"
            ).fetchone()[0]
            count = db.execute("SELECT count(*) FROM embeddings").fetchone()[0]
    except sqlite3.Error:
        return None
    return f"{applied}|{count}"


def _path(folder: Path, collection: str) -> Path:
    return folder / f"{collection}{SUFFIX}"


def load(folder: Path, collection: str) -> Snapshot | None:
    """The collection's snapshot if it was taken in the index's present state and holds
    passages; else None."""
    path = _path(folder, collection)
    if not path.is_file():
        return None
    current = state(folder)
    try:
        with np.load(path, allow_pickle=False) as data:
            if current is None or str(data["state"]) != current:
                return None
            rows = json.loads(bytes(data["rows"]).decode("utf-8"))
            vectors = np.array(data["vectors"], dtype=np.float32)
    except (OSError, ValueError, KeyError):
        return None  # unreadable or of another layout: the index itself answers
    if not rows["ids"] or len(rows["ids"]) != len(vectors):
        return None
    return Snapshot(rows["ids"], rows["texts"], rows["metadatas"], vectors)


def save(folder: Path, collection: str, taken_in: str | None, snapshot: Snapshot) -> None:
    """Write `snapshot`, read from the index in state `taken_in` (read before the passages
    were, so a write in between leaves it stale rather than wrong). Written whole or not
    at all; a folder that cannot be written just means no snapshot."""
    if taken_in is None or not snapshot.ids:
        return
    rows = {"ids": snapshot.ids, "texts": snapshot.texts, "metadatas": snapshot.metadatas}
    encoded = np.frombuffer(json.dumps(rows).encode("utf-8"), dtype=np.uint8)
    tmp: Path | None = None
    try:
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as file:
            tmp = Path(file.name)
            np.savez(file, state=np.array(taken_in), rows=encoded, vectors=snapshot.vectors)
        os.replace(tmp, _path(folder, collection))
    except OSError:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
