"""Thread owners in PostgreSQL (`state_url`), so every replica agrees on who owns a thread:
a claim is one `INSERT ... ON CONFLICT DO NOTHING`, and of two users racing for one new
id on two replicas, the database keeps the first."""

from __future__ import annotations

from pathlib import Path

from stockwise.assistant.service.threads import REMEMBERED, ThreadOwners
from stockwise.tools.core.pg import ensure_tables, pool_for

DDL = (
    "CREATE TABLE IF NOT EXISTS stockwise_thread_owner (thread_id TEXT PRIMARY KEY, "
    '"user" TEXT NOT NULL, channel TEXT NOT NULL)'
)


class PostgresThreadOwners(ThreadOwners):
    def __init__(self, url: str, remembered: int = REMEMBERED):
        self._url = url
        super().__init__(Path(), remembered)

    def _open(self, path: Path) -> None:
        self._pool = pool_for(self._url)
        with self._pool.connection() as conn:
            ensure_tables(conn, DDL)

    def _read(self, thread_id: str) -> str | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                'SELECT "user" FROM stockwise_thread_owner WHERE thread_id = %s', (thread_id,)
            ).fetchone()
        return None if row is None else row[0]

    def _insert(self, thread_id: str, user: str, channel: str) -> str:
        with self._pool.connection() as conn:
            row = conn.execute(
                'INSERT INTO stockwise_thread_owner (thread_id, "user", channel) '
                'VALUES (%s, %s, %s) ON CONFLICT (thread_id) DO NOTHING RETURNING "user"',
                (thread_id, user, channel),
            ).fetchone()
            if row is None:  # claimed before, here or on another replica
                row = conn.execute(
                    'SELECT "user" FROM stockwise_thread_owner WHERE thread_id = %s',
                    (thread_id,),
                ).fetchone()
        return row[0]

    def close(self) -> None:
        pass  # the pool is the process's (`pool_for`), shared with the other stores
