"""Answer writers: one per tool, turning its result into an answer a plant manager reads.
Each opens with a sentence holding the count and the key figures, then lists the rows with
the fields that matter for that tool, in Markdown (bullets). Every figure is copied from the
result; the only number a writer adds is the length of a list the result holds, which the
grounding check accepts. A tool without a writer gets the generic digest in `render.py`."""

from __future__ import annotations

import logging
from typing import Any

# The writer modules register their writers on import.
from stockwise.assistant.agent.planner.answers import (  # noqa: F401
    alerts,
    planning,
    quality,
    stock,
    value,
    wip,
)
from stockwise.assistant.agent.planner.answers.registry import WRITERS, failures
from stockwise.assistant.agent.planner.answers.words import Scope

log = logging.getLogger(__name__)

__all__ = ["write"]


def write(tool: str, data: Any, scope: Scope) -> list[str] | None:
    """The answer's Markdown blocks for one tool result, or None when no writer fits it:
    no writer for the tool, a result that is not a JSON object, or a writer that failed
    (logged and counted in `registry.failures`). The caller then shows the generic digest."""
    fn = WRITERS.get(tool)
    if fn is None:
        return None
    if not isinstance(data, dict):
        # Not a writer's failure: every tool returns a JSON object, so this is a test
        # double's or a transport's plain text, which the digest shows as it is.
        return None
    try:
        blocks = fn(data, scope)
    except (KeyError, TypeError, AttributeError, ValueError, IndexError):
        # A writer that misreads its tool's result is a bug; the user still gets every
        # figure from the digest, and the log and the count make the bug seen.
        log.exception("the answer writer for %s failed; answering with the generic digest", tool)
        failures.add(tool)
        return None
    return [b for b in blocks if b]
