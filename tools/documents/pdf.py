"""PDF documents: one passage per page (cut further when long), page numbers kept."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from stockwise.tools.documents.passages import DOC_TYPES, Document, DocumentError, Passage, chunks


def read_pdf(path: Path, data: bytes) -> Document:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError("the PDF is password-protected; index an unprotected copy")
        pages = [page.extract_text() or "" for page in reader.pages]
        info: Mapping[str, object] = reader.metadata or {}
    except DocumentError:
        raise
    except PdfReadError as exc:
        raise DocumentError(f"not a readable PDF ({exc})") from exc
    except Exception as exc:  # damaged files surface as assorted errors deep inside pypdf
        raise DocumentError(f"not a readable PDF ({exc.__class__.__name__}: {exc})") from exc
    title = str(info.get("/Title") or "").strip() or path.stem
    subject = str(info.get("/Subject") or "").strip()
    # PDFs have no front matter: "equipment_type: x; revision: y" in /Keywords stands in.
    tags = dict(
        (k.strip(), v.strip())
        for k, _, v in (pair.partition(":") for pair in str(info.get("/Keywords") or "").split(";"))
        if v.strip()
    )
    doc = Document(
        doc_id=tags.get("doc_id") or path.stem,
        title=title,
        doc_type=subject if subject in DOC_TYPES else "",
        equipment_id=tags.get("equipment_id", ""),
        equipment_type=tags.get("equipment_type", ""),
        revision=tags.get("revision", ""),
    )
    for number, text in enumerate(pages, start=1):
        text = text.strip()
        if text:
            doc.passages.extend(Passage(f"Page {number}", c, number) for c in chunks(text))
    return doc
