"""Conversation memory in PostgreSQL (the real server on 127.0.0.1:5432)."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from langchain_core.messages import AIMessage, HumanMessage

from stockwise.assistant.agent.graph import build_graph, final_answer
from stockwise.assistant.agent.memory import open_checkpointer
from stockwise.assistant.agent.registry import ToolRegistry
from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext

from . import fakes
from .fakes import ScriptedChatModel, ask_tools, call

URL = "postgresql://postgres@127.0.0.1:5432/test"


def _reachable() -> bool:
    try:
        with psycopg.connect(URL, connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not _reachable(), reason=f"no PostgreSQL server answers at {URL}"),
]


def test_thread_survives_in_postgres(plant, tmp_path):
    settings = Settings(data_dir=tmp_path, checkpoint_url=URL)
    ctx = ToolContext(dataset=plant, settings=settings)
    model = ScriptedChatModel(
        script=[
            ask_tools(call("stock_of", {"item_id": "4410"}, "c1")),
            AIMessage("9 on hand."),
            AIMessage("Nothing changed since."),
        ]
    )
    thread = f"pg-{uuid.uuid4().hex[:8]}"
    config = {"configurable": {"thread_id": thread}}
    with open_checkpointer(settings) as saver:
        graph = build_graph(ctx, model, saver, ToolRegistry(ctx, fakes.TEST_TOOLS))
        graph.invoke({"messages": [HumanMessage("how many 4410?")]}, config)
    with open_checkpointer(settings) as saver:  # a new connection: read back from the server
        graph = build_graph(ctx, model, saver, ToolRegistry(ctx, fakes.TEST_TOOLS))
        state = graph.invoke({"messages": [HumanMessage("and now?")]}, config)
    assert final_answer(state)["answer"] == "Nothing changed since."
    humans = [m.content for m in state["messages"] if isinstance(m, HumanMessage)]
    assert humans == ["how many 4410?", "and now?"]
    with psycopg.connect(URL) as conn:
        rows = conn.execute(
            "select count(*) from checkpoints where thread_id = %s", (thread,)
        ).fetchone()[0]
        conn.execute("delete from checkpoints where thread_id = %s", (thread,))
        conn.execute("delete from checkpoint_writes where thread_id = %s", (thread,))
        conn.execute("delete from checkpoint_blobs where thread_id = %s", (thread,))
    assert rows > 0
