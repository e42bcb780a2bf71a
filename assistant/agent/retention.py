"""What the conversation memory keeps (see `memory.py`): each thread's latest checkpoint only,
and threads not idle for longer than an age limit. Shared by the SQLite and PostgreSQL
savers."""

from __future__ import annotations

import time

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base.id import UUID

SWEEP_EVERY_S = 3600.0
# UUIDv6 counts 100 ns intervals from 1582-10-15; this many of them lie before 1970-01-01.
_UUID_EPOCH = 0x01B21DD213814000


def checkpoint_id_at(unix_s: float) -> str:
    """The smallest id LangGraph gives a checkpoint saved at `unix_s`. Checkpoint ids are
    UUIDv6, which sort as text in the order they were made."""
    ticks = int(unix_s * 10_000_000) + _UUID_EPOCH
    value = ((ticks >> 12) & 0xFFFFFFFFFFFF) << 80 | (ticks & 0x0FFF) << 64
    return str(UUID(int=value, version=6))


class Retention:
    """What a bounded saver keeps: only each thread's latest checkpoint (`latest_only`), and
    threads not idle for more than `max_age_days` (0: no limit), swept hourly."""

    def __init__(self, latest_only: bool, max_age_days: float = 0) -> None:
        self.latest_only = latest_only
        self.max_age_s = max_age_days * 86400
        self._next_sweep = 0.0

    def sweep_due(self) -> bool:
        if not self.max_age_s or time.monotonic() < self._next_sweep:
            return False
        self._next_sweep = time.monotonic() + SWEEP_EVERY_S
        return True

    def cutoff_id(self) -> str:
        return checkpoint_id_at(time.time() - self.max_age_s)


def checkpoint_key(config: RunnableConfig) -> tuple[str, str, str]:
    """Thread, namespace and id of a saved checkpoint. What a saver deletes is what is older
    than the checkpoint it has just saved: a run saves its steps' writes in the background,
    so the writes of the next checkpoint, or of the one after, can be there before it is."""
    c = config["configurable"]
    return str(c["thread_id"]), str(c.get("checkpoint_ns", "")), str(c["checkpoint_id"])
