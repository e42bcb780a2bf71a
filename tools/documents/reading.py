"""Reading one document file (Markdown, plain text, PDF) into passages with a title path.

A passage is the unit the index stores and retrieval returns: the text of one section (or
one page of a PDF), the path of headings above it ("Manual P-series press > Seals >
Replacing the cylinder seal") and the document's metadata. A file that cannot be read
raises `DocumentError` with a reason a person can act on; the builder skips it.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from pathlib import Path

import yaml

from stockwise.tools.documents.passages import DOC_TYPES, Document, DocumentError, Passage, chunks
from stockwise.tools.documents.pdf import read_pdf

SUPPORTED_SUFFIXES = {".md", ".markdown", ".txt", ".pdf"}
PATH_SEPARATOR = " > "

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_document(path: Path, data: bytes) -> Document:
    """Parse the bytes of `path` into a Document with at least one passage."""
    suffix = path.suffix.lower()
    if not data.strip():
        raise DocumentError("the file is empty")
    if suffix == ".pdf":
        doc = read_pdf(path, data)
    else:
        text = _decode(data)
        doc = (
            _read_markdown(path, text) if suffix in {".md", ".markdown"} else _read_text(path, text)
        )
    doc.passages = [p for p in doc.passages if p.text.strip()]
    if not doc.passages:
        raise DocumentError("no text found in the file")
    return doc


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"not UTF-8 text (byte {exc.start}); save the file as UTF-8 and index again"
        ) from exc


def _front_matter(path: Path, text: str) -> tuple[dict, str]:
    if not text.startswith("---"):
        return {}, text
    lines = text.splitlines()
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---")
    except StopIteration:
        raise DocumentError("front matter opened with '---' is never closed") from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        raise DocumentError(f"front matter is not valid YAML{where}") from exc
    if not isinstance(meta, dict):
        raise DocumentError("front matter must be 'key: value' lines")
    doc_type = str(meta.get("doc_type") or "")
    if doc_type and doc_type not in DOC_TYPES:
        allowed = ", ".join(sorted(DOC_TYPES))
        raise DocumentError(f"front matter doc_type {doc_type!r} is not one of {allowed}")
    return meta, "\n".join(lines[end + 1 :])


def _scalar(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _read_markdown(path: Path, text: str) -> Document:
    meta, body = _front_matter(path, text)
    first_heading = next((m.group(2) for m in map(_HEADING.match, body.splitlines()) if m), "")
    doc = Document(
        doc_id=_scalar(meta.get("doc_id")) or path.stem,
        title=_scalar(meta.get("title")) or first_heading or path.stem,
        doc_type=_scalar(meta.get("doc_type")),
        equipment_id=_scalar(meta.get("equipment_id")),
        equipment_type=_scalar(meta.get("equipment_type")),
        revision=_scalar(meta.get("revision")),
        effective_date=_scalar(meta.get("effective_date")),
    )
    doc.passages = split_markdown(body, doc.title)
    return doc


def split_markdown(body: str, title: str) -> list[Passage]:
    """One passage per section; a level-1 heading equal to the title is not repeated."""
    passages: list[Passage] = []
    stack: list[tuple[int, str]] = []
    lines: list[str] = []

    def flush() -> None:
        text = "\n".join(lines).strip()
        if text:
            section = PATH_SEPARATOR.join(name for _, name in stack)
            passages.extend(Passage(section, chunk) for chunk in chunks(text))
        lines.clear()

    for line in body.splitlines():
        match = _HEADING.match(line)
        if not match:
            lines.append(line)
            continue
        flush()
        level, name = len(match.group(1)), match.group(2).strip()
        if level == 1 and not stack and name == title:
            continue
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, name))
    flush()
    return passages


def _read_text(path: Path, text: str) -> Document:
    lines = [line for line in text.splitlines() if line.strip()]
    title = lines[0].strip() if lines else path.stem
    body = text.split(lines[0], 1)[1] if lines else ""
    return Document(
        doc_id=path.stem,
        title=title,
        passages=[Passage("", chunk) for chunk in chunks(body.strip())],
    )
