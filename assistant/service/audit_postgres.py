"""The audit log in PostgreSQL (`state_url`), one chain for every service replica. Each
append is one transaction: the head row is locked (`FOR UPDATE`), the entry chained to it
and inserted, the head moved on. Replicas never interleave a chain, and an append either
lands whole (entry and head) or not at all. The lines are the very JSON the file log
writes, so `audit_verify` checks them the same way."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stockwise.assistant.service.audit import GENESIS, AuditLog, new_entry, parse_entry
from stockwise.assistant.service.audit_head import SHARED_LOG, Head
from stockwise.assistant.service.audit_head import TABLE as HEAD_TABLE
from stockwise.assistant.service.audit_key import key_id
from stockwise.tools.core.pg import ensure_tables, pool_for, where

ENTRY_TABLE = "stockwise_audit_entry"
DDL = (
    f"CREATE TABLE IF NOT EXISTS {HEAD_TABLE} (log TEXT PRIMARY KEY, count BIGINT NOT NULL, "
    "last TEXT NOT NULL, key_id TEXT NOT NULL, time TEXT NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {ENTRY_TABLE} (log TEXT NOT NULL, seq BIGINT NOT NULL, "
    "at TIMESTAMPTZ NOT NULL, line TEXT NOT NULL, PRIMARY KEY (log, seq))",
)


class AuditKeyMismatch(RuntimeError):
    """This replica's MAC key is not the one the shared log is written with."""


class PostgresAuditLog(AuditLog):
    def __init__(self, url: str, key: bytes | None, log_name: str = SHARED_LOG):
        self.where = f"PostgreSQL {where(url)}"
        super().__init__(Path(self.where), key, None)
        self._pool = pool_for(url)
        self.log_name = log_name
        self._ready = False
        self._ready_lock = threading.Lock()

    def open(self) -> list[str]:
        """Create the tables once, and refuse a key other than the log's: entries MAC'd
        with two keys would never verify."""
        with self._ready_lock:
            if not self._ready:
                with self._pool.connection() as conn:
                    ensure_tables(conn, *DDL)
                head = self.read_head()
                if self.key is not None and head is not None and head.key_id != key_id(self.key):
                    raise AuditKeyMismatch(
                        f"this replica's audit MAC key (id {key_id(self.key)}) is not the one "
                        f"the shared log in {self.where} is written with (id {head.key_id}): "
                        "give every replica the same STOCKWISE_AUDIT_KEY or "
                        "STOCKWISE_AUDIT_KEY_FILE"
                    )
                self._ready = True
        return []

    def read_head(self) -> Head | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                f"SELECT count, last, key_id, time FROM {HEAD_TABLE} WHERE log = %s",
                (self.log_name,),
            ).fetchone()
        return Head(int(row[0]), row[1], row[2], row[3]) if row else None

    def append(self, kind: str, user: str, channel: str, **data: Any) -> dict[str, Any]:
        if self.key is None:
            raise RuntimeError("the audit log was opened without its MAC key: read-only")
        self.open()
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._pool.connection() as conn, conn.transaction():
            conn.execute(
                f"INSERT INTO {HEAD_TABLE} (log, count, last, key_id, time) "
                "VALUES (%s, 0, %s, %s, %s) ON CONFLICT (log) DO NOTHING",
                (self.log_name, GENESIS, self.key_id, now),
            )
            count, last = conn.execute(
                f"SELECT count, last FROM {HEAD_TABLE} WHERE log = %s FOR UPDATE",
                (self.log_name,),
            ).fetchone()
            entry = new_entry(self.key, int(count) + 1, last, kind, user, channel, data)
            conn.execute(
                f"INSERT INTO {ENTRY_TABLE} (log, seq, at, line) VALUES (%s, %s, %s, %s)",
                (
                    self.log_name,
                    entry["seq"],
                    datetime.fromisoformat(entry["time"]),
                    json.dumps(entry, sort_keys=True, ensure_ascii=True),
                ),
            )
            conn.execute(
                f"UPDATE {HEAD_TABLE} SET count = %s, last = %s, key_id = %s, time = %s "
                "WHERE log = %s",
                (entry["seq"], entry["mac"], self.key_id, now, self.log_name),
            )
        return entry

    def lines(self, start: datetime | None = None, end: datetime | None = None) -> list[bytes]:
        """The log's lines in sequence order (each with its newline, as in the file)."""
        with self._pool.connection() as conn:
            rows = conn.execute(
                f"SELECT line FROM {ENTRY_TABLE} WHERE log = %s "
                "AND (%s::timestamptz IS NULL OR at >= %s) "
                "AND (%s::timestamptz IS NULL OR at < %s) ORDER BY seq",
                (self.log_name, start, start, end, end),
            ).fetchall()
        return [(row[0] + "\n").encode("ascii") for row in rows]

    def entries(self) -> list[dict[str, Any]]:
        return [e for e, _ in map(parse_entry, self.lines()) if e is not None]

    def export(self, start: datetime | None, end: datetime | None) -> list[dict[str, Any]]:
        def aware(moment: datetime | None) -> datetime | None:
            if moment is not None and moment.tzinfo is None:
                return moment.replace(tzinfo=UTC)
            return moment

        lines = self.lines(aware(start), aware(end))
        return [e for e, _ in map(parse_entry, lines) if e is not None]

    def close(self) -> None:
        pass  # the pool is the process's (`pool_for`), shared with the other stores
