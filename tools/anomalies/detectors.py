"""Anomaly detectors. Each reads the dataset (and, for MRO-in-BOM, the set of MRO items) and
returns `Finding`s carrying the rows that show the problem, a severity and the money at stake.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from tools.dataset.model import Dataset
from tools.dataset.schema import DEMAND_TXN_TYPES

MAX_EVIDENCE_ROWS = 10


class Finding(BaseModel):
    kind: str
    item_id: str | None = None
    ref_id: str | None = Field(default=None, description="site, parent item or twin item id")
    severity: str = Field(description="high, medium or low")
    value_at_stake: float = Field(description="money the finding puts at risk")
    summary: str
    evidence_rows: list[dict] = Field(default_factory=list)


def _rows(frame: pd.DataFrame) -> list[dict]:
    head = frame.head(MAX_EVIDENCE_ROWS).copy()
    for col in head.columns:
        if pd.api.types.is_datetime64_any_dtype(head[col]):
            head[col] = head[col].dt.strftime("%Y-%m-%d %H:%M")
    return head.astype(object).where(head.notna(), None).to_dict("records")


def _severity(value: float, high: float, medium: float) -> str:
    return "high" if value >= high else "medium" if value >= medium else "low"


def _costs(ds: Dataset) -> pd.Series:
    return ds.items.drop_duplicates("item_id").set_index("item_id")["unit_cost"].fillna(0.0)


def mro_in_bom(ds: Dataset, mro_items: set[str]) -> list[Finding]:
    """An MRO item (tool, glove, lubricant ...) listed as a component of a production BOM."""
    rows = ds.boms[ds.boms["component_item_id"].isin(mro_items)]
    if rows.empty:
        return []
    cost = _costs(ds)
    txn = ds.transactions
    issued = txn[(txn["txn_type"] == "issue_production") & txn["item_id"].isin(mro_items)]
    out = []
    for (item_id, parent), bom in rows.groupby(["component_item_id", "parent_item_id"]):
        to_prod = issued[issued["item_id"] == item_id]
        value = float(-to_prod["qty"].sum() * cost.get(item_id, 0.0))
        out.append(
            Finding(
                kind="mro_in_bom",
                item_id=item_id,
                ref_id=parent,
                severity="high" if len(to_prod) else "medium",
                value_at_stake=round(value, 2),
                summary=(
                    f"MRO item {item_id} is a component of the BOM of {parent}; "
                    f"{len(to_prod)} issues of it were booked to production orders, so its cost "
                    "lands in product cost and its stock is planned as material"
                ),
                evidence_rows=_rows(bom) + _rows(to_prod.sort_values("ts")),
            )
        )
    return out


def dual_use(ds: Dataset, min_share: float = 0.01, min_issues: int = 3) -> list[Finding]:
    """An item issued both to production orders and to maintenance work orders."""
    txn = ds.transactions
    issues = txn[txn["txn_type"].isin(["issue_production", "issue_maintenance"])]
    counts = issues.groupby(["item_id", "txn_type"], observed=True).size().unstack(fill_value=0)
    if not {"issue_production", "issue_maintenance"} <= set(counts.columns):
        return []
    minority = counts.min(axis=1)
    share = minority / counts.sum(axis=1)
    hits = counts[(minority >= min_issues) & (share >= min_share)]
    cost = _costs(ds)
    out = []
    for item_id, row in hits.iterrows():
        mine = issues[issues["item_id"] == item_id]
        value = float(-mine["qty"].sum() * cost.get(item_id, 0.0))
        out.append(
            Finding(
                kind="dual_use",
                item_id=item_id,
                severity=_severity(value, 50_000, 5_000),
                value_at_stake=round(value, 2),
                summary=(
                    f"{item_id} is consumed by production ({row['issue_production']} issues) and "
                    f"by maintenance ({row['issue_maintenance']} issues): one stock serves two "
                    "planners, so neither plan sees the other's demand"
                ),
                evidence_rows=_rows(
                    mine.sort_values("ts")
                    .groupby("txn_type", group_keys=False, observed=True)
                    .head(5)
                ),
            )
        )
    return out


def book_balances(ds: Dataset) -> pd.DataFrame:
    """Per item and site: book balance at as_of, lowest running balance, on hand, variance."""
    txn = ds.transactions
    txn = txn[txn["ts"] <= ds.as_of]
    ordered = txn.sort_values(["item_id", "site_id", "ts", "qty"], ascending=[1, 1, 1, 0])
    running = ordered.groupby(["item_id", "site_id"], sort=False, observed=True)["qty"].cumsum()
    book = (
        ordered.assign(running=running)
        .groupby(["item_id", "site_id"], observed=True)
        .agg(book_balance=("qty", "sum"), lowest_balance=("running", "min"), n_txn=("qty", "size"))
    )
    stock = ds.stock_levels.set_index(["item_id", "site_id"])["on_hand_qty"]
    frame = book.join(stock, how="outer")
    frame[["book_balance", "n_txn"]] = frame[["book_balance", "n_txn"]].fillna(0)
    frame["on_hand_qty"] = frame["on_hand_qty"].fillna(0)
    frame["lowest_balance"] = frame["lowest_balance"].fillna(0)
    frame["variance"] = frame["on_hand_qty"] - frame["book_balance"]
    return frame.reset_index()


def count_variances(ds: Dataset, threshold_pct: float, balances=None) -> list[Finding]:  # type: ignore[no-untyped-def]
    """On hand differs from the book balance by more than `threshold_pct` (and one unit)."""
    frame = book_balances(ds) if balances is None else balances
    base = frame[["on_hand_qty", "book_balance"]].abs().max(axis=1)
    hits = frame[(frame["variance"].abs() > np.maximum(threshold_pct * base, 1.0))]
    cost = _costs(ds)
    out = []
    for row in hits.itertuples(index=False):
        value = abs(row.variance) * float(cost.get(row.item_id, 0.0))
        txn = ds.transactions
        mine = txn[(txn["item_id"] == row.item_id) & (txn["site_id"] == row.site_id)]
        out.append(
            Finding(
                kind="count_variance",
                item_id=row.item_id,
                ref_id=row.site_id,
                severity=_severity(value, 10_000, 1_000),
                value_at_stake=round(value, 2),
                summary=(
                    f"{row.item_id} at {row.site_id}: {row.on_hand_qty:g} on hand but the book "
                    f"balance is {row.book_balance:g} (variance {row.variance:+g})"
                ),
                evidence_rows=[row._asdict()] + _rows(mine.sort_values("ts").tail(5)),
            )
        )
    return out


def negative_books(ds: Dataset, balances=None) -> list[Finding]:  # type: ignore[no-untyped-def]
    """The running book balance went below zero: stock was issued that was never booked in."""
    frame = book_balances(ds) if balances is None else balances
    hits = frame[frame["lowest_balance"] < -1e-9]
    cost = _costs(ds)
    out = []
    for row in hits.itertuples(index=False):
        value = -row.lowest_balance * float(cost.get(row.item_id, 0.0))
        out.append(
            Finding(
                kind="negative_book",
                item_id=row.item_id,
                ref_id=row.site_id,
                severity=_severity(value, 10_000, 1_000),
                value_at_stake=round(value, 2),
                summary=(
                    f"{row.item_id} at {row.site_id}: the book balance fell to "
                    f"{row.lowest_balance:g}; issues were booked before the stock arrived"
                ),
                evidence_rows=[row._asdict()],
            )
        )
    return out


def demand_spikes(ds: Dataset, factor: float = 3.0, min_weeks: int = 26) -> list[Finding]:
    """A week's demand of an item at a site far above anything in its own history."""
    txn = ds.transactions
    dem = txn[txn["txn_type"].isin(DEMAND_TXN_TYPES)]
    if dem.empty:
        return []
    week = dem["ts"].dt.to_period("W").dt.start_time.rename("week")
    weekly = (-dem["qty"]).groupby([dem["item_id"], dem["site_id"], week], observed=True).sum()
    weekly = weekly.rename("demand").reset_index()
    keys = ["item_id", "site_id"]
    grouped = weekly.groupby(keys, observed=True)["demand"]
    weekly["weeks"] = grouped.transform("size")
    weekly["median"] = grouped.transform("median")
    # The largest of the other weeks: a spike must stand clear of every other week too.
    weekly["rank"] = grouped.rank(method="first", ascending=False)
    runner_up = weekly[weekly["rank"] == 2].set_index(keys)["demand"].rename("runner_up")
    weekly = weekly.join(runner_up, on=keys)
    hits = weekly[
        (weekly["weeks"] >= min_weeks)
        & (weekly["demand"] > factor * weekly["median"])
        & (weekly["demand"] > 2.0 * weekly["runner_up"])
    ]
    cost = _costs(ds)
    out = []
    for row in hits.itertuples(index=False):
        excess = row.demand - row.median
        value = excess * float(cost.get(row.item_id, 0.0))
        end = row.week + pd.Timedelta(days=7)
        rows = dem[
            (dem["item_id"] == row.item_id)
            & (dem["site_id"] == row.site_id)
            & (dem["ts"] >= row.week)
            & (dem["ts"] < end)
        ]
        out.append(
            Finding(
                kind="demand_spike",
                item_id=row.item_id,
                ref_id=row.site_id,
                severity=_severity(value, 20_000, 2_000),
                value_at_stake=round(value, 2),
                summary=(
                    f"{row.item_id} at {row.site_id}: demand of {row.demand:g} in the week of "
                    f"{row.week.date()} vs a usual week of {row.median:g} and at most "
                    f"{row.runner_up:g} in any other of its {row.weeks} weeks with demand"
                ),
                evidence_rows=_rows(rows.sort_values("qty")),
            )
        )
    return out
