"""Alert state per item and site, kept in SQLite in the data directory so a restart loses
nothing: one alert per episode, the messages each change produced (an outbox that delivery
reads), and the open purchase orders the projection counts on. Each batch of changes is one
transaction.

An episode is a shortage and the buying that answers it: it is raised once and ends when
stock is replenished (a receipt). An alert cleared by an open purchase that then breaks
again before anything was received (the purchase turned out late or short, demand ran
ahead) is the same shortage: it is reopened in place, in the same thread, not raised anew.
Each reopening is a round; escalated and cleared happen at most once a round."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from stockwise.tools.replenish.projection import PURCHASE_COLUMNS

SCHEMA = """
CREATE TABLE IF NOT EXISTS alert (
    alert_id TEXT PRIMARY KEY, item_id TEXT NOT NULL, site_id TEXT NOT NULL,
    episode INTEGER NOT NULL, state TEXT NOT NULL, criticality TEXT,
    raised_at TEXT NOT NULL, escalated_at TEXT, cleared_at TEXT, body TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS one_live_alert ON alert (item_id, site_id)
    WHERE state != 'cleared';
CREATE TABLE IF NOT EXISTS message (
    seq INTEGER PRIMARY KEY, alert_id TEXT NOT NULL, kind TEXT NOT NULL, at TEXT NOT NULL,
    logged_at TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS received (
    item_id TEXT NOT NULL, site_id TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (item_id, site_id));
CREATE TABLE IF NOT EXISTS purchase (
    po_id TEXT PRIMARY KEY, item_id TEXT NOT NULL, site_id TEXT NOT NULL,
    qty REAL NOT NULL, due_date TEXT NOT NULL);
"""


@dataclass(frozen=True)
class AlertMessage:
    """One change of an alert: `kind` is raised, escalated, cleared or reopened."""

    seq: int
    alert_id: str
    kind: str
    at: str
    body: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.body["text"])


def _day(value) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _floor_note(row: Any) -> str:
    if not getattr(row, "under_floor", False):
        return ""
    return (
        f"; a criticality-A spare: {row.held:g} on hand and on order, under the "
        f"{row.floor:g} one breakdown takes (what one work order took of an A spare part, "
        f"at the A service target)"
    )


def explain(row: Any, today: pd.Timestamp) -> dict[str, Any]:
    """Why (the projection and what is behind it) and what to do, for one assessed row."""
    lead = 0 if pd.isna(row.lead_days) else int(row.lead_days)
    breach = pd.Timestamp(row.breach_on) if pd.notna(row.breach_on) else None
    order_by = max(breach - pd.Timedelta(days=lead), today) if breach is not None else None
    urgent = pd.notna(row.runs_out_on) and (row.runs_out_on - today).days < lead
    horizon = (
        f"lead time {lead} days"
        if pd.notna(row.lead_days)
        else f"no lead time known: looked {row.horizon_days:g} days ahead"
    )
    runs_out = pd.notna(row.runs_out_on)
    basis = f"at {row.service:.0%} service" if row.criticality == "A" else "expected (class B/C)"
    why = (
        f"on hand {row.on_hand:g}; forecast {row.daily_rate:.2f}/day, "
        f"{row.lead_time_demand:.1f} over the {row.horizon_days:g} days {basis}"
        f"{'; open production orders take ' + ', '.join(row.needs) if row.needs else ''}"
        f"{'; open purchases ' + ', '.join(row.inbound) if row.inbound else '; no open purchase'}"
        f"{_floor_note(row)}"
        f": projected {row.lowest:.1f} at lowest, short from {_day(breach)}"
        f"{'; expected to run out ' + str(_day(row.runs_out_on)) if runs_out else ''}"
        f" ({horizon})"
    )
    if urgent and row.inbound:
        todo = f"expedite {row.inbound[0].split(' ')[0]} or order {row.order_qty:g} now, by express"
    elif urgent:
        todo = f"order {row.order_qty:g} now, by express: a normal order arrives after the run-out"
    else:
        todo = f"order {row.order_qty:g} by {_day(order_by)}"
    if row.can_wait:
        todo += "; can wait: " + ", ".join(row.can_wait)
    return {
        "item_id": row.item_id,
        "site_id": row.site_id,
        "description": row.description,
        "criticality": row.criticality,
        "on_hand": float(row.on_hand),
        "level": float(row.level),
        "lowest_projected": float(row.lowest),
        "breach_on": _day(breach),
        "runs_out_on": _day(row.runs_out_on),
        "order_by": _day(order_by),
        "lead_days": lead,
        "order_qty": float(row.order_qty),
        "production_orders": list(row.needs),
        "open_purchases": list(row.inbound),
        "can_wait": list(row.can_wait),
        "lead_time_demand": float(row.lead_time_demand),
        "service": float(row.service),
        "urgent": bool(urgent),
        "breakdown_floor": float(row.floor) if getattr(row, "under_floor", False) else None,
        "why": why,
        "todo": todo,
    }


class AlertStore:
    """The alert states, their messages and the open purchases, in one SQLite file."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._lock = threading.Lock()
        self._conn.executescript(SCHEMA)

    # -- open purchase orders -------------------------------------------------------------
    def add_purchases(self, rows: Iterable[dict[str, Any]]) -> int:
        with self._lock, self._conn:
            self._conn.execute("BEGIN")
            n = 0
            for r in rows:
                self._conn.execute(
                    "INSERT OR REPLACE INTO purchase VALUES (?, ?, ?, ?, ?)",
                    (r["po_id"], r["item_id"], r["site_id"], float(r["qty"]), str(r["due_date"])),
                )
                n += 1
            return n

    def receive(self, po_id: str, qty: float) -> None:
        """A receipt against `po_id` lowers what is still open; a PO received in full goes."""
        with self._lock, self._conn:
            self._conn.execute("UPDATE purchase SET qty = qty - ? WHERE po_id = ?", (qty, po_id))
            self._conn.execute("DELETE FROM purchase WHERE qty <= 1e-9")

    def _answered(self, item: str, site: str) -> None:
        """A receipt left the projection holding at (item, site): the shortage raised before
        it has been answered, and the next one is a new episode. A receipt after which the
        projection still breaks (an expedited top-up that meets the day's issues, a short
        delivery) answers nothing: the next breach reopens the same alert."""
        self._conn.execute(
            "INSERT INTO received VALUES (?, ?, 1) "
            "ON CONFLICT (item_id, site_id) DO UPDATE SET n = n + 1",
            (item, site),
        )

    def _received(self, item: str, site: str) -> int:
        found = self._conn.execute(
            "SELECT n FROM received WHERE item_id = ? AND site_id = ?", (item, site)
        ).fetchone()
        return 0 if found is None else int(found[0])

    def purchases(self) -> pd.DataFrame:
        with self._lock:
            rows = self._conn.execute("SELECT * FROM purchase ORDER BY po_id").fetchall()
        frame = pd.DataFrame(rows, columns=PURCHASE_COLUMNS)
        frame["due_date"] = pd.to_datetime(frame["due_date"])
        return frame

    # -- alert states ---------------------------------------------------------------------
    def update(
        self,
        assessed: pd.DataFrame,
        today: pd.Timestamp,
        received: Iterable[tuple[str, str]] = (),
    ) -> list[AlertMessage]:
        """Move each assessed (item, site) to its new state; the messages that produced.
        `received`: the pairs stock was received at since the last update."""
        arrived = set(received)
        at = pd.Timestamp(today).isoformat()
        logged = datetime.now(UTC).isoformat(timespec="milliseconds")
        out: list[AlertMessage] = []
        with self._lock, self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            for row in assessed.itertuples():
                live = self._conn.execute(
                    "SELECT alert_id, state, episode FROM alert WHERE item_id = ? AND site_id = ? "
                    "AND state != 'cleared'",
                    (row.item_id, row.site_id),
                ).fetchone()
                body = explain(row, pd.Timestamp(today).normalize()) if row.needs_alert else None
                if body is not None:
                    body["received_before"] = self._received(row.item_id, row.site_id)
                kind = None
                unfinished = None if live is not None or body is None else self._unfinished(row)
                if unfinished is not None and body is not None:
                    kind, alert_id = "reopened", unfinished
                    state = "escalated" if body["urgent"] else "open"
                    self._conn.execute(
                        "UPDATE alert SET state = ?, cleared_at = NULL, body = ? "
                        "WHERE alert_id = ?",
                        (state, json.dumps(body), alert_id),
                    )
                elif live is None and body is not None:
                    kind, alert_id = "raised", self._new_id(row.item_id, row.site_id)
                    state = "escalated" if body["urgent"] else "open"
                    self._conn.execute(
                        "INSERT INTO alert VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
                        (
                            alert_id,
                            row.item_id,
                            row.site_id,
                            int(alert_id.rsplit("#", 1)[1]),
                            state,
                            row.criticality,
                            at,
                            at if body["urgent"] else None,
                            json.dumps(body),
                        ),
                    )
                elif live is not None and body is not None:
                    alert_id = live[0]
                    if body["urgent"] and live[1] == "open":
                        kind = "escalated"
                        self._conn.execute(
                            "UPDATE alert SET state = 'escalated', escalated_at = ? "
                            "WHERE alert_id = ?",
                            (at, alert_id),
                        )
                    first = json.loads(
                        self._conn.execute(
                            "SELECT body FROM alert WHERE alert_id = ?", (alert_id,)
                        ).fetchone()[0]
                    )
                    # The latest why and to-do, against the stock seen when it was raised.
                    body = {
                        **body,
                        "on_hand": first["on_hand"],
                        "on_hand_now": body["on_hand"],
                        "received_before": first.get("received_before"),
                    }
                    self._conn.execute(
                        "UPDATE alert SET body = ? WHERE alert_id = ?", (json.dumps(body), alert_id)
                    )
                elif live is not None and self._fixed(live[0], row):
                    kind, alert_id = "cleared", live[0]
                    body = {
                        "item_id": row.item_id,
                        "site_id": row.site_id,
                        "criticality": row.criticality,
                        "why": (
                            f"projected stock stays above zero through the lead time "
                            f"(lowest {row.lowest:.1f})"
                            + (f"; open purchases {', '.join(row.inbound)}" if row.inbound else "")
                        ),
                        "todo": (
                            "can wait: " + ", ".join(row.can_wait) if row.can_wait else "nothing"
                        ),
                        "can_wait": list(row.can_wait),
                    }
                    self._conn.execute(
                        "UPDATE alert SET state = 'cleared', cleared_at = ? WHERE alert_id = ?",
                        (at, alert_id),
                    )
                if (row.item_id, row.site_id) in arrived and not row.needs_alert:
                    self._answered(row.item_id, row.site_id)
                if kind is None:
                    continue
                assert body is not None
                body = {**body, "alert_id": alert_id, "kind": kind, "round": self._round(alert_id)}
                if kind == "reopened":
                    body["round"] += 1
                body["text"] = _text(kind, body)
                seq = self._conn.execute(
                    "INSERT INTO message (alert_id, kind, at, logged_at, body) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (alert_id, kind, at, logged, json.dumps(body)),
                ).lastrowid
                assert seq is not None
                out.append(AlertMessage(seq, alert_id, kind, at, body))
        return out

    def _fixed(self, alert_id: str, row: Any) -> bool:
        """Only an order, a receipt or a production order that no longer draws on it (done,
        cancelled, moved later) clears an alert: a projection that recovers because the
        forecast moved would clear and re-raise the same shortage day after day."""
        if row.inbound:
            return True
        raised = self._conn.execute("SELECT body FROM alert WHERE alert_id = ?", (alert_id,))
        first = json.loads(raised.fetchone()[0])
        drawing = {n.split(" ")[0] for n in row.needs}
        gone = {n.split(" ")[0] for n in first.get("production_orders", [])} - drawing
        return bool(gone) or float(row.on_hand) > first["on_hand"] + 1e-9

    def _unfinished(self, row: Any) -> str | None:
        """The pair's latest alert, if it was cleared and nothing was received since it was
        raised (or reopened)."""
        last = self._conn.execute(
            "SELECT alert_id, body FROM alert WHERE item_id = ? AND site_id = ? "
            "ORDER BY episode DESC LIMIT 1",
            (row.item_id, row.site_id),
        ).fetchone()
        if last is None:
            return None
        seen = json.loads(last[1]).get("received_before")
        return str(last[0]) if seen == self._received(row.item_id, row.site_id) else None

    def _round(self, alert_id: str) -> int:
        return int(
            self._conn.execute(
                "SELECT COUNT(*) FROM message WHERE alert_id = ? AND kind = 'reopened'",
                (alert_id,),
            ).fetchone()[0]
        )

    def _new_id(self, item: str, site: str) -> str:
        last = self._conn.execute(
            "SELECT MAX(episode) FROM alert WHERE item_id = ? AND site_id = ?", (item, site)
        ).fetchone()[0]
        return f"{item}@{site}#{(last or 0) + 1}"

    def live(self) -> list[dict[str, Any]]:
        """Open and escalated alerts, soonest breach first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT alert_id, state, raised_at, escalated_at, body FROM alert "
                "WHERE state != 'cleared'"
            ).fetchall()
        found = [
            {"alert_id": a, "state": s, "raised_at": r, "escalated_at": e, **json.loads(b)}
            for a, s, r, e, b in rows
        ]
        return sorted(found, key=lambda x: (x.get("breach_on") or "", x["alert_id"]))

    def history(self, item_id: str) -> list[dict[str, Any]]:
        """Every alert of an item (any site), newest first, with its messages."""
        with self._lock:
            alerts = self._conn.execute(
                "SELECT alert_id, state, raised_at, escalated_at, cleared_at, body FROM alert "
                "WHERE item_id = ? ORDER BY raised_at DESC, alert_id DESC",
                (item_id,),
            ).fetchall()
        return [
            {
                "alert_id": a,
                "state": s,
                "raised_at": r,
                "escalated_at": e,
                "cleared_at": c,
                **json.loads(b),
            }
            for a, s, r, e, c, b in alerts
        ]

    def messages(self, after: int = 0, limit: int = 10_000) -> list[AlertMessage]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT seq, alert_id, kind, at, body FROM message WHERE seq > ? ORDER BY seq "
                "LIMIT ?",
                (after, limit),
            ).fetchall()
        return [AlertMessage(s, a, k, t, json.loads(b)) for s, a, k, t, b in rows]

    def close(self) -> None:
        self._conn.close()


def _text(kind: str, body: dict[str, Any]) -> str:
    head = {
        "raised": "Stock alert",
        "escalated": "ESCALATED",
        "cleared": "Cleared",
        "reopened": "Short again (what was on order no longer covers it)",
    }[kind]
    name = f"{body['item_id']}" + (f" {body['description']}" if body.get("description") else "")
    return (
        f"{head} [{body['alert_id']}] {name} at {body['site_id']} "
        f"(criticality {body.get('criticality')}): {body['why']}. To do: {body['todo']}."
    )
