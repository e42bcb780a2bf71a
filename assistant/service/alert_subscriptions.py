"""Who hears of which alert: subscriptions (a signed webhook, a Slack channel, a Teams
conversation) filtered by site, category and criticality, and what was delivered to each,
in `alert_delivery.sqlite` in the data directory. A message goes to a subscription at most
once (its alert id and kind are the key), whatever retries or restarts happen."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from stockwise.assistant.service.limits import CleanStr

Channel = Literal["webhook", "slack", "teams"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS subscription (
    sub_id INTEGER PRIMARY KEY, channel TEXT NOT NULL, target TEXT NOT NULL, secret TEXT,
    filters TEXT NOT NULL, created_by TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS delivery (
    sub_id INTEGER NOT NULL, message_key TEXT NOT NULL, seq INTEGER NOT NULL,
    status TEXT NOT NULL, attempts INTEGER NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (sub_id, message_key));
CREATE TABLE IF NOT EXISTS slack_thread (
    sub_id INTEGER NOT NULL, pair TEXT NOT NULL, ts TEXT NOT NULL, PRIMARY KEY (sub_id, pair));
"""


class SubscriptionIn(BaseModel):
    channel: Channel
    target: CleanStr = Field(
        min_length=1,
        max_length=2000,
        description="webhook: the URL; slack: the channel id; teams: the conversation "
        "reference as JSON (a Teams conversation subscribes itself by saying so)",
    )
    secret: CleanStr | None = Field(
        None, min_length=16, max_length=256, description="webhook: the HMAC-SHA256 key"
    )
    sites: list[CleanStr] = Field(default_factory=list, max_length=100)
    categories: list[Literal["mro", "raw"]] = Field(default_factory=list)
    criticalities: list[Literal["A", "B", "C"]] = Field(default_factory=list)


class Subscription(SubscriptionIn):
    sub_id: int
    active: bool = True

    def wants(self, body: dict[str, Any], category: str | None) -> bool:
        return (
            (not self.sites or body.get("site_id") in self.sites)
            and (not self.criticalities or body.get("criticality") in self.criticalities)
            and (not self.categories or category in self.categories)
        )


class SubscriptionStore:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(SCHEMA)
        self._lock = threading.Lock()

    def add(self, sub: SubscriptionIn, who: str) -> Subscription:
        filters = {k: getattr(sub, k) for k in ("sites", "categories", "criticalities")}
        with self._lock:
            sub_id = self._conn.execute(
                "INSERT INTO subscription (channel, target, secret, filters, created_by) "
                "VALUES (?, ?, ?, ?, ?)",
                (sub.channel, sub.target, sub.secret, json.dumps(filters), who),
            ).lastrowid
        assert sub_id is not None
        return Subscription(**sub.model_dump(), sub_id=sub_id)

    def active(self) -> list[Subscription]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT sub_id, channel, target, secret, filters FROM subscription WHERE active"
            ).fetchall()
        return [
            Subscription(sub_id=i, channel=c, target=t, secret=s, **json.loads(f))
            for i, c, t, s, f in rows
        ]

    def delivered(self, sub_id: int, key: str) -> str | None:
        """The final status of `key` for `sub_id` (sent, dead, skipped, held), or None."""
        with self._lock:
            row = self._conn.execute(
                "SELECT status FROM delivery WHERE sub_id = ? AND message_key = ?", (sub_id, key)
            ).fetchone()
        return row[0] if row else None

    def record(self, sub_id: int, key: str, seq: int, status: str, attempts: int) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO delivery VALUES (?, ?, ?, ?, ?, ?)",
                (sub_id, key, seq, status, attempts, datetime.now(UTC).isoformat()),
            )

    def sent_within(self, sub_id: int, window: timedelta) -> int:
        since = (datetime.now(UTC) - window).isoformat()
        with self._lock:
            return self._conn.execute(
                "SELECT COUNT(*) FROM delivery WHERE sub_id = ? AND status = 'sent' AND at >= ?",
                (sub_id, since),
            ).fetchone()[0]

    def held(self, sub_id: int) -> list[str]:
        """Message keys held back by the rate limit, for the digest; then released."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT message_key FROM delivery WHERE sub_id = ? AND status = 'held' "
                "ORDER BY seq",
                (sub_id,),
            ).fetchall()
            self._conn.execute(
                "UPDATE delivery SET status = 'digested' WHERE sub_id = ? AND status = 'held'",
                (sub_id,),
            )
        return [r[0] for r in rows]

    def thread(self, sub_id: int, pair: str) -> str | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT ts FROM slack_thread WHERE sub_id = ? AND pair = ?", (sub_id, pair)
            ).fetchone()
        return row[0] if row else None

    def set_thread(self, sub_id: int, pair: str, ts: str) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT OR IGNORE INTO slack_thread VALUES (?, ?, ?)", (sub_id, pair, ts)
            )

    def close(self) -> None:
        self._conn.close()
