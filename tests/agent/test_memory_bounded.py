"""What a conversation keeps of its past turns (assistant/agent/compaction.py)."""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from stockwise.assistant.agent.compaction import forget_old_turns

from .fakes import call


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
