"""The MCP server warms the document index and its query engine in the background, as the
service does, so a client's first document question is answered at search speed."""

from __future__ import annotations

import shutil

import pandas as pd

from stockwise.assistant.mcp.workspace import Workspace
from stockwise.knowledge import CORPUS_DIR
from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.frames import dataset_from_frames
from stockwise.tools.documents import e5
from stockwise.tools.documents.search import build_retriever

EQUIPMENT = pd.DataFrame(
    {
        "equipment_id": ["CNC-4"],
        "name": ["CNC Machining Centre CNC-4"],
        "equipment_type": ["cnc_machine"],
        "site_id": ["S1"],
    }
)


def test_the_warm_up_opens_the_document_index_and_its_query_engine(tmp_path, monkeypatch):
    folder = tmp_path / "documents"
    folder.mkdir()
    shutil.copy(CORPUS_DIR / "manuals" / "man-cnc.md", folder)
    dataset = dataset_from_frames({"equipment": EQUIPMENT}, documents_dir=folder)
    settings = Settings(data_dir=tmp_path / "data", local_user="ana", local_role="manager")
    build_retriever(ToolContext(dataset=dataset, settings=settings))  # the index, built once
    monkeypatch.setattr(e5, "_encoder", None)  # a fresh process's engine

    ctx = ToolContext(dataset=dataset, settings=settings)
    space = Workspace(settings, ctx)
    space.listed.set()  # the client has had its listing
    space.warm(lambda: None).join(timeout=120)

    assert build_retriever in ctx._built  # the first search finds the retriever built
    assert e5._encoder is not None  # and questions embedded by the onnxruntime graph
