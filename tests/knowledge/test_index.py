"""Building the index: metadata, incremental re-index, bad files skipped, reopening."""

from __future__ import annotations

import pytest

from stockwise.tools.documents.embedding import E5EmbeddingFunction
from stockwise.tools.documents.index import build_index
from stockwise.tools.documents.store import get_collection, open_client


def _by_doc(collection) -> dict[str, list[dict]]:
    got = collection.get(include=["metadatas"])
    out: dict[str, list[dict]] = {}
    for meta in got["metadatas"]:
        out.setdefault(meta["doc_id"], []).append(meta)
    return out


def test_index_stores_every_document_with_its_metadata(indexed_small):
    _, _, collection, report = indexed_small
    assert len(report.indexed) == 6 and not report.skipped
    docs = _by_doc(collection)
    assert set(docs) == {
        "MAN-HP-250",
        "MAN-CNC",
        "QRC-HP-01",
        "FR-2024-011",
        "SOP-LOTO-01",
        "SDS-4490",
    }
    assert report.passages_total == collection.count() == sum(len(v) for v in docs.values())
    seal = next(
        m for m in docs["MAN-HP-250"] if m["section"] == "Seals > Replacing the cylinder seal"
    )
    assert seal["title"] == "Manual P-series hydraulic press 250 t"
    assert (seal["doc_type"], seal["equipment_type"], seal["revision"], seal["page"]) == (
        "manual",
        "hydraulic_press",
        "D",
        0,
    )
    assert {m["page"] for m in docs["QRC-HP-01"]} == {1, 2}
    report_fr = docs["FR-2024-011"][0]
    assert (report_fr["equipment_id"], report_fr["doc_type"]) == ("P-3", "failure_report")


def test_passage_text_starts_with_its_title_path(indexed_small):
    _, _, collection, _ = indexed_small
    got = collection.get(where={"doc_id": "MAN-HP-250"}, include=["documents"])
    assert any(
        doc.startswith(
            "Manual P-series hydraulic press 250 t > Seals > Replacing the cylinder seal\n"
        )
        for doc in got["documents"]
    )


def test_reindex_skips_unchanged_replaces_changed_and_removes_deleted(small_corpus, tmp_path):
    collection = get_collection(open_client(path=tmp_path / "chroma"))
    first = build_index(small_corpus, collection)
    before = _by_doc(collection)

    again = build_index(small_corpus, collection)
    assert again.indexed == [] and len(again.unchanged) == 3 and again.passages_added == 0
    assert collection.count() == first.passages_total

    sop = small_corpus / "sops" / "sop-lockout-tagout.md"
    sop.write_text(
        sop.read_text() + "\n## Contractors\nContractors use the plant's yellow locks.\n"
    )
    (small_corpus / "safety" / "sds-solvent-degreaser.md").unlink()
    third = build_index(small_corpus, collection)
    assert third.indexed == ["sops/sop-lockout-tagout.md"]
    assert third.removed == ["safety/sds-solvent-degreaser.md"]
    after = _by_doc(collection)
    assert "SDS-4490" not in after
    assert len(after["SOP-LOTO-01"]) == len(before["SOP-LOTO-01"]) + 1
    # Old passages of the changed file are gone, not duplicated.
    hashes = {m["content_hash"] for m in after["SOP-LOTO-01"]}
    assert len(hashes) == 1 and hashes != {m["content_hash"] for m in before["SOP-LOTO-01"]}
    assert after["MAN-CNC"] == before["MAN-CNC"]


def test_bad_files_are_skipped_with_a_line_each_and_the_rest_indexed(small_corpus, tmp_path):
    (small_corpus / "empty.md").write_bytes(b"")
    (small_corpus / "broken-front-matter.md").write_text("---\ntitle: [oops\n---\n# X\ntext\n")
    (small_corpus / "latin1.txt").write_bytes("Fiche de donn\xe9es".encode("latin-1"))
    (small_corpus / "damaged.pdf").write_bytes(b"%PDF-1.7 truncated")
    (small_corpus / "z-copy.md").write_text("---\ndoc_id: MAN-CNC\n---\n# Copy\nsame id\n")
    (small_corpus / "notes.docx").write_bytes(b"ignored: not a supported format")
    collection = get_collection(open_client(path=tmp_path / "chroma"))

    report = build_index(small_corpus, collection)

    reasons = dict(report.skipped)
    assert set(reasons) == {
        "empty.md",
        "broken-front-matter.md",
        "latin1.txt",
        "damaged.pdf",
        "z-copy.md",
    }
    assert "empty" in reasons["empty.md"]
    assert "YAML" in reasons["broken-front-matter.md"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert "PDF" in reasons["damaged.pdf"]
    assert "manuals/man-cnc.md" in reasons["z-copy.md"]
    assert len(report.indexed) == 3
    lines = report.lines()
    assert "5 skipped" in lines[0]
    assert any(line.startswith("skipped latin1.txt: not UTF-8") for line in lines)


def test_a_changed_file_that_breaks_keeps_its_previous_version(small_corpus, tmp_path):
    collection = get_collection(open_client(path=tmp_path / "chroma"))
    build_index(small_corpus, collection)
    count = collection.count()
    sop = small_corpus / "sops" / "sop-lockout-tagout.md"
    sop.write_bytes(b"---\ndoc_id: SOP-LOTO-01\n# unclosed front matter")

    report = build_index(small_corpus, collection)

    assert report.removed == [] and collection.count() == count
    assert "previous version stays" in dict(report.skipped)["sops/sop-lockout-tagout.md"]


def test_a_reopened_collection_embeds_with_the_registered_function(indexed_small):
    _, chroma, _, _ = indexed_small
    reopened = get_collection(open_client(path=chroma), create=False)
    assert isinstance(reopened.configuration["embedding_function"], E5EmbeddingFunction)
    found = reopened.query(query_texts=["how to change the rod seal of the press"], n_results=1)
    assert found["metadatas"][0][0]["section"] == "Seals > Replacing the cylinder seal"


def test_opening_a_missing_collection_without_create_gives_none(tmp_path):
    assert get_collection(open_client(path=tmp_path / "empty-chroma"), create=False) is None


class FailingUpserts:
    """A real collection whose writes fail after a few passages, like a server dropping."""

    def __init__(self, collection, fail_after: int) -> None:
        self._collection, self._left = collection, fail_after

    def __getattr__(self, name):
        return getattr(self._collection, name)

    def upsert(self, ids, embeddings, documents, metadatas):
        keep = max(self._left, 0)
        self._collection.upsert(
            ids=ids[:keep],
            embeddings=embeddings[:keep],
            documents=documents[:keep],
            metadatas=metadatas[:keep],
        )
        raise ConnectionError("server went away mid-write")


def test_a_failed_write_leaves_the_file_as_it_was(small_corpus, tmp_path):
    collection = get_collection(open_client(path=tmp_path / "chroma"))
    build_index(small_corpus, collection)
    before = collection.get(include=["metadatas"])
    sop = small_corpus / "sops" / "sop-lockout-tagout.md"
    sop.write_text(sop.read_text() + "\n## Contractors\nContractors use yellow locks.\n")

    with pytest.raises(ConnectionError):
        build_index(small_corpus, FailingUpserts(collection, fail_after=2))

    after = collection.get(include=["metadatas"])
    assert sorted(after["ids"]) == sorted(before["ids"])  # no half-written new version
