"""Which answer writer words which tool's result, and how often a writer failed. The writer
modules register here and the package's `write` looks them up, so neither imports the other's
package."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

from stockwise.assistant.agent.planner.answers.words import Scope

Writer = Callable[[dict, Scope], list[str]]
WRITERS: dict[str, Writer] = {}


def writer(*names: str) -> Callable[[Writer], Writer]:
    """Register the decorated function as the writer of the tools `names`."""

    def register(fn: Writer) -> Writer:
        for name in names:
            WRITERS[name] = fn
        return fn

    return register


class WriterFailures:
    """Writer failures per tool since the process started (or the last `reset`). A failure
    is a bug in a writer: the user still gets the generic digest, so only this count (and
    the log) shows it. Turns may run on several threads, hence the lock."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add(self, tool: str) -> None:
        with self._lock:
            self._counts[tool] += 1

    def total(self) -> int:
        with self._lock:
            return sum(self._counts.values())

    def by_tool(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


failures = WriterFailures()
