"""Detectors over stock policy and production flow: excess stock and production orders
stalled at a stage."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tools.anomalies.detectors import Finding, _costs, _rows, _severity
from tools.dataset.model import Dataset
from tools.dataset.schema import DEMAND_TXN_TYPES, OPEN_ORDER_STATUSES


def cover_table(ds: Dataset) -> pd.DataFrame:
    """Per item: on hand across sites, average daily demand (last 90 days), days of cover."""
    txn = ds.transactions
    as_of = ds.as_of
    recent = txn[
        txn["txn_type"].isin(DEMAND_TXN_TYPES)
        & (txn["ts"] > as_of - pd.Timedelta(days=90))
        & (txn["ts"] <= as_of)
    ]
    items = ds.items.drop_duplicates("item_id").set_index("item_id")
    frame = pd.DataFrame(index=items.index)
    frame["on_hand_qty"] = ds.stock_levels.groupby("item_id", observed=True)["on_hand_qty"].sum()
    frame["on_hand_qty"] = frame["on_hand_qty"].fillna(0.0)
    frame["daily_demand"] = (-recent.groupby("item_id", observed=True)["qty"].sum() / 90).reindex(
        frame.index
    )
    frame["daily_demand"] = frame["daily_demand"].fillna(0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["days_of_cover"] = np.where(
            frame["daily_demand"] > 0, frame["on_hand_qty"] / frame["daily_demand"], np.inf
        )
    sup = ds.suppliers.drop_duplicates("supplier_id").set_index("supplier_id")
    frame["lead_time_days"] = items["lead_time_days"].fillna(
        items["supplier_id"].map(sup["lead_time_days"])
    )
    frame["criticality"] = items["criticality"]
    frame["unit_cost"] = items["unit_cost"].fillna(0.0)
    return frame


def excess_stock(ds: Dataset, max_cover_days: float, cover=None) -> list[Finding]:  # type: ignore[no-untyped-def]
    """Stock that is used, but so slowly that it covers more than `max_cover_days`.

    Items with no recent use at all are dead-stock candidates, not excess."""
    frame = cover_table(ds) if cover is None else cover
    hits = frame[(frame["daily_demand"] > 0) & (frame["days_of_cover"] > max_cover_days)]
    out = []
    for item_id, row in hits.iterrows():
        surplus = row["on_hand_qty"] - max_cover_days * row["daily_demand"]
        value = float(surplus * row["unit_cost"])
        out.append(
            Finding(
                kind="excess_stock",
                item_id=str(item_id),
                severity=_severity(value, 20_000, 2_000),
                value_at_stake=round(value, 2),
                summary=(
                    f"{item_id}: {row['on_hand_qty']:g} on hand covers "
                    f"{row['days_of_cover']:,.0f} days at {row['daily_demand']:.3f}/day; "
                    f"about {surplus:,.0f} units ({value:,.0f}) beyond {max_cover_days:g} days"
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
