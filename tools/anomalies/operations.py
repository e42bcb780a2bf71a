"""Detectors over stock policy and production flow: excess stock and production orders
stalled at a stage. Idle stock (dead stock and slow movers) lives in `idle.py`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.tools.anomalies.detectors import MIN_STOCK_VALUE, Finding, _costs, _rows, _severity
from stockwise.tools.anomalies.ledger import Ledger
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.dataset.schema import OPEN_ORDER_STATUSES
from stockwise.tools.stock.value import policy_max


def cover_table(ds: Dataset, ledger: Ledger | None = None) -> pd.DataFrame:
    """Per item: on hand across sites, average daily demand over the last 90 days (the
    contract's) and the last 365 days, days of cover at the busier of the two rates, and the
    most the reorder policies would hold (reorder point + reorder qty, summed over sites)."""
    ledger = ledger or Ledger(ds)
    items = ds.items.drop_duplicates("item_id").set_index("item_id")
    frame = pd.DataFrame(index=items.index)
    stock = ds.stock_levels.assign(policy_max=policy_max(ds.stock_levels))
    per_item = stock.groupby("item_id", observed=True)
    frame["on_hand_qty"] = per_item["on_hand_qty"].sum().reindex(frame.index).fillna(0.0)
    frame["policy_max"] = per_item["policy_max"].sum(min_count=1).reindex(frame.index)
    for days, col in ((90, "daily_demand"), (365, "daily_demand_365")):
        frame[col] = (ledger.demand_since(days) / days).reindex(frame.index).fillna(0.0)
    rate = frame[["daily_demand", "daily_demand_365"]].max(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["days_of_cover"] = np.where(rate > 0, frame["on_hand_qty"] / rate, np.inf)
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

    Items with no use in a year are idle stock (`idle.py`), not excess; a criticality-A
    spare held within its reorder policy is insurance, not excess."""
    frame = cover_table(ds) if cover is None else cover
    rate = frame[["daily_demand", "daily_demand_365"]].max(axis=1)
    surplus = frame["on_hand_qty"] - max_cover_days * rate
    insurance = (frame["criticality"] == "A") & (frame["on_hand_qty"] <= frame["policy_max"])
    hits = frame[
        (rate > 0)
        & (frame["days_of_cover"] > max_cover_days)
        & (surplus * frame["unit_cost"] >= min_value)
        & ~insurance
    ]
    out = []
    for item_id, row in hits.iterrows():
        daily = float(rate[item_id])
        value = float(surplus[item_id] * row["unit_cost"])
        out.append(
            Finding(
                kind="excess_stock",
                item_id=str(item_id),
                severity=_severity(value, 20_000, 2_000),
                value_at_stake=round(value, 2),
                summary=(
                    f"{item_id}: {row['on_hand_qty']:g} on hand covers "
                    f"{row['days_of_cover']:,.0f} days at {daily:.3f}/day; "
                    f"about {surplus[item_id]:,.0f} units ({value:,.0f}) beyond "
                    f"{max_cover_days:g} days"
                ),
                evidence_rows=_rows(row.to_frame().T.reset_index(names="item_id")),
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
