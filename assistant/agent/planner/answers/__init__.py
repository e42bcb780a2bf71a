"""Answer writers: one per tool, turning its result into an answer a plant manager reads.
Each opens with a sentence holding the count and the key figures, then lists the rows with
the fields that matter for that tool, in Markdown (bullets). Every figure is copied from the
result; the only number a writer adds is the length of a list the result holds, which the
grounding check accepts. A tool without a writer gets the generic digest in `render.py`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stockwise.assistant.agent.planner.answers.words import Scope

Writer = Callable[[dict, Scope], list[str]]
WRITERS: dict[str, Writer] = {}


def writer(*names: str) -> Callable[[Writer], Writer]:
    def register(fn: Writer) -> Writer:
        for name in names:
            WRITERS[name] = fn
        return fn

    return register


def write(tool: str, data: Any, scope: Scope) -> list[str] | None:
    """The answer's Markdown blocks for one tool result, or None when no writer fits it (no
    writer for the tool, or a result of another shape, e.g. a test double)."""
    fn = WRITERS.get(tool)
    if fn is None or not isinstance(data, dict):
        return None
    try:
        blocks = fn(data, scope)
    except (KeyError, TypeError, AttributeError, ValueError, IndexError):
        return None  # the generic digest still shows every figure
    return [b for b in blocks if b]


# The writers register themselves on import.
from stockwise.assistant.agent.planner.answers import planning, quality, stock, value, wip  # noqa: E402, F401

__all__ = ["WRITERS", "Scope", "write", "writer"]
