"""Anomaly detectors over the ledger. Each reads the dataset (and, for MRO-in-BOM, the set of
MRO items) and returns `Finding`s carrying the rows that show the problem, a severity and the
money at stake. The per item/site figures they share come from one `Ledger`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.tools.anomalies.finding import Finding
from stockwise.tools.anomalies.ledger import Ledger
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.dataset.schema import DEMAND_TXN_TYPES

MAX_EVIDENCE_ROWS = 10
# Stock worth less than this (in the dataset's currency) is not raised on its own as dead or
# excess: a write-off or return review starts above it; idle stock below it is summarised.
MIN_STOCK_VALUE = 1_000.0


def _rows(frame: pd.DataFrame, limit: int = MAX_EVIDENCE_ROWS) -> list[dict]:
    head = frame.head(limit).copy()
    for col in head.columns:
        if pd.api.types.is_datetime64_any_dtype(head[col]):
            head[col] = head[col].dt.strftime("%Y-%m-%d %H:%M")
        elif isinstance(head[col].dtype, pd.CategoricalDtype):
            head[col] = head[col].astype(object)
    return head.astype(object).where(head.notna(), None).to_dict("records")


def _severity(value: float, high: float, medium: float) -> str:
    return "high" if value >= high else "medium" if value >= medium else "low"


def _costs(ds: Dataset) -> pd.Series:
    return ds.items.drop_duplicates("item_id").set_index("item_id")["unit_cost"].fillna(0.0)


def _by_item(rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    if rows.empty:
        return {}
    return {str(k): g for k, g in rows.groupby(rows["item_id"].astype(object), sort=False)}


def _records_by(
    frame: pd.DataFrame, key: str, limit: int | None = MAX_EVIDENCE_ROWS, last: bool = False
) -> dict[str, list[dict]]:
    """Each key's evidence records (its first or last `limit` rows, in frame order), converted
    in one pass rather than one small frame per finding."""
    if frame.empty:
        return {}
    if limit is not None:
        grouped = frame.groupby(frame[key].astype(object), sort=False)
        frame = grouped.tail(limit) if last else grouped.head(limit)
    out: dict[str, list[dict]] = {}
    for k, record in zip(frame[key].astype(object), _rows(frame, len(frame)), strict=True):
        out.setdefault(str(k), []).append(record)
    return out


def mro_in_bom(ds: Dataset, mro_items: set[str], ledger: Ledger | None = None) -> list[Finding]:
    """An MRO item (tool, glove, lubricant ...) listed as a component of production BOMs: one
    finding per item, naming every BOM it sits in."""
    rows = ds.boms[ds.boms["component_item_id"].isin(mro_items)]
    if rows.empty:
        return []
    ledger = ledger or Ledger(ds)
    cost = _costs(ds)
    issued = ledger.rows_of(rows["component_item_id"].unique())
    issued = issued[issued["txn_type"] == "issue_production"]
    issued_by_item = _by_item(issued)
    out = []
    for item_id, bom in rows.groupby("component_item_id", sort=True):
        to_prod = issued_by_item.get(str(item_id), issued.iloc[0:0])
        parents = list(dict.fromkeys(bom["parent_item_id"]))
        # The parent whose orders drew it most is the BOM to correct first.
        if len(to_prod):
            orders = ds.production_orders
            drawn = orders[orders["order_id"].isin(to_prod["ref_id"])]["product_item_id"]
            counts = drawn.value_counts()
            parents.sort(key=lambda p: -counts.get(p, 0))
        value = float(-to_prod["qty"].sum() * cost.get(item_id, 0.0))
        where = (
            f"the BOM of {parents[0]}"
            if len(parents) == 1
            else f"the BOMs of {len(parents)} products ({', '.join(parents[:5])}"
            + (", ..." if len(parents) > 5 else "")
            + ")"
        )
        out.append(
            Finding(
                kind="mro_in_bom",
                item_id=str(item_id),
                ref_id=parents[0],
                related_ids=parents,
                severity="high" if len(to_prod) else "medium",
                value_at_stake=round(value, 2),
                summary=(
                    f"MRO item {item_id} is a component of {where}; {len(to_prod)} issues of it "
                    "were booked to production orders, so its cost lands in product cost and "
                    "its stock is planned as material"
                ),
                evidence_rows=_rows(bom, 5) + _rows(to_prod, 5),
            )
        )
    return out


def dual_use(
    ds: Dataset, min_share: float = 0.01, min_issues: int = 3, ledger: Ledger | None = None
) -> list[Finding]:
    """An item issued both to production orders and to maintenance work orders."""
    ledger = ledger or Ledger(ds)
    counts = pd.DataFrame(
        {k: ledger.count(k) for k in ("issue_production", "issue_maintenance")}
    ).astype(int)
    if counts.empty:
        return []
    minority = counts.min(axis=1)
    share = minority / counts.sum(axis=1).clip(lower=1)
    hits = counts[(minority >= min_issues) & (share >= min_share)]
    cost = _costs(ds)
    issues = ledger.rows_of(hits.index)
    issues = issues[issues["txn_type"].isin(["issue_production", "issue_maintenance"])]
    mine_by_item = _by_item(issues)
    out = []
    for item_id, row in hits.iterrows():
        mine = mine_by_item[str(item_id)]
        value = float(-mine["qty"].sum() * cost.get(item_id, 0.0))
        out.append(
            Finding(
                kind="dual_use",
                item_id=str(item_id),
                severity=_severity(value, 50_000, 5_000),
                value_at_stake=round(value, 2),
                summary=(
                    f"{item_id} is consumed by production ({row['issue_production']} issues) and "
                    f"by maintenance ({row['issue_maintenance']} issues): one stock serves two "
                    "planners, so neither plan sees the other's demand"
                ),
                evidence_rows=_rows(
                    mine.groupby("txn_type", group_keys=False, observed=True).head(5)
                ),
            )
        )
    return out


def count_variances(
    ds: Dataset, threshold_pct: float, ledger: Ledger | None = None
) -> list[Finding]:
    """On hand differs from the book balance by more than `threshold_pct` (and one unit)."""
    ledger = ledger or Ledger(ds)
    frame = ledger.balances
    base = frame[["on_hand_qty", "book_balance"]].abs().max(axis=1)
    hits = frame[(frame["variance"].abs() > np.maximum(threshold_pct * base, 1.0))]
    cost = _costs(ds)
    recent = _by_item(ledger.rows_of(hits["item_id"]))
    cols = ["item_id", "site_id", "on_hand_qty", "book_balance", "variance", "n_txn"]
    out = []
    for row in hits.itertuples(index=False):
        value = abs(row.variance) * float(cost.get(row.item_id, 0.0))
        mine = recent.get(str(row.item_id), ledger.txn.iloc[0:0])
        mine = mine[mine["site_id"] == row.site_id]
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
                evidence_rows=[{c: getattr(row, c) for c in cols}] + _rows(mine.tail(5)),
            )
        )
    return out


def negative_books(ds: Dataset, ledger: Ledger | None = None) -> list[Finding]:
    """The running book balance went below zero: stock was issued that was never booked in."""
    ledger = ledger or Ledger(ds)
    frame = ledger.balances
    hits = frame[frame["lowest_balance"] < 0]
    cost = _costs(ds)
    moves = _by_item(ledger.rows_of(hits["item_id"]))
    cols = ["item_id", "site_id", "lowest_balance", "lowest_at", "book_balance", "on_hand_qty"]
    out = []
    for row in hits.itertuples(index=False):
        value = -row.lowest_balance * float(cost.get(row.item_id, 0.0))
        mine = moves.get(str(row.item_id), ledger.txn.iloc[0:0])
        # The postings that took the balance down, up to the moment it was lowest.
        mine = mine[(mine["site_id"] == row.site_id) & (mine["ts"] <= row.lowest_at)]
        out.append(
            Finding(
                kind="negative_book",
                item_id=row.item_id,
                ref_id=row.site_id,
                severity=_severity(value, 10_000, 1_000),
                value_at_stake=round(value, 2),
                summary=(
                    f"{row.item_id} at {row.site_id}: the book balance fell to "
                    f"{row.lowest_balance:g} on {row.lowest_at:%Y-%m-%d}; issues were booked "
                    "before the stock arrived"
                ),
                evidence_rows=_rows(pd.DataFrame([{c: getattr(row, c) for c in cols}]))
                + _rows(mine.tail(5)),
            )
        )
    return out


def demand_spikes(
    ds: Dataset,
    factor: float = 3.0,
    min_weeks: int = 26,
    clearance: float = 2.0,
    ledger: Ledger | None = None,
) -> list[Finding]:
    """A burst of demand for an item at a site far outside its own history: a week above
    `factor` x its median week and above `clearance` x every week outside the burst. A burst
    may straddle two calendar weeks (orders taken late in one week ship early the next), so
    the weeks right before and after it are not held against it."""
    ledger = ledger or Ledger(ds)
    weekly = ledger.weekly_demand
    if weekly.empty:
        return []
    keys = ["item_id", "site_id"]
    pair = weekly["pair"].to_numpy()
    by_pair = weekly.groupby("pair", sort=False)["demand"]
    weekly = weekly.assign(weeks=by_pair.transform("size"), median=by_pair.transform("median"))
    candidates = weekly[
        (weekly["weeks"] >= min_weeks) & (weekly["demand"] > factor * weekly["median"])
    ]
    if candidates.empty:
        return []
    # Each candidate pair's four largest weeks: whatever the burst's three weeks, the largest
    # week outside it is among them.
    top = weekly[np.isin(pair, candidates["pair"].to_numpy())]
    top = top.sort_values("demand", ascending=False).groupby("pair").head(4)
    pairs = candidates.merge(top[["pair", "week", "demand"]], on="pair", suffixes=("", "_other"))
    gap = (pairs["week_other"] - pairs["week"]).abs()
    pairs = pairs[gap > pd.Timedelta(days=7)]
    outside = pairs.groupby(["pair", "week"])["demand_other"].max()
    hits = candidates.join(outside.rename("outside_max"), on=["pair", "week"])
    hits = hits[hits["demand"] > clearance * hits["outside_max"].fillna(0)]
    # One finding per burst: its largest week.
    hits = hits.sort_values("demand", ascending=False).drop_duplicates(keys)
    hits = hits.assign(explained_by=_passed_down(ds, hits))
    drawn = hits[hits["explained_by"].notna()].groupby("explained_by")["item_id"].agg(list)
    hits = hits[hits["explained_by"].isna()]
    cost = _costs(ds)
    dem = ledger.rows_of(hits["item_id"])
    moves = _by_item(dem[dem["txn_type"].isin(DEMAND_TXN_TYPES)])
    out = []
    for row in hits.itertuples(index=False):
        excess = row.demand - row.median
        value = excess * float(cost.get(row.item_id, 0.0))
        end = row.week + pd.Timedelta(days=7)
        mine = moves[str(row.item_id)]
        rows = mine[
            (mine["site_id"] == row.site_id) & (mine["ts"] >= row.week) & (mine["ts"] < end)
        ]
        below = [str(c) for c in drawn.get(row.item_id, [])]
        out.append(
            Finding(
                kind="demand_spike",
                item_id=row.item_id,
                ref_id=row.site_id,
                related_ids=below,
                severity=_severity(value, 20_000, 2_000),
                value_at_stake=round(value, 2),
                summary=(
                    f"{row.item_id} at {row.site_id}: demand of {row.demand:,.0f} in the week of "
                    f"{row.week.date()} vs a usual week of {row.median:,.0f} and at most "
                    f"{row.outside_max:,.0f} in any week outside the burst ({row.weeks} weeks "
                    "with demand)"
                    + (
                        f"; it drew {', '.join(below)} from its BOM with it, whose spikes are "
                        "this one passed down"
                        if below
                        else ""
                    )
                ),
                evidence_rows=_rows(rows.sort_values("qty")),
            )
        )
    return out


def _passed_down(ds: Dataset, hits: pd.DataFrame, window_days: int = 14) -> list[str | None]:
    """For each spike, the spike of a product above it in the BOMs (same site, within
    `window_days`) that explains it: making more of the product drew more of its parts."""
    parents = ds.boms.groupby("component_item_id")["parent_item_id"].agg(list).to_dict()
    weeks = {(r.item_id, r.site_id): r.week for r in hits.itertuples(index=False)}
    window = pd.Timedelta(days=window_days)
    explained: list[str | None] = []
    for row in hits.itertuples(index=False):
        frontier, seen, found = list(parents.get(row.item_id, [])), set(), None
        while frontier and found is None:
            parent = frontier.pop()
            if parent in seen:
                continue
            seen.add(parent)
            week = weeks.get((parent, row.site_id))
            if week is not None and abs(week - row.week) <= window:
                found = parent
            frontier.extend(parents.get(parent, []))
        explained.append(found)
    # Follow chains to the spike nothing explains (dough -> croissant -> box of croissants).
    root = dict(zip(hits["item_id"], explained, strict=True))
    out: list[str | None] = []
    for item in explained:
        hops = 0
        while item is not None and root.get(item) is not None and hops < len(root):
            item, hops = root[item], hops + 1
        out.append(item)
    return out
