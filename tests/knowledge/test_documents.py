"""Reading files into passages, and refusing bad files with a reason."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from stockwise.knowledge import CORPUS_DIR
from stockwise.tools.documents.passages import DocumentError
from stockwise.tools.documents.reading import read_document, split_markdown

GOOD = """---
doc_id: T-1
title: Manual test press
doc_type: manual
equipment_id: P-3
revision: C
effective_date: 2024-02-01
---
# Manual test press
## Seals
Intro to seals.
### Replacing the cylinder seal
Use seal kit HS-8040.
## Fault codes
E-217 means hot oil.
"""


def make_pdf(pages: list[str], title: str = "Test card") -> bytes:
    pdf = FPDF()
    pdf.set_title(title)
    for text in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_markdown_sections_keep_their_heading_path():
    doc = read_document(Path("t.md"), GOOD.encode())
    assert (doc.doc_id, doc.title, doc.doc_type, doc.equipment_id, doc.revision) == (
        "T-1",
        "Manual test press",
        "manual",
        "P-3",
        "C",
    )
    assert doc.effective_date == "2024-02-01"
    assert [(p.section, p.text) for p in doc.passages] == [
        ("Seals", "Intro to seals."),
        ("Seals > Replacing the cylinder seal", "Use seal kit HS-8040."),
        ("Fault codes", "E-217 means hot oil."),
    ]


def test_long_sections_are_cut_at_paragraphs():
    body = "## Long\n" + "\n\n".join(f"Paragraph {i} " + "word " * 60 for i in range(10))
    passages = split_markdown(body, "T")
    assert len(passages) > 1
    assert all(p.section == "Long" and len(p.text) <= 1600 for p in passages)


def test_plain_text_title_is_the_first_line():
    doc = read_document(Path("notes.txt"), b"Air leak survey\n\nWalk the network.\n")
    assert (doc.doc_id, doc.title, doc.passages[0].text) == (
        "notes",
        "Air leak survey",
        "Walk the network.",
    )


def test_pdf_passages_carry_their_page_numbers():
    doc = read_document(Path("card.pdf"), make_pdf(["Daily checks first", "Torque 210 N.m"]))
    assert [(p.page, p.section) for p in doc.passages] == [(1, "Page 1"), (2, "Page 2")]
    assert "Torque 210" in doc.passages[1].text
    assert doc.title == "Test card"


def test_shipped_pdf_reads_its_metadata_from_keywords():
    path = CORPUS_DIR / "manuals" / "QRC-HP-01.pdf"
    doc = read_document(path, path.read_bytes())
    assert (doc.doc_type, doc.equipment_type, doc.revision) == ("manual", "hydraulic_press", "1")


def _encrypted_pdf() -> bytes:
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(make_pdf(["secret"]))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="s3cret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.md", b"", "empty"),
        ("blank.txt", b"  \n\n ", "empty"),
        ("unclosed.md", b"---\ndoc_id: X\ntitle: Y\n# Body\ntext", "never closed"),
        ("yaml.md", b"---\ndoc_id: [X\n---\n# Body\ntext", "not valid YAML"),
        ("list.md", b"---\n- a\n- b\n---\n# Body\ntext", "key: value"),
        ("type.md", b"---\ndoc_type: memo\n---\n# Body\ntext", "doc_type 'memo'"),
        ("latin1.txt", "Pr\xe9cis de s\xe9curit\xe9".encode("latin-1"), "not UTF-8"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "not a readable PDF"),
        ("locked.pdf", None, "password-protected"),
        ("headings.md", b"# Only a title\n## And a heading\n", "no text"),
    ],
)
def test_bad_files_are_refused_with_a_reason(name, data, reason):
    data = _encrypted_pdf() if data is None else data
    with pytest.raises(DocumentError, match=reason):
        read_document(Path(name), data)
