"""Production order progress in real time (MES stage scans): an order starts a stage, is
completed or cancelled. Validated as a batch, applied to the in-memory `production_orders`
and `order_progress` tables all or nothing, persisted and replayed by `EventStore` like
stock movements. The alert engine then re-plans the components of the orders it moved: a
stage started early brings its components' need forward, a stalled order pushes it back."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Literal

import pandas as pd
from pydantic import BaseModel, Field, model_validator

from stockwise.assistant.service.limits import CleanStr
from stockwise.tools.dataset.frames import coerce_table
from stockwise.tools.dataset.model import Dataset

CLOSED = ("completed", "cancelled")


class ProgressUpdate(BaseModel):
    """One order's move: `stage_seq` started at `ts` (the stage before it finishes then),
    and/or a new `status` (`completed` finishes the current stage)."""

    update_id: CleanStr = Field(min_length=1, max_length=128)
    order_id: CleanStr = Field(min_length=1, max_length=128)
    ts: datetime
    stage_seq: int | None = Field(default=None, ge=1, le=10_000)
    status: Literal["released", "in_progress", "completed", "cancelled"] | None = None

    @model_validator(mode="after")
    def _something(self) -> ProgressUpdate:
        if self.stage_seq is None and self.status is None:
            raise ValueError("a progress update names a stage_seq started or a new status")
        return self

    def naive_ts(self) -> datetime:
        return self.ts.replace(tzinfo=None)

    def canonical(self) -> str:
        body = self.model_dump(mode="json")
        body["ts"] = self.naive_ts().isoformat()
        return json.dumps(body, sort_keys=True)


def progress_problems(dataset: Dataset, updates: list[ProgressUpdate]) -> list[str]:
    """What is wrong with each update, against the orders as they stand and the updates
    before it in the batch: unknown order or stage, a closed order, or an update out of
    order (a stage at or before the one reached, or a time before the last recorded)."""
    orders = dataset.production_orders.set_index("order_id")
    progress = dataset.order_progress
    routings = dataset.routings
    found: list[str] = []
    reached: dict[str, tuple[int, pd.Timestamp | None, str]] = {}
    for n, u in enumerate(updates):
        where = f"update {n} ({u.update_id})"
        if u.order_id not in orders.index:
            found.append(f"{where}: no production order {u.order_id!r}")
            continue
        order = orders.loc[u.order_id]
        if u.order_id not in reached:
            mine = progress[progress["order_id"] == u.order_id]
            last_seq = int(mine["stage_seq"].max()) if len(mine) else 0
            stamps = pd.concat([mine["started_at"], mine["finished_at"]]).dropna()
            last_ts = stamps.max() if len(stamps) else order.get("released_at")
            reached[u.order_id] = (last_seq, last_ts, str(order["status"]))
        last_seq, last_ts, status = reached[u.order_id]
        ts = pd.Timestamp(u.naive_ts())
        if status in CLOSED:
            found.append(f"{where}: order {u.order_id} is {status}; it moves no more")
            continue
        if last_ts is not None and pd.notna(last_ts) and ts < last_ts:
            found.append(
                f"{where}: ts {ts} is before order {u.order_id}'s last recorded progress "
                f"({last_ts}); send progress in the order it happened"
            )
            continue
        if u.stage_seq is not None:
            stages = routings[routings["product_item_id"] == order["product_item_id"]]
            if len(stages) and u.stage_seq not in set(stages["stage_seq"].astype(int)):
                found.append(
                    f"{where}: product {order['product_item_id']} has no stage {u.stage_seq} "
                    f"(stages {', '.join(map(str, sorted(stages['stage_seq'].astype(int))))})"
                )
                continue
            if u.stage_seq <= last_seq:
                found.append(
                    f"{where}: order {u.order_id} already reached stage {last_seq}; a stage at "
                    "or before it cannot start again (out of order?)"
                )
                continue
            last_seq = u.stage_seq
        reached[u.order_id] = (last_seq, ts, u.status or "in_progress")
    return found


def updated_orders(dataset: Dataset, updates: list[ProgressUpdate]) -> Dataset:
    """A new dataset with `updates` applied to production_orders and order_progress (the
    caller has checked them with `progress_problems`)."""
    orders = dataset.production_orders.copy()
    progress = dataset.order_progress.copy()
    names = dataset.routings.set_index(["product_item_id", "stage_seq"])["stage"]
    names = names[~names.index.duplicated()]
    for u in updates:
        ts = pd.Timestamp(u.naive_ts())
        at = orders.index[orders["order_id"] == u.order_id][0]
        product = orders.at[at, "product_item_id"]
        mine = progress["order_id"] == u.order_id
        open_stage = mine & progress["finished_at"].isna()
        if u.stage_seq is not None or u.status == "completed":
            progress.loc[open_stage, "finished_at"] = ts
        if u.stage_seq is not None:
            row = {
                "order_id": u.order_id,
                "stage_seq": u.stage_seq,
                "stage": names.get((product, u.stage_seq), f"stage {u.stage_seq}"),
                "started_at": ts,
                "finished_at": pd.NaT,
            }
            progress = pd.concat([progress, pd.DataFrame([row])], ignore_index=True)
        status = u.status or ("in_progress" if u.stage_seq is not None else None)
        if status is not None:
            orders["status"] = orders["status"].astype(object)
            orders.at[at, "status"] = status
        if status in ("released", "in_progress") and pd.isna(orders.at[at, "released_at"]):
            orders.at[at, "released_at"] = ts
        if status == "completed":
            orders.at[at, "completed_at"] = ts
    tables = {
        **dataset.tables,
        "production_orders": coerce_table("production_orders", orders),
        "order_progress": coerce_table("order_progress", progress),
    }
    return dataclasses.replace(dataset, tables=tables)
