"""Conversation memory in PostgreSQL (the real server on 127.0.0.1:5432), bounded as in
SQLite: one checkpoint per thread, the blobs it uses, and a paused action that resumes."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.types import Command
from pg_server import URL, needs_postgres  # tests/pg_server.py

from stockwise.assistant.agent.compaction import split_turns
from stockwise.assistant.agent.graph import build_graph, final_answer
from stockwise.assistant.agent.memory import open_checkpointer
from stockwise.assistant.agent.registry import ToolRegistry
from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext

from . import fakes
from .fakes import ScriptedChatModel, ask_tools, call

pytestmark = [pytest.mark.postgres, needs_postgres]


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


def rows_of(thread: str) -> dict[str, int]:
    with psycopg.connect(URL) as conn:
        return {
            table: conn.execute(
                f"select count(*) from {table} where thread_id = %s", (thread,)
            ).fetchone()[0]
            for table in ("checkpoints", "checkpoint_blobs", "checkpoint_writes")
        }


def forget(thread: str) -> None:
    with psycopg.connect(URL) as conn:
        for table in ("checkpoints", "checkpoint_blobs", "checkpoint_writes"):
            conn.execute(f"delete from {table} where thread_id = %s", (thread,))


def test_bounded_thread_keeps_one_checkpoint_and_resumes_a_paused_action(plant, tmp_path):
    settings = Settings(data_dir=tmp_path, checkpoint_url=URL, memory_turns_kept=4)
    ctx = ToolContext(dataset=plant, settings=settings)
    thread = f"pg-{uuid.uuid4().hex[:8]}"
    config = {"configurable": {"thread_id": thread}}
    questions = ["How many seal kits at Riverside?", "and at the second site?", "why?"]
    try:
        with open_checkpointer(settings) as saver:
            graph = build_graph(ctx, checkpointer=saver)
            blobs = []
            for turn in range(9):
                graph.invoke({"messages": [HumanMessage(questions[turn % 3])]}, config)
                blobs.append(rows_of(thread)["checkpoint_blobs"])
            assert rows_of(thread)["checkpoints"] == 1
            assert blobs[-1] == blobs[-4]  # the blobs kept do not pile up either
            paused = graph.invoke(
                {"messages": [HumanMessage("draft purchase requisitions for critical spares")]},
                config,
            )
            assert paused["__interrupt__"]
        with open_checkpointer(settings) as saver:  # a new connection: read back
            graph = build_graph(ctx, checkpointer=saver)
            (task,) = graph.get_state(config).tasks
            assert task.interrupts[0].value["action"] == "draft_purchase_requisitions"
            done = graph.invoke(Command(resume="reject"), config)
            assert "was not run: Rejected by " in final_answer(done)["answer"]
            follow = graph.invoke({"messages": [HumanMessage("How many seal kits?")]}, config)
        assert "9 EA on hand" in final_answer(follow)["answer"]
        assert len(split_turns(follow["messages"])) == 4
        assert rows_of(thread)["checkpoints"] == 1
    finally:
        forget(thread)
