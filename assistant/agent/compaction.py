"""What a conversation keeps of its past turns, so that its memory stays bounded however long
it runs: the latest turns whole (tool calls and results), older ones as their question and
final answer, the oldest forgotten.

An answer kept alone still carries its figures as text, and the planner's note of what it
answered (its `response_metadata`), which is what a follow-up ("and at the second site?")
is resolved from. No model is called: the offline planner keeps working."""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, RemoveMessage

from stockwise.assistant.agent.state import is_internal


def split_turns(messages: Sequence[BaseMessage]) -> list[list[BaseMessage]]:
    """The messages as turns, each opened by a person's question (a grounding retry is the
    graph's own question, not a new turn). Anything before the first question is left out."""
    turns: list[list[BaseMessage]] = []
    for message in messages:
        if isinstance(message, HumanMessage) and not is_internal(message):
            turns.append([message])
        elif turns:
            turns[-1].append(message)
    return turns


def final_answer_of(turn: Sequence[BaseMessage]) -> BaseMessage | None:
    """The turn's answer: its last message, when that is the model's reply with no tool
    call (a turn abandoned on a pending action has none)."""
    last = turn[-1]
    return last if isinstance(last, AIMessage) and not last.tool_calls else None


def forget_old_turns(
    messages: Sequence[BaseMessage], turns_kept: int, whole_turns: int
) -> list[RemoveMessage]:
    """Removals (for the `add_messages` reducer) that leave the latest `whole_turns` turns
    whole, the turns before them up to `turns_kept` in all as question and answer, and
    nothing older. `turns_kept` 0 keeps everything."""
    if turns_kept <= 0:
        return []
    whole_turns = max(1, min(whole_turns, turns_kept))
    removals: list[RemoveMessage] = []
    for age, turn in enumerate(reversed(split_turns(messages))):
        if age < whole_turns:
            continue
        if age < turns_kept:
            answer = final_answer_of(turn)
            kept = {id(turn[0]), id(answer)}
            dropped = [m for m in turn if id(m) not in kept]
        else:
            dropped = turn
        removals.extend(RemoveMessage(id=m.id) for m in dropped if m.id)
    return removals
