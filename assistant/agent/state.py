"""What the agent graph carries from node to node (and what the checkpointer persists)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from langchain_core.messages import AnyMessage, BaseMessage, HumanMessage
from langgraph.graph.message import add_messages
from typing_extensions import TypedDict

# Marks the graph's own messages to the model (a grounding retry), as opposed to a person's.
INTERNAL_KEY = "stockwise_internal"


class AgentState(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    # Per turn, reset when a person's question arrives:
    sources: list[dict[str, Any]]  # tool calls with arguments, and document citations
    ungrounded: list[str]  # figures of the final answer no tool result supports
    notice: str | None  # e.g. "the model endpoint is down; the offline planner answered"
    model_calls: int
    prompt_chars: list[int]  # characters sent to the model per call (messages + tool definitions)


def is_internal(message: BaseMessage) -> bool:
    return bool(message.additional_kwargs.get(INTERNAL_KEY))


def turn_start(messages: Sequence[BaseMessage]) -> int:
    """Index of the person's question that opened the current turn (-1 if none)."""
    for i in range(len(messages) - 1, -1, -1):
        if isinstance(messages[i], HumanMessage) and not is_internal(messages[i]):
            return i
    return -1


def current_turn(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    start = turn_start(messages)
    return list(messages[start:]) if start >= 0 else list(messages)
