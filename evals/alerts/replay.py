"""The demo plant as it stood 90 days before its snapshot, and the days after it as the
service would receive them: movements as `POST /api/events` batches (one a day, through the
real `EventStore`), the buyer's purchase orders as the ERP would report them when placed,
and production orders' progress as of each day.

What the demo's ledger does not say is reconstructed, and said here: a receipt that leaves
the day's closing stock under one unit was an emergency (the demo's buyer expedites a
shortfall that morning), placed that day; those emergency days with an issue at the pair
are the stockouts (an emergency with no issue that day followed a count adjustment: no
demand was lost). A regular
purchase order was placed no later than the first receipt of any order numbered after it
(`_placed_on`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stockwise.assistant.service.events import TxnEvent
from stockwise.tools.dataset.frames import coerce_table
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.replenish.items import item_site_facts

REPLAY_DAYS = 90
EMPTY_BELOW = 1.0  # closing stock under one unit: the day's demand was not met from stock


def orders_at(full: Dataset, t: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    """production_orders and order_progress as they stood at `t`."""
    orders = full.production_orders.copy()
    orders = orders[orders["released_at"].isna() | (orders["released_at"] <= t)]
    progress = full.order_progress[full.order_progress["started_at"] <= t].copy()
    progress.loc[progress["finished_at"] > t, "finished_at"] = pd.NaT
    done_later = orders["completed_at"] > t
    started = orders["order_id"].isin(progress["order_id"])
    orders.loc[done_later & started, "status"] = "in_progress"
    orders.loc[done_later & ~started, "status"] = "released"
    orders.loc[done_later, "completed_at"] = pd.NaT
    return orders.reset_index(drop=True), progress.reset_index(drop=True)


def with_orders_at(ds: Dataset, full: Dataset, t: pd.Timestamp) -> Dataset:
    orders, progress = orders_at(full, t)
    tables = {
        **ds.tables,
        "production_orders": coerce_table("production_orders", orders),
        "order_progress": coerce_table("order_progress", progress),
    }
    return dataclasses.replace(ds, tables=tables)


@dataclass
class Replay:
    start: Dataset  # the plant at the cut
    cut: pd.Timestamp
    days: list[pd.Timestamp]
    batches: dict[pd.Timestamp, list[TxnEvent]]
    purchases: pd.DataFrame  # po_id, item_id, site_id, qty, due_date, placed_on
    closing: pd.DataFrame  # item_id, site_id, day, closing (book stock at the day's end)
    stockouts: pd.DataFrame  # item_id, site_id, day
    emptied: pd.DataFrame  # item_id, site_id, day: emptied by a count, with no demand lost
    facts: pd.DataFrame  # item_site_facts at the cut (criticality, lead time, reorder point)


def _closing(txns: pd.DataFrame, opening: pd.Series, days: list[pd.Timestamp]) -> pd.DataFrame:
    """Book stock at each day's end, for every pair with an opening balance or a movement."""
    net = (
        txns.assign(day=txns["ts"].dt.normalize())
        .groupby(["item_id", "site_id", "day"], observed=True)["qty"]
        .sum()
    )
    grid = net.unstack("day", fill_value=0.0).reindex(columns=days, fill_value=0.0)
    grid = grid.reindex(grid.index.union(opening.index), fill_value=0.0)
    stock = grid.cumsum(axis=1).add(opening.reindex(grid.index, fill_value=0.0), axis=0)
    out = stock.stack().rename("closing").reset_index()
    return out.rename(columns={"level_2": "day"})


def _episodes(receipts: pd.DataFrame, emergency: pd.Series) -> pd.DataFrame:
    """The first day of each stockout: emergency days of a pair with no regular receipt
    between them are one shortage, the buyer expediting it day after day."""
    marked = receipts.assign(emergency=emergency.to_numpy()).sort_values(
        ["item_id", "site_id", "day"]
    )
    regular = (
        (~marked["emergency"]).astype(int).groupby([marked["item_id"], marked["site_id"]]).cumsum()
    )
    first = marked[marked["emergency"]].assign(after=regular[marked["emergency"]])
    first = first.drop_duplicates(["item_id", "site_id", "after"])
    return first[["item_id", "site_id", "day"]].reset_index(drop=True)


def _placed_on(
    txns: pd.DataFrame, marked: pd.DataFrame, emergency: pd.Series, facts: pd.DataFrame
) -> np.ndarray:
    """The day each purchase order of `marked` was placed. An emergency was placed the day
    it arrived. The ERP numbers purchase orders in the order they are placed, so a regular
    one was placed no later than the first receipt of any order numbered after it (and at
    least a day before its own): the latest day the numbering allows, so the replay never
    tells of an order before it existed. The demo's actual lead times vary about the
    nominal one (+-25%), which is why a receipt less the nominal lead time is not used
    (it dated orders up to weeks late or early); it is the fallback where the numbers do not
    parse."""
    day = marked["day"].to_numpy(dtype="datetime64[ns]")
    receipts = txns[(txns["txn_type"] == "receipt") & (txns["ref_type"] == "purchase_order")]
    numbers = receipts["ref_id"].astype(str).str.extract(r"(\d+)$")[0]
    if numbers.isna().any() or not len(receipts):
        lead = facts.set_index(["item_id", "site_id"])["lead_time_days"]
        pair = pd.MultiIndex.from_frame(marked[["item_id", "site_id"]])
        nominal = np.nan_to_num(lead.reindex(pair).to_numpy(dtype=float), nan=14.0)
        placed = day - pd.to_timedelta(nominal, unit="D").to_numpy()
        return np.where(emergency, day, placed).astype("datetime64[ns]")
    by_number = (
        pd.DataFrame(
            {"n": numbers.astype(np.int64).to_numpy(), "day": receipts["ts"].dt.normalize()}
        )
        .groupby("n")["day"]
        .min()
        .sort_index()
    )
    # The first receipt of any order numbered after each one (NaT for the last).
    later = by_number[::-1].cummin()[::-1].shift(-1)
    mine = marked["ref_id"].astype(str).str.extract(r"(\d+)$")[0].astype(np.int64).to_numpy()
    bound = later.reindex(mine).to_numpy(dtype="datetime64[ns]")
    # A day's emergencies are numbered before its regular orders, so an order numbered
    # before an emergency was placed at the latest the day before that emergency.
    anchors = np.sort(mine[emergency.to_numpy(dtype=bool)])
    anchor_day = pd.Series(
        day[emergency.to_numpy(dtype=bool)], index=mine[emergency.to_numpy(dtype=bool)]
    )
    after = np.searchsorted(anchors, mine, side="right")
    has_next = after < len(anchors)
    next_day = np.full(len(mine), np.datetime64("NaT"), dtype="datetime64[ns]")
    next_day[has_next] = anchor_day.reindex(anchors[after[has_next]]).to_numpy(
        dtype="datetime64[ns]"
    )
    before_next = next_day - np.timedelta64(1, "D")
    bound = np.where(np.isnat(bound) | (before_next < bound), before_next, bound)
    before_own = day - np.timedelta64(1, "D")
    regular = np.where(np.isnat(bound), before_own, np.minimum(bound, before_own))
    return np.where(emergency, day, regular).astype("datetime64[ns]")


def _issued_within_a_day(txns: pd.DataFrame, receipts: pd.DataFrame) -> np.ndarray:
    """For each receipt: was anything issued at its pair in the day after it (the day's
    demand the receipt was expedited for)?"""
    issued = txns[txns["txn_type"].astype(str).str.startswith("issue")]
    issued = issued[["item_id", "site_id", "ts"]].rename(columns={"ts": "issued_at"})
    mine = receipts[["item_id", "site_id", "ts"]].reset_index(drop=True).reset_index()
    mine = mine.sort_values("ts")
    found = pd.merge_asof(
        mine,
        issued.sort_values("issued_at"),
        left_on="ts",
        right_on="issued_at",
        by=["item_id", "site_id"],
        direction="forward",
        tolerance=pd.Timedelta(days=1),
    )
    issued_after = found.set_index("index")["issued_at"].notna()
    return issued_after.reindex(receipts.reset_index(drop=True).index).to_numpy()


def build(full: Dataset) -> Replay:
    cut = full.as_of.normalize() - pd.Timedelta(days=REPLAY_DAYS)
    txns = full.transactions
    before, after = txns[txns["ts"] < cut], txns[txns["ts"] >= cut].sort_values("ts")
    before = before.assign(
        item_id=before["item_id"].astype(str), site_id=before["site_id"].astype(str)
    )
    after = after.assign(item_id=after["item_id"].astype(str), site_id=after["site_id"].astype(str))
    book = before.groupby(["item_id", "site_id"])["qty"].sum()
    levels = full.stock_levels.copy()
    keys = pd.MultiIndex.from_frame(levels[["item_id", "site_id"]].astype(str))
    # The book at the cut: the snapshot's counted variances happen later, not in the replay.
    levels["on_hand_qty"] = np.maximum(book.reindex(keys, fill_value=0.0).to_numpy(), 0.0)
    levels["as_of"] = cut
    tables = {
        **full.tables,
        "transactions": coerce_table("transactions", before),
        "stock_levels": coerce_table("stock_levels", levels),
    }
    start = with_orders_at(dataclasses.replace(full, tables=tables), full, cut)
    days = list(pd.date_range(cut, full.as_of.normalize(), freq="D"))
    opening = book.reindex(book.index.union(keys), fill_value=0.0)
    closing = _closing(after, opening, days)
    facts = item_site_facts(start)
    receipts = after[(after["txn_type"] == "receipt") & (after["ref_type"] == "purchase_order")]
    receipts = receipts.assign(day=receipts["ts"].dt.normalize())
    marked = receipts.merge(closing, on=["item_id", "site_id", "day"], how="left")
    emergency = marked["closing"] < EMPTY_BELOW
    marked["placed_on"] = _placed_on(txns, marked, emergency, facts)
    purchases = marked.rename(columns={"ref_id": "po_id", "day": "due_date"})[
        ["po_id", "item_id", "site_id", "qty", "due_date", "placed_on"]
    ]
    # A stockout is demand the shelf could not meet: an emergency on a day with no issue at
    # the pair (a count adjustment found the stock gone) lost no demand, and no projection
    # of movements could foresee a miscount; those days are kept apart (`emptied`).
    demand = _issued_within_a_day(after, marked)
    stockouts = _episodes(marked, emergency & demand)
    emptied = _episodes(marked, emergency & ~demand)
    batches: dict[pd.Timestamp, list[TxnEvent]] = {}
    for row in after.itertuples():
        batches.setdefault(row.ts.normalize(), []).append(
            TxnEvent(
                txn_id=row.txn_id,
                ts=row.ts.to_pydatetime(),
                item_id=row.item_id,
                site_id=row.site_id,
                qty=row.qty,
                txn_type=str(row.txn_type),
                ref_type=None if pd.isna(row.ref_type) else str(row.ref_type),
                ref_id=None if pd.isna(row.ref_id) else str(row.ref_id),
            )
        )
    return Replay(
        start=start,
        cut=cut,
        days=days,
        batches=batches,
        purchases=purchases.reset_index(drop=True),
        closing=closing,
        stockouts=stockouts,
        emptied=emptied,
        facts=facts,
    )
