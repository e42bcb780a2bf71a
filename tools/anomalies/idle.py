"""Idle stock: items nobody has issued or received for a long time.

Most idle stock in a plant is held on purpose: insurance spares for breakdowns that have not
happened, PM kit parts, one or two spares a reorder policy keeps on the shelf. That is a
slow mover, reviewed once a year (`slow_moving`, a single summary). Dead stock is the rest:
stock no policy asks for (no reorder point at the site, or beyond what the policy would ever
hold), worth enough to act on (`dead_stock`, one finding per item).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.tools.anomalies.detectors import (
    MAX_EVIDENCE_ROWS,
    MIN_STOCK_VALUE,
    Finding,
    _records_by,
    _rows,
    _severity,
)
from stockwise.tools.anomalies.ledger import Ledger
from stockwise.tools.dataset.model import Dataset

# One wording of why stock is held on purpose, shared with the stock tools' slow movers.
from stockwise.tools.stock.value import HELD_CRITICAL, HELD_KIT, HELD_POLICY, policy_max


def idle_stock(ds: Dataset, days: int, ledger: Ledger | None = None) -> pd.DataFrame:
    """Per item and site with stock: items with no issue and no inbound movement (receipt,
    production output, transfer in) in the last `days` days that were in stock before.

    `held` says why stock is kept on purpose (criticality A, PM kit, within the site's reorder
    policy: on hand <= reorder point + reorder qty), else None; `dead_qty` is what no policy
    asks for: all of it without a reorder point, the part above the policy's maximum with
    one."""
    ledger = ledger or Ledger(ds)
    since = ds.as_of - pd.Timedelta(days=days)
    dates = ledger.item_dates
    idle = (
        (dates["first_move"] < since)
        & ~(dates["last_demand"] >= since)
        & ~(dates["last_inbound"] >= since)
    )
    stock = ds.stock_levels
    stock = stock[stock["item_id"].isin(dates.index[idle]) & (stock["on_hand_qty"] > 0)]
    items = ds.items.drop_duplicates("item_id").set_index("item_id")
    frame = stock[["item_id", "site_id", "on_hand_qty", "reorder_point", "reorder_qty"]].copy()
    frame = frame.join(dates, on="item_id")
    frame["unit_cost"] = frame["item_id"].map(items["unit_cost"]).fillna(0.0).to_numpy()
    frame["value"] = frame["on_hand_qty"] * frame["unit_cost"]
    frame["criticality"] = frame["item_id"].map(items["criticality"])
    kit = set(ds.pm_plan_parts["item_id"])
    frame["policy_max"] = most = policy_max(frame)
    has_policy = frame["reorder_point"].notna()
    held = pd.Series(None, index=frame.index, dtype=object)
    held[has_policy & (frame["on_hand_qty"] <= most)] = HELD_POLICY
    held[frame["item_id"].isin(kit)] = HELD_KIT
    held[frame["criticality"] == "A"] = HELD_CRITICAL
    frame["held"] = held
    dead = np.where(has_policy, np.maximum(frame["on_hand_qty"] - most, 0), frame["on_hand_qty"])
    frame["dead_qty"] = np.where(held.isin([HELD_CRITICAL, HELD_KIT]), 0.0, dead)
    frame["dead_value"] = frame["dead_qty"] * frame["unit_cost"]
    return frame.sort_values(["item_id", "site_id"]).reset_index(drop=True)


def _since(dates: dict) -> str:
    if pd.isna(dates["last_move"]):
        return f"no movement since the opening balance of {dates['first_move']:%Y-%m-%d}"
    if pd.isna(dates["last_demand"]):
        if pd.isna(dates["last_inbound"]):
            return f"never issued or received; last moved {dates['last_move']:%Y-%m-%d}"
        return f"received (last on {dates['last_inbound']:%Y-%m-%d}) but never issued"
    return f"last issued {dates['last_demand']:%Y-%m-%d}"


def _units(qty: float) -> str:
    return f"{qty:g} unit" if qty == 1 else f"{qty:g} units"


def _why(site: dict) -> str:
    if site["reorder_point"] is None:
        return f"{site['on_hand_qty']:g} at {site['site_id']} with no reorder policy"
    return (
        f"{site['on_hand_qty']:g} at {site['site_id']}, above the policy's maximum of "
        f"{site['policy_max']:g}"
    )


EVIDENCE_COLUMNS = ["item_id", "site_id", "on_hand_qty", "reorder_point", "reorder_qty",
                    "policy_max", "held", "dead_qty", "dead_value", "last_demand",
                    "last_inbound"]  # fmt: skip


def dead_stock(
    ds: Dataset,
    days: int,
    min_value: float = MIN_STOCK_VALUE,
    ledger: Ledger | None = None,
    idle: pd.DataFrame | None = None,
) -> list[Finding]:
    """Stock nobody issued or received for `days` days that no policy holds on purpose, worth
    at least `min_value`: one finding per item, its sites in the evidence."""
    ledger = ledger or Ledger(ds)
    frame = idle_stock(ds, days, ledger) if idle is None else idle
    dead = frame[frame["dead_qty"] > 0]
    per_item = dead.groupby("item_id")["dead_value"].sum()
    hits = per_item[per_item >= min_value].sort_values(ascending=False)
    dead = dead[dead["item_id"].isin(hits.index)]
    sites_of = _records_by(dead[EVIDENCE_COLUMNS], "item_id", limit=None)
    moves = _records_by(ledger.rows_of(hits.index), "item_id", limit=5, last=True)
    dates = ledger.item_dates.loc[hits.index].to_dict("index")
    qty = dead.groupby("item_id")["dead_qty"].sum()
    out = []
    for item_id, value in hits.items():
        sites = sites_of[str(item_id)]
        out.append(
            Finding(
                kind="dead_stock",
                item_id=str(item_id),
                severity=_severity(value, 20_000, 2_000),
                value_at_stake=round(float(value), 2),
                summary=(
                    f"{item_id}: {_units(qty[item_id])} worth {value:,.0f} that no policy holds "
                    f"({'; '.join(_why(s) for s in sites)}); {_since(dates[item_id])}; "
                    "not critical and in no PM kit"
                ),
                evidence_rows=sites[:5] + moves.get(str(item_id), []),
            )
        )
    return out


def slow_moving(
    ds: Dataset,
    days: int,
    min_value: float = MIN_STOCK_VALUE,
    ledger: Ledger | None = None,
    idle: pd.DataFrame | None = None,
) -> list[Finding]:
    """One summary of the idle stock that is not dead stock: held on purpose (insurance
    spares, PM kits, within policy) or below `min_value`; the largest items as evidence."""
    frame = idle_stock(ds, days, ledger) if idle is None else idle
    if frame.empty:
        return []
    dead_value = frame.groupby("item_id")["dead_value"].transform("sum")
    rest = frame[dead_value < min_value].copy()
    if rest.empty:
        return []
    rest["held"] = rest["held"].fillna(f"beyond any policy but worth under {min_value:,.0f}")
    reasons = rest.groupby("held")["item_id"].nunique()
    reasons = reasons.iloc[np.lexsort((reasons.index, -reasons.to_numpy()))]
    value = float(rest["value"].sum())
    top = rest.sort_values("value", ascending=False)
    cols = ["item_id", "site_id", "on_hand_qty", "value", "held", "last_demand", "last_inbound"]
    return [
        Finding(
            kind="slow_moving",
            severity="low",
            value_at_stake=round(value, 2),
            summary=(
                f"{rest['item_id'].nunique():,} items worth {value:,.0f} had no issue and no "
                f"receipt in the last {days} days but are not dead stock: "
                + "; ".join(f"{n:,} {reason}" for reason, n in reasons.items())
                + ". Review their policies once a year rather than one by one"
            ),
            evidence_rows=_rows(top[cols], MAX_EVIDENCE_ROWS),
        )
    ]
