"""One turn at a time per thread: two concurrent approvals must not run an action twice,
and two questions must not fork the thread's checkpoints. Within one process a striped
lock does it; across replicas (`state_url`) a PostgreSQL advisory lock is taken as well,
held by a transaction for the turn, so a replica that dies mid-turn releases it with its
connection, and the next turn reads the checkpoint the dead one left (or the one before)."""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from stockwise.tools.core.pg import lock_key, pool_for

LOCK_STRIPES = 256


class ThreadLocks:
    def __init__(self) -> None:
        self._locks = [threading.Lock() for _ in range(LOCK_STRIPES)]

    def hold(self, thread_id: str) -> AbstractContextManager[object]:
        return self._locks[zlib.crc32(thread_id.encode("utf-8")) % LOCK_STRIPES]


class SharedThreadLocks(ThreadLocks):
    """The in-process lock first, then the database's: a turn waits for another replica's
    turn in the same thread while holding one pooled connection, never a second one."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self._pool = pool_for(url)

    @contextmanager
    def _shared(self, thread_id: str) -> Iterator[None]:
        with super().hold(thread_id), self._pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(f"thread:{thread_id}"),))
            yield

    def hold(self, thread_id: str) -> AbstractContextManager[object]:
        return self._shared(thread_id)
