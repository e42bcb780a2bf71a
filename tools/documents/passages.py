"""A document as the index stores it: its metadata and passages, the error for a file that
cannot be indexed, and the cut of long text into passages. Every reader (Markdown, plain
text, PDF) builds these."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DOC_TYPES = {"manual", "sop", "failure_report", "safety", "policy", "glossary"}
MAX_PASSAGE_CHARS = 1500  # ~300 tokens; longer sections are cut at paragraph breaks


class DocumentError(Exception):
    """A file that cannot be indexed; the message says why."""


@dataclass
class Passage:
    section: str  # the heading path below the title ("Seals > Replacing the cylinder seal")
    text: str
    page: int = 0  # 1-based PDF page; 0 when the source has no pages


@dataclass
class Document:
    doc_id: str
    title: str
    doc_type: str = ""
    equipment_id: str = ""
    equipment_type: str = ""
    revision: str = ""
    effective_date: str = ""
    passages: list[Passage] = field(default_factory=list)


def chunks(text: str, limit: int = MAX_PASSAGE_CHARS) -> list[str]:
    """Cut text at paragraph breaks so no chunk is much longer than `limit` characters."""
    if len(text) <= limit:
        return [text]
    out: list[str] = []
    current = ""
    for para in re.split(r"\n\s*\n", text):
        if current and len(current) + len(para) > limit:
            out.append(current.strip())
            current = ""
        current += para + "\n\n"
    if current.strip():
        out.append(current.strip())
    return out
