"""Real-time stock movements (RFID gates, WMS scans) in the contract's `transactions`
shape: validated as a batch, persisted in SQLite in the data directory, then applied to
the in-memory dataset (ledger and on-hand), all or nothing, idempotent by `txn_id`."""

from __future__ import annotations

import dataclasses
import json
import logging
import sqlite3
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
from pandas.api.types import union_categoricals
from pydantic import BaseModel, Field, ValidationError, field_validator

from stockwise.assistant.service.limits import CleanStr
from stockwise.assistant.service.order_progress import (
    ProgressUpdate,
    progress_problems,
    updated_orders,
)
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.frames import CATEGORICAL_COLUMNS, coerce_table
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.dataset.schema import REF_TYPES, TXN_SIGNS

log = logging.getLogger("stockwise.service")

# A movement is a count of parts: a billion units in one scan is a typo or an attack, and
# 1e308 overflowed every sum it took part in. Timestamps stay where pandas can hold them.
MAX_QTY = 1e9
FIRST_YEAR, LAST_YEAR = 1900, 2200
FUTURE_SLACK = timedelta(days=1)
EPSILON = 1e-6  # site clocks are local time, up to 14 h from UTC


class EventError(Exception):
    """A batch that cannot be applied; nothing of it was."""


class EventConflict(EventError):
    """A txn_id already applied with different content."""


class TxnEvent(BaseModel):
    txn_id: CleanStr = Field(min_length=1, max_length=128)
    ts: datetime
    item_id: CleanStr = Field(min_length=1, max_length=128)
    site_id: CleanStr = Field(min_length=1, max_length=128)
    qty: float = Field(ge=-MAX_QTY, le=MAX_QTY, allow_inf_nan=False)
    txn_type: CleanStr = Field(max_length=64)
    ref_type: CleanStr | None = Field(default=None, max_length=64)
    ref_id: CleanStr | None = Field(default=None, max_length=128)

    @field_validator("ts")
    @classmethod
    def _plausible_year(cls, ts: datetime) -> datetime:
        if not FIRST_YEAR <= ts.year <= LAST_YEAR:
            raise ValueError(f"year {ts.year} is outside {FIRST_YEAR}-{LAST_YEAR}")
        return ts

    def canonical(self) -> str:
        body = self.model_dump(mode="json")
        body["ts"] = self.naive_ts().isoformat()
        return json.dumps(body, sort_keys=True)

    def naive_ts(self) -> datetime:
        # The contract's timestamps are naive site local time; an offset is dropped as read.
        return self.ts.replace(tzinfo=None)


def _problems(event: TxnEvent, dataset: Dataset, snapshot: pd.Timestamp) -> list[str]:
    found = []
    sign = TXN_SIGNS.get(event.txn_type)
    if sign is None:
        found.append(f"txn_type {event.txn_type!r} is not one of {', '.join(TXN_SIGNS)}")
    if event.qty == 0 or event.qty != event.qty or abs(event.qty) == float("inf"):
        found.append("qty must be a non-zero number")
    elif sign and (event.qty > 0) != (sign > 0):
        found.append(
            f"{event.txn_type} moves stock {'in' if sign > 0 else 'out'}: qty must be "
            f"{'positive' if sign > 0 else 'negative'}, got {event.qty:g}"
        )
    if event.ref_type is not None and event.ref_type not in REF_TYPES:
        found.append(f"ref_type {event.ref_type!r} is not one of {', '.join(REF_TYPES)}")
    if not (dataset.items["item_id"] == event.item_id).any():
        found.append(f"no item {event.item_id!r}")
    if not (dataset.sites["site_id"] == event.site_id).any():
        found.append(f"no site {event.site_id!r}")
    if event.naive_ts() > datetime.now() + FUTURE_SLACK:
        found.append(f"ts {event.naive_ts()} is in the future; send movements as they happen")
    elif pd.Timestamp(event.naive_ts()) < snapshot:
        found.append(
            f"ts {event.naive_ts()} is before the stock snapshot ({snapshot}), which counts "
            "it already; load older movements with the dataset"
        )
    return found


def _appended(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """`old` + `new` transactions, categoricals kept: re-coercing the whole ledger on each
    batch (trimming every id again) took most of a second at scale 1."""
    merged = {}
    for column in CATEGORICAL_COLUMNS["transactions"]:
        known = old[column].cat.categories
        values = new[column].astype(object)
        if values.dropna().isin(known).all():
            # Every value already has its code (a known item, site, type): the ledger's
            # codes are kept and only the batch's are looked up. Re-coding the whole
            # ledger was most of a one-movement batch's cost (it grows with the ledger).
            new = new.assign(**{column: pd.Categorical(values, categories=known)})
            continue
        both = union_categoricals([old[column], new[column]], sort_categories=True)
        merged[column] = pd.Categorical(both, categories=both.categories)
    if not merged:  # one copy of the ledger, not a selection, a concat and a reorder
        return pd.concat([old, new[list(old.columns)]], ignore_index=True)
    plain = [c for c in old.columns if c not in merged]
    out = pd.concat([old[plain], new[plain]], ignore_index=True)
    for column, values in merged.items():
        out[column] = values
    return out[list(old.columns)]


def updated_dataset(dataset: Dataset, events: list[TxnEvent]) -> Dataset:
    """A new dataset with `events` in the ledger and on hand moved; the old one is untouched."""
    rows = pd.DataFrame([{**e.model_dump(), "ts": e.naive_ts()} for e in events])
    transactions = _appended(dataset.transactions, coerce_table("transactions", rows))
    levels = dataset.stock_levels.copy()
    for (item, site), group in rows.groupby(["item_id", "site_id"], sort=False):
        moved, latest = float(group["qty"].sum()), group["ts"].max()
        at = levels.index[(levels["item_id"] == item) & (levels["site_id"] == site)]
        before = float(levels.loc[at[0], "on_hand_qty"]) if len(at) else 0.0
        # Sums of decimal quantities are not exact: 837.4 - 837.4 can be -1e-13.
        if before + moved < -EPSILON:
            raise EventError(
                f"item {item} at site {site}: on hand {before:g} cannot move by "
                f"{moved:g} (it would go below zero)"
            )
        if len(at):
            levels.loc[at[0], "on_hand_qty"] = max(before + moved, 0.0)
            levels.loc[at[0], "as_of"] = max(levels.loc[at[0], "as_of"], latest)
        else:
            new = {"item_id": item, "site_id": site, "on_hand_qty": moved, "as_of": latest}
            levels = pd.concat([levels, pd.DataFrame([new])], ignore_index=True)
    added = len(levels) > len(dataset.stock_levels)
    tables = {
        **dataset.tables,
        "transactions": transactions,
        # Moving on hand and as_of in place keeps the table's types; only a new pair's row
        # needs the table coerced again.
        "stock_levels": coerce_table("stock_levels", levels) if added else levels,
    }
    return dataclasses.replace(dataset, tables=tables)


class EventStore:
    """Applied events (movements and production order progress) in `service.sqlite`;
    replayed into the dataset at startup.

    Movements may arrive out of order (gates and scanners batch on their own clocks): one
    dated after the stock snapshot but before movements already applied is merged (on hand
    is a sum, the ledger takes it where it falls) and listed under `late`. One dated before
    the snapshot is refused: the snapshot's count holds it already."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False)
        self._lock = threading.Lock()
        self.snapshot_at: pd.Timestamp | None = None  # the dataset's as_of before any event
        with self._conn:
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS applied_event (seq INTEGER PRIMARY KEY, "
                "txn_id TEXT UNIQUE NOT NULL, body TEXT NOT NULL)"
            )
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS applied_progress (seq INTEGER PRIMARY KEY, "
                "update_id TEXT UNIQUE NOT NULL, body TEXT NOT NULL)"
            )

    def _snapshot(self, ctx: ToolContext) -> pd.Timestamp:
        if self.snapshot_at is None:
            self.snapshot_at = ctx.dataset.as_of
        return self.snapshot_at

    def replay(self, ctx: ToolContext) -> int:
        self._snapshot(ctx)
        with self._lock:
            bodies = [
                r[0] for r in self._conn.execute("SELECT body FROM applied_event ORDER BY seq")
            ]
            progress = [
                r[0] for r in self._conn.execute("SELECT body FROM applied_progress ORDER BY seq")
            ]
        known = set(ctx.dataset.transactions["txn_id"])
        events = []
        for body in bodies:
            try:
                event = TxnEvent.model_validate_json(body)
            except ValidationError as error:  # stored before today's checks: not replayed
                log.warning("stored event not replayed (%s): %s", error.errors()[0]["msg"], body)
                continue
            if event.txn_id not in known:
                events.append(event)
        if events:
            ctx.use_dataset(updated_dataset(ctx.dataset, events))
        updates: list[ProgressUpdate] = []
        for body in progress:
            update = ProgressUpdate.model_validate_json(body)
            if progress_problems(ctx.dataset, updates + [update]):
                log.warning("stored progress update not replayed (the orders moved): %s", body)
                continue
            updates.append(update)
        if updates:
            ctx.use_dataset(updated_orders(ctx.dataset, updates))
        return len(events) + len(updates)

    def apply_progress(self, ctx: ToolContext, updates: list[ProgressUpdate]) -> dict:
        """Apply production order progress: {"applied": [...], "duplicates": [...],
        "orders": [order ids moved]} or an EventError naming each problem."""
        with self._lock:
            seen: dict[str, str] = {}
            problems = []
            for n, u in enumerate(updates):
                if seen.get(u.update_id, u.canonical()) != u.canonical():
                    problems.append(
                        f"update {n} ({u.update_id}): update_id repeated with other content"
                    )
                seen[u.update_id] = u.canonical()
            stored = {}
            for update_id in seen:
                row = self._conn.execute(
                    "SELECT body FROM applied_progress WHERE update_id = ?", (update_id,)
                ).fetchone()
                if row:
                    stored[update_id] = row[0]
            for update_id, body in stored.items():
                if body != seen[update_id]:
                    raise EventConflict(
                        f"update_id {update_id} was already applied with other content"
                    )
            fresh = [
                u for u in {u.update_id: u for u in updates}.values() if u.update_id not in stored
            ]
            problems += progress_problems(ctx.dataset, fresh)
            if problems:
                raise EventError("; ".join(problems))
            if fresh:
                dataset = updated_orders(ctx.dataset, fresh)
                with self._conn:
                    self._conn.executemany(
                        "INSERT INTO applied_progress (update_id, body) VALUES (?, ?)",
                        [(u.update_id, u.canonical()) for u in fresh],
                    )
                ctx.use_dataset(dataset)
            return {
                "applied": [u.update_id for u in fresh],
                "duplicates": sorted(stored),
                "orders": sorted({u.order_id for u in fresh}),
            }

    def apply(self, ctx: ToolContext, events: list[TxnEvent]) -> dict[str, list[str]]:
        """Apply a batch: {"applied": [...], "duplicates": [...]} or an EventError."""
        with self._lock:
            problems = []
            seen: dict[str, str] = {}
            snapshot = self._snapshot(ctx)
            for n, event in enumerate(events):
                problems += [
                    f"event {n} ({event.txn_id}): {p}"
                    for p in _problems(event, ctx.dataset, snapshot)
                ]
                if seen.get(event.txn_id, event.canonical()) != event.canonical():
                    problems.append(
                        f"event {n} ({event.txn_id}): txn_id repeated with other content"
                    )
                seen[event.txn_id] = event.canonical()
            if problems:
                raise EventError("; ".join(problems))
            stored = self._stored(list(seen))
            for txn_id, body in stored.items():
                if body != seen[txn_id]:
                    raise EventConflict(f"txn_id {txn_id} was already applied with other content")
            asked = list(set(seen) - set(stored))
            txn_ids = ctx.dataset.transactions["txn_id"]
            # isin, not a set of the whole ledger: that took ~0.1 s a batch at scale 1.
            in_dataset = set(txn_ids[txn_ids.isin(asked)])
            if in_dataset:
                raise EventConflict(
                    f"txn_id {', '.join(sorted(in_dataset))} is already in the dataset"
                )
            fresh = [e for e in {e.txn_id: e for e in events}.values() if e.txn_id not in stored]
            newest = ctx.dataset.as_of
            late = [e.txn_id for e in fresh if pd.Timestamp(e.naive_ts()) < newest]
            if fresh:
                dataset = updated_dataset(ctx.dataset, fresh)  # may refuse: nothing written yet
                with self._conn:
                    self._conn.executemany(
                        "INSERT INTO applied_event (txn_id, body) VALUES (?, ?)",
                        [(e.txn_id, e.canonical()) for e in fresh],
                    )
                ctx.use_dataset(dataset)
            return {
                "applied": [e.txn_id for e in fresh],
                "duplicates": sorted(stored),
                "late": late,
            }

    def _stored(self, txn_ids: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for txn_id in txn_ids:
            row = self._conn.execute(
                "SELECT body FROM applied_event WHERE txn_id = ?", (txn_id,)
            ).fetchone()
            if row:
                found[txn_id] = row[0]
        return found

    def close(self) -> None:
        self._conn.close()
