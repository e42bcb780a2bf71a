"""The audit log's head (how many entries, the last one's MAC, which key) checkpointed
outside the log: in the service's SQLite database, or in PostgreSQL when
`audit_checkpoint_url` is set. A MAC chain alone cannot show that its end was cut off, or
that the whole log was deleted; the head kept elsewhere can."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from stockwise.tools.core.settings import Settings

TABLE = "stockwise_audit_head"
SHARED_LOG = "stockwise-service"  # the head's row of the log replicas share (audit_postgres)


@dataclass(frozen=True)
class Head:
    count: int  # entries written (the last one's sequence number)
    last: str  # the last entry's MAC
    key_id: str
    time: str  # when it was checkpointed (UTC, ISO 8601)


class HeadStore:
    """One row per log (named by its path, so logs of several services can share a
    database), written through one DB-API connection held open: a checkpoint per entry
    costs one small upsert (~50 us in SQLite), not a connect or an ORM round."""

    def __init__(
        self,
        connect: Callable[[], Any],
        placeholder: str,
        missing_table: tuple[type[Exception], ...],
        log_name: str,
        where: str,
        exists: Callable[[], bool] = lambda: True,
    ):
        self.log_name, self.where = log_name, where
        self._connect_db, self._exists, self._missing = connect, exists, missing_table
        self._conn: Any = None
        self._table_ready = False
        mark = placeholder
        self._select = f"SELECT count, last, key_id, time FROM {TABLE} WHERE log = {mark}"
        self._upsert = (
            f"INSERT INTO {TABLE} (log, count, last, key_id, time) "
            f"VALUES ({mark}, {mark}, {mark}, {mark}, {mark}) ON CONFLICT (log) DO UPDATE "
            "SET count = excluded.count, last = excluded.last, key_id = excluded.key_id, "
            "time = excluded.time"
        )

    def _connect(self, create: bool) -> Any:
        if self._conn is None:
            if not create and not self._exists():
                return None  # reading never creates the database
            self._conn = self._connect_db()
        if create and not self._table_ready:
            self._conn.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (log TEXT PRIMARY KEY, "
                "count BIGINT NOT NULL, last TEXT NOT NULL, key_id TEXT NOT NULL, "
                "time TEXT NOT NULL)"
            )
            self._conn.commit()
            self._table_ready = True
        return self._conn

    def read(self) -> Head | None:
        conn = self._connect(create=False)
        if conn is None:
            return None
        try:
            row = conn.execute(self._select, (self.log_name,)).fetchone()
        except self._missing:  # no table yet
            row = None
        conn.rollback()  # end the read transaction (PostgreSQL would hold it open)
        return Head(int(row[0]), row[1], row[2], row[3]) if row else None

    def write(self, count: int, last: str, key_id: str) -> None:
        conn = self._connect(create=True)
        moment = datetime.now(UTC).isoformat(timespec="seconds")
        conn.execute(self._upsert, (self.log_name, count, last, key_id, moment))
        conn.commit()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
            self._table_ready = False


def open_head_store(settings: Settings) -> HeadStore:
    # Replicas (`state_url`) share one log, so one row whatever each one's data_dir.
    name = SHARED_LOG if settings.state_url else str(settings.audit_path.resolve())
    url = settings.audit_checkpoint_url
    if url:
        import psycopg

        url = url.replace("postgresql+psycopg://", "postgresql://", 1)
        where = url.split("@")[-1]  # no password in what is printed
        return HeadStore(
            lambda: psycopg.connect(url),
            "%s",
            (psycopg.errors.UndefinedTable,),
            name,
            f"PostgreSQL {where}",
        )
    path = settings.service_db_path

    def connect() -> sqlite3.Connection:
        # Used by whichever thread appends (under the log's lock); as the service's other
        # SQLite stores: WAL, no sync per commit.
        conn = sqlite3.connect(str(path), check_same_thread=False)
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    return HeadStore(connect, "?", (sqlite3.OperationalError,), name, str(path), path.exists)


def describe_head(settings: Settings) -> str | None:
    """One line for a report: the audit log's checkpointed head, or None when there is
    none. An auditor can compare it with `stockwise audit verify` and with older reports:
    the count only grows, and a log cut back or rewritten no longer ends at this MAC."""
    store = open_head_store(settings)
    try:
        head = store.read()
    finally:
        store.close()
    if head is None:
        return None
    return (
        f"Audit log: {head.count:,} entries, last MAC {head.last[:16]}, key {head.key_id}, "
        f"checkpointed {head.time} in {store.where}."
    )
