"""The passages snapshot beside an on-disk index: a one-shot search reads it without
opening Chroma, and a snapshot of an index that has changed since is never used."""

from __future__ import annotations

import subprocess
import sys

from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.frames import dataset_from_frames
from stockwise.tools.documents import SearchDocumentsInput, search, search_documents, snapshot
from stockwise.tools.documents.index import build_index
from stockwise.tools.documents.store import collection_for


def _context(folder, data) -> ToolContext:
    dataset = dataset_from_frames({}, documents_dir=folder)
    return ToolContext(dataset=dataset, settings=Settings(data_dir=data))


def _snapshots(data) -> list:
    return sorted((data / "chroma").glob(f"*{snapshot.SUFFIX}"))


def _docs(ctx: ToolContext, query: str) -> set[str]:
    result = search_documents(ctx, SearchDocumentsInput(query=query, k=20))
    return {p.citation.doc_id for p in result.passages}


def test_a_second_search_reads_the_snapshot_without_opening_the_index(
    small_corpus, tmp_path, monkeypatch
):
    first = _docs(_context(small_corpus, tmp_path / "data"), "lock out the machine")
    assert "SOP-LOTO-01" in first
    name = collection_for(_context(small_corpus, tmp_path / "data").dataset.source)
    assert (tmp_path / "data" / "chroma" / f"{name}{snapshot.SUFFIX}").is_file()

    def no_chroma(*args, **kwargs):
        raise AssertionError("the index was opened")

    monkeypatch.setattr(search, "dataset_collection", no_chroma)
    assert _docs(_context(small_corpus, tmp_path / "data"), "lock out the machine") == first


def test_a_snapshot_of_an_index_changed_since_is_not_used(small_corpus, tmp_path):
    ctx = _context(small_corpus, tmp_path / "data")
    assert "SDS-4490" in _docs(ctx, "degreaser first aid")
    assert _snapshots(tmp_path / "data")  # taken with the first search
    (small_corpus / "safety" / "sds-solvent-degreaser.md").unlink()
    build_index(small_corpus, search.dataset_collection(ctx))  # its passages go
    assert "SDS-4490" not in _docs(_context(small_corpus, tmp_path / "data"), "degreaser first aid")


def test_an_unreadable_snapshot_is_ignored(small_corpus, tmp_path):
    ctx = _context(small_corpus, tmp_path / "data")
    first = _docs(ctx, "lock out the machine")
    assert _snapshots(tmp_path / "data")
    for path in _snapshots(tmp_path / "data"):
        path.write_bytes(b"not a numpy file")
    assert _docs(_context(small_corpus, tmp_path / "data"), "lock out the machine") == first


def test_a_one_shot_search_does_not_import_chroma(small_corpus, tmp_path):
    query = "lock out the machine"
    _docs(_context(small_corpus, tmp_path / "data"), query)  # builds the index and snapshot
    code = (
        "import sys\n"
        "from stockwise.tools.core.settings import Settings\n"
        "from stockwise.tools.dataset.context import ToolContext\n"
        "from stockwise.tools.dataset.frames import dataset_from_frames\n"
        "from stockwise.tools.documents import SearchDocumentsInput, search_documents\n"
        f"ds = dataset_from_frames({{}}, documents_dir={str(small_corpus)!r})\n"
        f"ctx = ToolContext(dataset=ds, settings=Settings(data_dir={str(tmp_path / 'data')!r}))\n"
        f"r = search_documents(ctx, SearchDocumentsInput(query={query!r}))\n"
        "assert r.passages, r\n"
        "print('chromadb' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
