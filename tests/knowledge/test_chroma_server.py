"""The same index and search code against a real Chroma server (`chroma run`) on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.frames import dataset_from_frames
from stockwise.tools.documents import SearchDocumentsInput, search_documents
from stockwise.tools.documents.embedding import E5EmbeddingFunction
from stockwise.tools.documents.index import build_index
from stockwise.tools.documents.store import (
    DocumentStoreUnavailableError,
    collection_for,
    get_collection,
    open_client,
)

CHROMA = shutil.which("chroma", path=str(Path(sys.executable).parent))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_url(tmp_path):
    port = _free_port()
    server = subprocess.Popen(
        [
            CHROMA,
            "run",
            "--path",
            str(tmp_path / "server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                open_client(url=url)
                break
            except DocumentStoreUnavailableError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.slow  # starts a server process: ~10 s on a busy machine
@pytest.mark.skipif(CHROMA is None, reason="the chroma server binary is not installed")
def test_index_and_search_through_a_chroma_server(chroma_url, small_corpus, tmp_path):
    settings = Settings(data_dir=tmp_path / "data", chroma_url=chroma_url)
    context = ToolContext(dataset=dataset_from_frames({}), settings=settings)
    collection = collection_for(context.dataset.source)  # documents belong to a dataset
    report = build_index(small_corpus, get_collection(open_client(settings), collection))
    assert len(report.indexed) == 3 and report.passages_total > 10
    assert not (tmp_path / "data" / "chroma").exists()  # nothing written locally

    reopened = get_collection(open_client(settings), collection, create=False)
    assert isinstance(reopened.configuration["embedding_function"], E5EmbeddingFunction)

    result = search_documents(context, SearchDocumentsInput(query="who may lock out", k=2))
    assert result.passages[0].citation.doc_id == "SOP-LOTO-01"
    assert result.passages[0].citation.section == "Who may lock out"
