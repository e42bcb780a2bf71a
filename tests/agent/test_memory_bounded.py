"""Conversation memory stays bounded: over 60 turns of the offline planner on the tiny plant
the stored checkpoints stop growing (they grow with the square of the thread's length when
nothing is pruned), while follow-ups, "why?", an old answer's figures and a paused action
all still work."""

from __future__ import annotations

import sqlite3
import time

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.checkpoint.base.id import uuid6
from langgraph.types import Command

from stockwise.assistant.agent.compaction import forget_old_turns, split_turns
from stockwise.assistant.agent.graph import build_graph, final_answer
from stockwise.assistant.agent.memory import open_checkpointer
from stockwise.assistant.agent.retention import checkpoint_id_at
from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext

from .fakes import call

# A cycle of six, follow-ups included: after `memory_turns_kept` turns the memory kept is
# the same from one cycle to the next.
QUESTIONS = [
    "How many seal kits at Riverside?",
    "and at the second site?",
    "why?",
    "inventory value by site",
    "steel bar consumption last month",
    "what about Q3?",
]
TURNS = 60


def stored_bytes(settings: Settings) -> int:
    """Bytes of checkpoints and pending writes in the SQLite memory (not the file's pages,
    which SQLite reuses once freed)."""
    with sqlite3.connect(settings.checkpoint_path) as db:
        checkpoints = db.execute(
            "SELECT COALESCE(SUM(LENGTH(checkpoint) + LENGTH(metadata)), 0) FROM checkpoints"
        ).fetchone()[0]
        writes = db.execute("SELECT COALESCE(SUM(LENGTH(value)), 0) FROM writes").fetchone()[0]
    return checkpoints + writes


def ask(graph, text, thread="long"):
    return graph.invoke({"messages": [HumanMessage(text)]}, {"configurable": {"thread_id": thread}})


def drive(plant, tmp_path, turns_kept, whole_turns=2, turns=TURNS):
    """`turns` questions through one thread; the stored bytes after each turn."""
    settings = Settings(
        data_dir=tmp_path / f"kept{turns_kept}",
        memory_turns_kept=turns_kept,
        memory_whole_turns=whole_turns,
    )
    ctx = ToolContext(dataset=plant, settings=settings)
    sizes = []
    with open_checkpointer(settings) as saver:
        graph = build_graph(ctx, checkpointer=saver)
        for turn in range(turns):
            result = final_answer(ask(graph, QUESTIONS[turn % len(QUESTIONS)]))
            assert result["answer"] and not result["ungrounded"]
            sizes.append(stored_bytes(settings))
    return settings, ctx, sizes


def added(sizes: list[int], turn: int) -> float:
    """Bytes added per turn over the cycle of questions that ends at `turn` (1-based)."""
    cycle = len(QUESTIONS)
    return (sizes[turn - 1] - sizes[turn - 1 - cycle]) / cycle


def test_stored_memory_stops_growing_and_unbounded_memory_does_not(plant, tmp_path):
    _, _, bounded = drive(plant, tmp_path, turns_kept=10)
    _, _, unbounded = drive(plant, tmp_path, turns_kept=0)
    # Unbounded (as before): every step's checkpoint holds the whole thread, so each turn
    # adds more than the one before.
    assert added(unbounded, TURNS) > 4 * added(unbounded, 12)
    assert unbounded[-1] > 10 * bounded[-1]
    # Bounded: once the thread is longer than the turns kept, a turn adds nothing.
    assert abs(added(bounded, TURNS)) < 0.02 * bounded[-1]
    assert max(bounded[40:]) <= 1.05 * max(bounded[20:40])


def test_follow_ups_and_old_figures_survive_compaction(plant, tmp_path):
    # One whole turn: the previous turn is already question and answer when a follow-up
    # comes, so the planner resolves it from what compaction keeps.
    settings, ctx, _ = drive(plant, tmp_path, turns_kept=8, whole_turns=1, turns=30)
    with open_checkpointer(settings) as saver:  # a new process: read back from the file
        graph = build_graph(ctx, checkpointer=saver)
        first = final_answer(ask(graph, "How many seal kits at Riverside?"))
        assert "6 EA on hand" in first["answer"]
        item = first["sources"][0]["args"]["item"]  # the one seal kit's id, as first read
        state = ask(graph, "and at the second site?")
        second = final_answer(state)
        assert [(s["tool"], s["args"]) for s in second["sources"]] == [
            ("on_hand", {"item": item, "site": "S2"})
        ]
        assert "3 EA on hand" in second["answer"]
        why = final_answer(ask(graph, "why?"))
        assert "On hand is the stock_levels snapshot quantity" in why["answer"]

    messages = state["messages"]
    turns = split_turns(messages)
    assert len(turns) == 8  # memory_turns_kept
    assert [len(t) for t in turns[:-1]] == [2] * 7  # question and answer
    assert isinstance(turns[-1][1], AIMessage) and turns[-1][1].tool_calls  # the last, whole
    assert sum(isinstance(m, ToolMessage) for m in messages) == 1
    # The first answer's figures are still there as text.
    assert turns[-2][0].content == "How many seal kits at Riverside?"
    assert "6 EA on hand" in turns[-2][1].content


def test_a_paused_action_survives_compaction_and_a_new_process(plant, tmp_path):
    settings, ctx, _ = drive(plant, tmp_path, turns_kept=5, turns=12)
    config = {"configurable": {"thread_id": "long"}}
    with open_checkpointer(settings) as saver:
        graph = build_graph(ctx, checkpointer=saver)
        paused = ask(graph, "draft purchase requisitions for critical spare parts")
        (pending,) = paused["__interrupt__"]
        assert pending.value["action"] == "draft_purchase_requisitions"
    with open_checkpointer(settings) as saver:
        graph = build_graph(ctx, checkpointer=saver)
        waiting = graph.get_state(config)
        assert [i.value["action"] for t in waiting.tasks for i in t.interrupts] == [
            "draft_purchase_requisitions"
        ]
        done = graph.invoke(Command(resume="reject"), config)
    result = final_answer(done)
    assert "was not run: Rejected by " in result["answer"]
    assert "__interrupt__" not in done
    assert len(split_turns(done["messages"])) == 5
    with sqlite3.connect(settings.checkpoint_path) as db:
        assert db.execute("SELECT COUNT(*) FROM checkpoints").fetchone() == (1,)


def test_an_abandoned_action_is_dropped_whole():
    turns = []
    for n in range(4):
        turns.append(HumanMessage(f"q{n}", id=f"h{n}"))
        if n == 1:  # paused on an action, then the person asked something else
            turns.append(AIMessage("", tool_calls=[call("draft", {}, "d")], id="a1"))
            continue
        turns += [
            AIMessage("", tool_calls=[call("on_hand", {}, f"c{n}")], id=f"c{n}"),
            ToolMessage("{}", tool_call_id=f"c{n}", id=f"t{n}"),
            AIMessage(f"answer {n}", id=f"a{n}"),
        ]
    removed = {r.id for r in forget_old_turns(turns, turns_kept=3, whole_turns=1)}
    assert removed == {"h0", "c0", "t0", "a0", "a1", "c2", "t2"}
    assert forget_old_turns(turns, turns_kept=0, whole_turns=1) == []


@pytest.mark.parametrize("days_ago,kept", [(10, False), (1, True)])
def test_idle_threads_are_aged_out(plant, tmp_path, days_ago, kept):
    settings = Settings(data_dir=tmp_path, memory_max_age_days=5)
    ctx = ToolContext(dataset=plant, settings=settings)
    with open_checkpointer(settings) as saver:
        ask(build_graph(ctx, checkpointer=saver), "How many seal kits at Riverside?", "old")
    old_id = checkpoint_id_at(time.time() - days_ago * 86400)
    with sqlite3.connect(settings.checkpoint_path) as db:
        db.execute("UPDATE checkpoints SET checkpoint_id = ?", (old_id,))
        db.execute("UPDATE writes SET checkpoint_id = ?", (old_id,))
    with open_checkpointer(settings) as saver:  # opening memory sweeps
        assert (saver.get_tuple({"configurable": {"thread_id": "old"}}) is not None) is kept


def test_checkpoint_ids_sort_by_time():
    now = time.time()
    made = str(uuid6(clock_seq=-1))
    assert checkpoint_id_at(now - 1) < made < checkpoint_id_at(now + 1)
