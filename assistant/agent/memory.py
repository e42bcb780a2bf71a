"""Conversation memory: a LangGraph checkpointer, SQLite in the data directory by default,
PostgreSQL when `checkpoint_url` is set.

Every step of a turn writes a checkpoint holding the whole conversation, so a saver that
keeps them all grows with the square of a thread's length. A conversation only ever resumes
from its latest checkpoint (a new question, or the answer to a paused action), so the savers
here keep that one per thread, with its pending writes (a paused action's interrupt), and
delete the rest as each new one is saved. With the turns the graph forgets
(`compaction.py`), a thread's memory stays bounded. Idle threads can be aged out too."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver

from stockwise.assistant.agent.retention import Retention, checkpoint_key
from stockwise.tools.core.settings import Settings


class BoundedSqliteSaver(SqliteSaver):
    """`SqliteSaver` that keeps each thread's latest checkpoint only (freed pages are reused,
    so the file stops growing) and ages out idle threads."""

    def __init__(self, conn: sqlite3.Connection, retention: Retention, **kwargs: Any) -> None:
        super().__init__(conn, **kwargs)
        self.retention = retention

    def put(self, config, checkpoint, metadata, new_versions) -> RunnableConfig:  # type: ignore[no-untyped-def]
        saved = super().put(config, checkpoint, metadata, new_versions)
        if self.retention.latest_only:
            with self.cursor() as cur:
                for table in ("writes", "checkpoints"):
                    cur.execute(
                        f"DELETE FROM {table} WHERE thread_id = ? AND checkpoint_ns = ? "
                        "AND checkpoint_id < ?",
                        checkpoint_key(saved),
                    )
        if self.retention.sweep_due():
            self.forget_idle_threads()
        return saved

    def forget_idle_threads(self) -> None:
        """Delete the threads whose latest checkpoint is older than the age limit."""
        idle = "SELECT thread_id FROM checkpoints GROUP BY thread_id HAVING MAX(checkpoint_id) < ?"
        cutoff = (self.retention.cutoff_id(),)
        with self.cursor() as cur:
            cur.execute(f"DELETE FROM writes WHERE thread_id IN ({idle})", cutoff)
            cur.execute(f"DELETE FROM checkpoints WHERE thread_id IN ({idle})", cutoff)


def _try_lock(conn: Any, key: int) -> bool:
    row = conn.execute("SELECT pg_try_advisory_lock(%s) AS got", (key,)).fetchone()
    return bool(row and row["got"])


def retention_of(settings: Settings) -> Retention:
    return Retention(settings.memory_turns_kept > 0, settings.memory_max_age_days)


@contextmanager
def open_checkpointer(settings: Settings) -> Iterator[BaseCheckpointSaver]:
    """A ready checkpointer (tables created, idle threads aged out); closed on exit."""
    retention = retention_of(settings)
    if settings.checkpoint_url:
        from psycopg import Connection
        from psycopg.rows import dict_row

        from stockwise.assistant.agent.memory_postgres import BoundedPostgresSaver
        from stockwise.tools.core.pg import lock_key, psycopg_url

        url = psycopg_url(settings.checkpoint_url)
        with Connection.connect(
            url, autocommit=True, prepare_threshold=0, row_factory=dict_row
        ) as conn:
            saver = BoundedPostgresSaver(conn, retention)
            # Replicas starting together would race on the migrations: one at a time. Polled,
            # not waited for: a waiting statement is a transaction, which the migrations'
            # CREATE INDEX CONCURRENTLY would wait for in turn (a deadlock).
            key = lock_key("stockwise-checkpoint-setup")
            while not _try_lock(conn, key):
                time.sleep(0.1)
            try:
                saver.setup()
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
            if retention.sweep_due():
                saver.forget_idle_threads()
            yield saver
        return

    settings.checkpoint_path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(settings.checkpoint_path), check_same_thread=False)
    try:
        sqlite_saver = BoundedSqliteSaver(db, retention)
        sqlite_saver.setup()
        if retention.sweep_due():
            sqlite_saver.forget_idle_threads()
        yield sqlite_saver
    finally:
        db.close()
