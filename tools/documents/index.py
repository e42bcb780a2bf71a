"""Build and refresh the document index: a folder of documents mirrored into Chroma.

Incremental: each passage records the file it came from and the file's content hash, so a
re-run skips unchanged files, replaces changed ones and removes the passages of files that
are gone. Each file lands whole or not at all: its new passages are embedded before
anything is written, added under new ids, and only then are its old passages deleted.
A file that cannot be read is skipped with a line in the report; the rest are indexed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stockwise.tools.documents.e5 import embed_passages
from stockwise.tools.documents.passages import Document, DocumentError
from stockwise.tools.documents.reading import (
    PATH_SEPARATOR,
    SUPPORTED_SUFFIXES,
    content_hash,
    read_document,
)

ProgressCallback = Callable[[int, int, str], None]  # (files done, files total, current file)


@dataclass
class IndexReport:
    folder: str
    indexed: list[str] = field(default_factory=list)  # new or changed files
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    passages_added: int = 0
    passages_total: int = 0
    seconds: float = 0.0
    embed_seconds: float = 0.0

    def lines(self) -> list[str]:
        out = [
            f"{self.folder}: {len(self.indexed)} indexed, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed, {len(self.skipped)} skipped; "
            f"{self.passages_added} passages added, {self.passages_total} in the index "
            f"({self.seconds:.1f} s)"
        ]
        out += [f"skipped {name}: {reason}" for name, reason in self.skipped]
        out += [f"removed {name}" for name in self.removed]
        return out


def passage_text(doc: Document, section: str, text: str) -> str:
    """What gets embedded and keyword-indexed: the title path, then the passage."""
    path = PATH_SEPARATOR.join(part for part in (doc.title, section) if part)
    return f"{path}\n{text}"


def build_index(
    folder: Path, collection: Any, on_progress: ProgressCallback | None = None
) -> IndexReport:
    """Mirror the documents under `folder` into `collection`; return what happened."""
    started = time.perf_counter()
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no documents folder at {folder}")
    report = IndexReport(folder=str(folder))
    files = sorted(
        p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
    )
    stored = _stored_files(collection)  # source -> (hash, [ids])
    seen_doc_ids: dict[str, str] = {}
    for done, path in enumerate(files):
        source = path.relative_to(folder).as_posix()
        if on_progress:
            on_progress(done, len(files), source)
        try:
            data = path.read_bytes()
        except OSError as exc:
            report.skipped.append((source, f"cannot read the file ({exc.strerror})"))
            continue
        digest = content_hash(data)
        old = stored.pop(source, StoredFile())
        if digest == old.content_hash:
            report.unchanged.append(source)
            seen_doc_ids[old.doc_id] = source
            continue
        try:
            doc = read_document(path, data)
            if doc.doc_id in seen_doc_ids:
                raise DocumentError(
                    f"doc_id {doc.doc_id!r} is also used by {seen_doc_ids[doc.doc_id]}"
                )
        except DocumentError as exc:
            # Popped from `stored` above, so a previous version is kept, not removed.
            kept = "; its previous version stays in the index" if old.ids else ""
            report.skipped.append((source, f"{exc}{kept}"))
            continue
        seen_doc_ids[doc.doc_id] = source
        t0 = time.perf_counter()
        report.passages_added += _replace_file(collection, source, digest, doc, old.ids)
        report.embed_seconds += time.perf_counter() - t0
        report.indexed.append(source)
    for source, gone in sorted(stored.items()):
        collection.delete(ids=gone.ids)
        report.removed.append(source)
    if on_progress:
        on_progress(len(files), len(files), "")
    report.passages_total = collection.count()
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class StoredFile:
    content_hash: str = ""
    doc_id: str = ""
    ids: list[str] = field(default_factory=list)


def _stored_files(collection: Any) -> dict[str, StoredFile]:
    """What the index holds, per source file."""
    stored: dict[str, StoredFile] = {}
    got = collection.get(include=["metadatas"])
    for pid, meta in zip(got["ids"], got["metadatas"], strict=True):
        meta = meta or {}
        entry = stored.setdefault(
            meta.get("source", ""), StoredFile(meta.get("content_hash", ""), meta.get("doc_id", ""))
        )
        entry.ids.append(pid)
    return stored


def _replace_file(
    collection: Any, source: str, digest: str, doc: Document, old_ids: list[str]
) -> int:
    texts = [passage_text(doc, p.section, p.text) for p in doc.passages]
    vectors = embed_passages(texts)  # before any write: a failure here leaves the index untouched
    ids = [f"{doc.doc_id}#{digest[:10]}#{n}" for n in range(len(texts))]
    metadatas = [
        {
            "doc_id": doc.doc_id,
            "title": doc.title,
            "section": p.section,
            "doc_type": doc.doc_type,
            "equipment_id": doc.equipment_id,
            "equipment_type": doc.equipment_type,
            "revision": doc.revision,
            "effective_date": doc.effective_date,
            "page": p.page,
            "source": source,
            "content_hash": digest,
        }
        for p in doc.passages
    ]
    try:
        collection.upsert(ids=ids, embeddings=vectors, documents=texts, metadatas=metadatas)
    except Exception:
        collection.delete(ids=ids)  # no half-written file
        raise
    stale = [i for i in old_ids if i not in set(ids)]
    if stale:
        collection.delete(ids=stale)
    return len(ids)
