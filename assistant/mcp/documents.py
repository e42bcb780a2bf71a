"""The dataset's documents (manuals, SOPs, failure reports, safety sheets, policies) as MCP
resources: one resource per document at `stockwise://documents/{doc_id}`, its text given
section by section, each section headed with the citation `search_documents` would give
for it (title, section, revision, page). Read from the dataset's documents/ folder with the
index's own reader, so ids, titles and sections are the ones search results cite."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import mcp_types as types
from rapidfuzz import process

from stockwise.tools.core.errors import StockwiseError

if TYPE_CHECKING:  # pandas: loaded with the dataset, not with the server
    from stockwise.tools.dataset.context import ToolContext

SCHEME = "stockwise://documents/"
TEMPLATE = SCHEME + "{doc_id}"
NOT_FOUND = -32002  # the protocol's "resource not found"


class UnknownDocumentError(StockwiseError):
    pass


@dataclass(frozen=True)
class Entry:
    doc_id: str
    title: str
    doc_type: str
    revision: str
    equipment: str
    source: str  # the file, relative to the documents folder
    text: str  # the whole document, section by section with citations


def _render(doc, source: str) -> str:  # type: ignore[no-untyped-def]
    from stockwise.tools.documents.search import Citation

    head = [f"# {doc.title}", ""]
    facts = {
        "doc_id": doc.doc_id,
        "type": doc.doc_type,
        "revision": doc.revision,
        "effective": doc.effective_date,
        "equipment": doc.equipment_id or doc.equipment_type,
        "file": source,
    }
    head += [f"- {k}: {v}" for k, v in facts.items() if v]
    body = []
    for passage in doc.passages:
        cite = Citation(
            doc_id=doc.doc_id,
            title=doc.title,
            section=passage.section,
            revision=doc.revision,
            page=passage.page or None,
        )
        body += [
            "",
            f"## {passage.section or doc.title}",
            f"Cite as: {cite.label()}",
            "",
            passage.text,
        ]
    return "\n".join(head + body) + "\n"


def build_library(ctx: ToolContext) -> dict[str, Entry]:
    """doc_id -> entry for each readable document; unreadable ones are left out, as the
    index leaves them out."""
    from stockwise.tools.documents.passages import DocumentError
    from stockwise.tools.documents.reading import SUPPORTED_SUFFIXES, read_document
    from stockwise.tools.documents.search import documents_dir

    folder = documents_dir(ctx)
    if folder is None:
        return {}
    library: dict[str, Entry] = {}
    for path in sorted(
        p for p in Path(folder).rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES
    ):
        source = path.relative_to(folder).as_posix()
        try:
            doc = read_document(path, path.read_bytes())
        except (DocumentError, OSError):
            continue
        if doc.doc_id in library:
            continue  # the index keeps the first file of an id, and so do we
        library[doc.doc_id] = Entry(
            doc_id=doc.doc_id,
            title=doc.title,
            doc_type=doc.doc_type,
            revision=doc.revision,
            equipment=doc.equipment_id or doc.equipment_type,
            source=source,
            text=_render(doc, source),
        )
    return library


def library(ctx: ToolContext) -> dict[str, Entry]:
    return ctx.cached(build_library)


def resources(ctx: ToolContext) -> list[types.Resource]:
    out = []
    for entry in library(ctx).values():
        about = ", ".join(
            p
            for p in (
                entry.doc_type,
                f"rev. {entry.revision}" if entry.revision else "",
                entry.equipment,
            )
            if p
        )
        out.append(
            types.Resource(
                uri=SCHEME + entry.doc_id,
                name=entry.doc_id,
                title=entry.title,
                description=f"{entry.title} ({about})" if about else entry.title,
                mime_type="text/markdown",
                size=len(entry.text.encode("utf-8")),
            )
        )
    return out


def read(ctx: ToolContext, uri: str) -> types.ReadResourceResult:
    if not uri.startswith(SCHEME):
        raise UnknownDocumentError(f"no resource {uri!r}: documents are {TEMPLATE}")
    doc_id = uri[len(SCHEME) :]
    found = library(ctx)
    if doc_id not in found:
        close = [m[0] for m in process.extract(doc_id, list(found), limit=3)]
        hint = f"; closest matches: {', '.join(close)}" if close else ""
        raise UnknownDocumentError(f"no document {doc_id!r}{hint}")
    return types.ReadResourceResult(
        contents=[
            types.TextResourceContents(uri=uri, mime_type="text/markdown", text=found[doc_id].text)
        ]
    )
