"""Detectors over stock policy and production flow: excess stock and production orders
stalled at a stage. Idle stock (dead stock and slow movers) lives in `idle.py`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.tools.anomalies.detectors import MIN_STOCK_VALUE, Finding, _costs, _rows, _severity
from stockwise.tools.anomalies.ledger import Ledger
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.dataset.schema import OPEN_ORDER_STATUSES
from stockwise.tools.stock.common import COVER_WINDOW_DAYS, demand_window
from stockwise.tools.stock.cover import cover_days
from stockwise.tools.stock.value import policy_max

# The two demand windows of the excess check: the contract's (days of cover) and a year.
CONTRACT_DAYS, YEAR_DAYS = COVER_WINDOW_DAYS, 365


def cover_table(ds: Dataset, ledger: Ledger | None = None) -> pd.DataFrame:
    """Per item: on hand across sites; average daily demand over the contract's 90-day window
    and over the last 365 days; days of cover as the contract defines it (90-day rate, the
    figure `days_of_cover` gives) and at the busier of the two rates; and the most the
    reorder policies would hold (reorder point + reorder qty, summed over sites)."""
    ledger = ledger or Ledger(ds)
    items = ds.items.drop_duplicates("item_id").set_index("item_id")
    frame = pd.DataFrame(index=items.index)
    stock = ds.stock_levels.assign(policy_max=policy_max(ds.stock_levels))
    per_item = stock.groupby("item_id", observed=True)
    frame["on_hand_qty"] = per_item["on_hand_qty"].sum().reindex(frame.index).fillna(0.0)
    frame["policy_max"] = per_item["policy_max"].sum(min_count=1).reindex(frame.index)
    for days in (CONTRACT_DAYS, YEAR_DAYS):
        demand = ledger.demand_since(days).reindex(frame.index).fillna(0.0)
        frame[f"demand_{days}d"] = demand
        frame[f"daily_demand_{days}d"] = demand / days
    on_hand = frame["on_hand_qty"].to_numpy(dtype=float)
    busier = frame[[f"daily_demand_{CONTRACT_DAYS}d", f"daily_demand_{YEAR_DAYS}d"]].max(axis=1)
    # NaN (no demand) reads as unbounded cover here: inf compares above any threshold.
    frame["days_of_cover"] = np.nan_to_num(
        cover_days(on_hand, frame[f"daily_demand_{CONTRACT_DAYS}d"].to_numpy(float)), nan=np.inf
    )
    frame["days_of_cover_at_busier_rate"] = np.nan_to_num(
        cover_days(on_hand, busier.to_numpy(float)), nan=np.inf
    )
    sup = ds.suppliers.drop_duplicates("supplier_id").set_index("supplier_id")
    frame["lead_time_days"] = items["lead_time_days"].fillna(
        items["supplier_id"].map(sup["lead_time_days"])
    )
    frame["criticality"] = items["criticality"]
    frame["unit_cost"] = items["unit_cost"].fillna(0.0)
    return frame


def excess_stock(
    ds: Dataset,
    max_cover_days: float,
    cover: pd.DataFrame | None = None,
    min_value: float = MIN_STOCK_VALUE,
) -> list[Finding]:
    """Stock that is used, but so slowly that it covers more than `max_cover_days` even at
    the busier of its 90-day and 365-day rates (one issue in a quarter is not a rate), with
    a surplus worth at least `min_value`.

    The finding states the contract's days of cover and excess (the 90-day rate: the figures
    `days_of_cover` and `slow_moving_and_excess` give) next to the surplus at the busier
    rate, which is the value at stake, and names both windows. Items with no use in a year
    are idle stock (`idle.py`), not excess; a criticality-A spare held within its reorder
    policy is insurance, not excess."""
    frame = cover_table(ds) if cover is None else cover
    daily90 = frame[f"daily_demand_{CONTRACT_DAYS}d"]
    rate = frame[[f"daily_demand_{CONTRACT_DAYS}d", f"daily_demand_{YEAR_DAYS}d"]].max(axis=1)
    surplus = frame["on_hand_qty"] - max_cover_days * rate
    surplus90 = frame["on_hand_qty"] - max_cover_days * daily90
    insurance = (frame["criticality"] == "A") & (frame["on_hand_qty"] <= frame["policy_max"])
    hits = frame[
        (rate > 0)
        & (frame["days_of_cover_at_busier_rate"] > max_cover_days)
        & (surplus * frame["unit_cost"] >= min_value)
        & ~insurance
    ]
    windows = [demand_window(ds.as_of, CONTRACT_DAYS), demand_window(ds.as_of, YEAR_DAYS)]
    out = []
    for item_id, row in hits.iterrows():
        value = float(surplus[item_id] * row["unit_cost"])
        end = f"{windows[0].end:%Y-%m-%d}"
        head = (
            f"{item_id}: {row['on_hand_qty']:g} on hand, {row['days_of_cover']:,.1f} days of "
            f"cover at the demand of the {CONTRACT_DAYS} days to {end} "
            f"({row[f'demand_{CONTRACT_DAYS}d']:g}): {surplus90[item_id]:,.2f} units beyond "
            f"{max_cover_days:g} days"
        )
        if row[f"daily_demand_{YEAR_DAYS}d"] > row[f"daily_demand_{CONTRACT_DAYS}d"]:
            summary = (
                f"{head}; at the busier rate of the {YEAR_DAYS} days to {end} "
                f"({row[f'demand_{YEAR_DAYS}d']:g}) still "
                f"{row['days_of_cover_at_busier_rate']:,.0f} days: at least "
                f"{surplus[item_id]:,.0f} units ({value:,.0f}) excess"
            )
        else:
            summary = f"{head} ({value:,.0f})"
        out.append(
            Finding(
                kind="excess_stock",
                item_id=str(item_id),
                severity=_severity(value, 20_000, 2_000),
                value_at_stake=round(value, 2),
                summary=summary,
                evidence_rows=_rows(row.to_frame().T.reset_index(names="item_id")),
                demand_windows=windows,
            )
        )
    return out


def stalled_orders(ds: Dataset, factor: float = 5.0, min_days: float = 3.0) -> list[Finding]:
    """An open production order sitting at its current stage far beyond that stage's
    typical time (the median over finished stage visits)."""
    prog = ds.order_progress
    orders = ds.production_orders
    if prog.empty or orders.empty:
        return []
    done = prog[prog["finished_at"].notna()]
    typical = (
        ((done["finished_at"] - done["started_at"]).dt.total_seconds() / 86400)
        .groupby(done["stage"])
        .median()
    )
    open_ids = orders.loc[orders["status"].isin(OPEN_ORDER_STATUSES), "order_id"]
    current = (
        prog[prog["order_id"].isin(open_ids)]
        .sort_values("stage_seq")
        .drop_duplicates("order_id", keep="last")
    )
    current = current[current["finished_at"].isna()].copy()
    current["days_at_stage"] = (ds.as_of - current["started_at"]).dt.total_seconds() / 86400
    current["typical_days"] = current["stage"].map(typical).fillna(1.0)
    limit = np.maximum(factor * current["typical_days"], current["typical_days"] + min_days)
    hits = current[current["days_at_stage"] > limit]
    order_info = orders.set_index("order_id")
    cost = _costs(ds)
    out = []
    for row in hits.itertuples(index=False):
        order = order_info.loc[row.order_id]
        value = float(order["qty"] * cost.get(order["product_item_id"], 0.0))
        out.append(
            Finding(
                kind="stalled_order",
                item_id=str(order["product_item_id"]),
                ref_id=str(row.order_id),
                severity=_severity(value, 20_000, 2_000),
                value_at_stake=round(value, 2),
                summary=(
                    f"order {row.order_id} ({order['product_item_id']}) has been at "
                    f"{row.stage} for {row.days_at_stage:.0f} days; typical is "
                    f"{row.typical_days:.1f} days"
                ),
                evidence_rows=_rows(prog[prog["order_id"] == row.order_id]),
            )
        )
    return out
