"""Conversation memory in PostgreSQL, bounded like the SQLite one in `memory.py`. A module of
its own so that psycopg loads only when `STOCKWISE_CHECKPOINT_URL` is set."""

from __future__ import annotations

from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.postgres import PostgresSaver

from stockwise.assistant.agent.retention import Retention, checkpoint_key

# Older than the checkpoint just saved (see `memory.checkpoint_key`), and blobs the latest
# checkpoint does not use: unchanged channels keep the blob of the version they had.
PRUNE_SQL = (
    "DELETE FROM checkpoint_writes WHERE thread_id = %(thread)s AND checkpoint_ns = %(ns)s "
    "AND checkpoint_id < %(id)s",
    "DELETE FROM checkpoints WHERE thread_id = %(thread)s AND checkpoint_ns = %(ns)s "
    "AND checkpoint_id < %(id)s",
    "DELETE FROM checkpoint_blobs WHERE thread_id = %(thread)s AND checkpoint_ns = %(ns)s "
    "AND (channel, version) NOT IN (SELECT * FROM unnest(%(channels)s::text[], "
    "%(versions)s::text[]))",
)


class BoundedPostgresSaver(PostgresSaver):
    """`PostgresSaver` that keeps each thread's latest checkpoint only, with the blobs it
    uses, and ages out idle threads."""

    def __init__(self, conn: Any, retention: Retention, **kwargs: Any) -> None:
        super().__init__(conn, **kwargs)
        self.retention = retention

    def put(self, config, checkpoint, metadata, new_versions) -> RunnableConfig:  # type: ignore[no-untyped-def]
        saved = super().put(config, checkpoint, metadata, new_versions)
        if self.retention.latest_only:
            thread, ns, checkpoint_id = checkpoint_key(saved)
            versions = checkpoint["channel_versions"]
            params = {
                "thread": thread,
                "ns": ns,
                "id": checkpoint_id,
                "channels": list(versions),
                "versions": [str(v) for v in versions.values()],
            }
            with self._cursor(pipeline=True) as cur:
                for sql in PRUNE_SQL:
                    cur.execute(sql, params)
        if self.retention.sweep_due():
            self.forget_idle_threads()
        return saved

    def forget_idle_threads(self) -> None:
        """Delete the threads whose latest checkpoint is older than the age limit."""
        with self._cursor() as cur:
            cur.execute(
                "SELECT thread_id FROM checkpoints GROUP BY thread_id "
                "HAVING MAX(checkpoint_id) < %s",
                (self.retention.cutoff_id(),),
            )
            idle = [row["thread_id"] for row in cur.fetchall()]
        if idle:
            self.prune(idle, strategy="delete")
