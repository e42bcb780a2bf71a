"""The audit log's head (how many entries, the last one's MAC, which key) checkpointed
outside the log: in the service's SQLite database, or in PostgreSQL when
`audit_checkpoint_url` is set. A MAC chain alone cannot show that its end was cut off, or
that the whole log was deleted; the head kept elsewhere can."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from stockwise.tools.core.settings import Settings

TABLE = "stockwise_audit_head"


@dataclass(frozen=True)
class Head:
    count: int  # entries written (the last one's sequence number)
    last: str  # the last entry's MAC
    key_id: str
    time: str  # when it was checkpointed (UTC, ISO 8601)


class HeadStore:
    """One row per log (named by its path, so logs of several services can share a
    database). Writes go through one connection held open: a checkpoint per entry costs a
    small UPDATE, not a connect."""

    def __init__(self, url: str, log_name: str, where: str, sqlite_file: Path | None = None):
        self.log_name, self.where = log_name, where
        self._sqlite_file = sqlite_file
        self._engine: Engine | None = None
        self._url = url
        self._conn: Connection | None = None
        self._table_ready = False

    def _connect(self, create: bool) -> Connection | None:
        if self._conn is None:
            if self._sqlite_file is not None and not create and not self._sqlite_file.exists():
                return None  # reading never creates the database
            sqlite = self._sqlite_file is not None
            # One connection, used by whichever thread appends (under the log's lock).
            options = {"connect_args": {"check_same_thread": False}} if sqlite else {}
            self._engine = create_engine(self._url, **options)
            self._conn = self._engine.connect()
            if sqlite:  # as the service's other SQLite stores: WAL, no sync per commit
                self._conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
        if create and not self._table_ready:
            self._conn.execute(
                text(
                    f"CREATE TABLE IF NOT EXISTS {TABLE} (log TEXT PRIMARY KEY, "
                    "count BIGINT NOT NULL, last TEXT NOT NULL, key_id TEXT NOT NULL, "
                    "time TEXT NOT NULL)"
                )
            )
            self._conn.commit()
            self._table_ready = True
        return self._conn

    def read(self) -> Head | None:
        conn = self._connect(create=False)
        if conn is None:
            return None
        try:
            row = conn.execute(
                text(f"SELECT count, last, key_id, time FROM {TABLE} WHERE log = :log"),
                {"log": self.log_name},
            ).first()
        except (OperationalError, ProgrammingError):  # no table yet
            conn.rollback()
            return None
        conn.rollback()  # end the read transaction (PostgreSQL would hold it open)
        return Head(int(row[0]), row[1], row[2], row[3]) if row else None

    def write(self, count: int, last: str, key_id: str) -> None:
        conn = self._connect(create=True)
        assert conn is not None
        conn.execute(
            text(
                f"INSERT INTO {TABLE} (log, count, last, key_id, time) "
                "VALUES (:log, :count, :last, :key_id, :time) ON CONFLICT (log) DO UPDATE "
                "SET count = excluded.count, last = excluded.last, key_id = excluded.key_id, "
                "time = excluded.time"
            ),
            {
                "log": self.log_name,
                "count": count,
                "last": last,
                "key_id": key_id,
                "time": datetime.now(UTC).isoformat(timespec="seconds"),
            },
        )
        conn.commit()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
            self._table_ready = False
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def open_head_store(settings: Settings) -> HeadStore:
    name = str(settings.audit_path.resolve())
    url = settings.audit_checkpoint_url
    if url:
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        where = url.split("@")[-1]  # no password in what is printed
        return HeadStore(url, name, f"PostgreSQL {where}")
    path = settings.service_db_path
    return HeadStore(f"sqlite:///{path}", name, str(path), sqlite_file=path)


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
