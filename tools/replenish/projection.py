"""Projected stock of bought items over their lead time, for alerting: `risk.project` (on
hand, the 90-day draw, WIP component needs timed by where each production order is) plus
the open purchase orders due within the horizon. An item needs an alert when the
projection falls below its alert level within lead time + one review day, and the latest
order lets nothing arrive in time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.replenish.items import item_site_facts
from stockwise.tools.replenish.policy import REVIEW_DAYS, plan_policies
from stockwise.tools.replenish.requirements import bought_only
from stockwise.tools.replenish.risk import first_below, project, safety_level
from stockwise.tools.replenish.wip import OPEN_STATUSES, component_needs

DEFAULT_LEAD_DAYS = 30.0  # as `risk_table`: an item without a lead time looks a month ahead
PURCHASE_COLUMNS = ["po_id", "item_id", "site_id", "qty", "due_date"]


def alert_level(plan: pd.DataFrame) -> np.ndarray:
    """What projected stock must not fall below. A criticality-A item stops a line when it
    runs out, so it keeps its safety stock (and never less than a hair above zero: an A item
    with no safety stock still alerts before it is empty). For B and C items the safety
    stock is a buffer meant to be dipped into between orders; alerting on it fired on
    every replenishment cycle, so they alert only on a projected stockout."""
    critical = (plan["criticality"] == "A").to_numpy()
    return np.where(critical, np.maximum(safety_level(plan), 1e-6), 1e-6)


def _inbound(ds: Dataset, plan: pd.DataFrame, purchases: pd.DataFrame, days: int) -> np.ndarray:
    """Cumulative open purchase quantity arrived by each day (overdue ones count today)."""
    arrived = np.zeros((len(plan), days))
    if len(purchases) and len(plan):
        index = pd.MultiIndex.from_frame(plan[["item_id", "site_id"]])
        row = index.get_indexer(pd.MultiIndex.from_frame(purchases[["item_id", "site_id"]]))
        offset = (pd.to_datetime(purchases["due_date"]) - ds.as_of.normalize()).dt.days
        col = np.clip(offset.to_numpy(), 0, None).astype(int)
        keep = (row >= 0) & (col < days)
        np.add.at(arrived, (row[keep], col[keep]), purchases["qty"].to_numpy(dtype=float)[keep])
    return np.cumsum(arrived, axis=1)


def assess(
    ds: Dataset,
    settings: Settings,
    keys: pd.DataFrame | None = None,
    purchases: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per bought (item, site) of `keys` (all when None) that has a stock row:
    item_id, site_id, description, criticality, on_hand, lead_days, horizon_days, level,
    lowest, breach_on (first day below the level, NaT if none), runs_out_on, breach_without_po
    (the same without open purchases), order_qty (enough to lift the lowest point back to
    the level, at least the recommended order quantity), needs (the production orders
    drawing on it by the breach, `order (qty)`), inbound (open purchases, `po (qty, due)`),
    daily_rate. `needs_alert` is set where the projection breaks the level."""
    facts = bought_only(ds, item_site_facts(ds))
    if keys is not None:
        facts = facts.merge(
            keys[["item_id", "site_id"]].drop_duplicates(), on=["item_id", "site_id"]
        )
    purchases = purchases if purchases is not None else pd.DataFrame(columns=PURCHASE_COLUMNS)
    plan = plan_policies(ds, settings, facts=facts)
    needs = component_needs(ds)
    lead = plan["lead_days"].to_numpy(dtype=float)
    horizon = np.where(np.isnan(lead), DEFAULT_LEAD_DAYS, lead) + REVIEW_DAYS
    days = int(np.nanmax(horizon, initial=0)) + 1
    without_po = project(ds, plan, needs, horizon)
    projected = without_po + _inbound(ds, plan, purchases, days)
    level = alert_level(plan)
    today = ds.as_of.normalize()
    breach = first_below(projected, level, horizon)
    bare = first_below(without_po, level, horizon)
    empty = first_below(projected, np.zeros(len(plan)), horizon)
    within = np.where(np.arange(days)[None, :] <= horizon[:, None], projected, np.inf)
    lowest = within.min(axis=1) if len(plan) else np.zeros(0)

    def as_date(index: np.ndarray) -> list:
        return [today + pd.Timedelta(days=int(i)) if i >= 0 else pd.NaT for i in index]

    out = plan[["item_id", "site_id", "description", "criticality", "on_hand_qty"]].copy()
    out = out.rename(columns={"on_hand_qty": "on_hand"})
    out["lead_days"] = lead
    out["horizon_days"] = horizon
    out["level"] = level
    out["lowest"] = lowest
    out["breach_on"] = pd.to_datetime(pd.Series(as_date(breach), dtype="datetime64[ns]")).values
    out["breach_without_po"] = pd.Series(as_date(bare), dtype="datetime64[ns]").values
    out["runs_out_on"] = pd.Series(as_date(empty), dtype="datetime64[ns]").values
    recommended = plan["recommended_order_qty"].to_numpy(dtype=float)
    shortfall = np.ceil(np.maximum(level - lowest, 0.0))
    out["order_qty"] = np.fmax(recommended, shortfall)
    out["daily_rate"] = plan["avg_daily_demand"].to_numpy(dtype=float)
    out["needs_alert"] = breach >= 0
    needs_by = {k: g for k, g in needs.groupby(["item_id", "site_id"])}
    po_by = {k: g for k, g in purchases.groupby(["item_id", "site_id"])}
    out["needs"] = [
        _needs_of(needs_by.get((r.item_id, r.site_id)), r.breach_on) if r.needs_alert else []
        for r in out.itertuples()
    ]
    out["inbound"] = [_inbound_of(po_by.get((r.item_id, r.site_id))) for r in out.itertuples()]
    return out.reset_index(drop=True)


def _needs_of(mine: pd.DataFrame | None, until) -> list[str]:
    """`order (qty on first need date)` for the orders drawing on a pair by `until`."""
    if mine is None:
        return []
    if pd.notna(until):
        mine = mine[mine["need_date"] <= until]
    by_order = mine.groupby("order_id", sort=True)
    return [f"{o} ({g['qty'].sum():g} on {g['need_date'].min().date()})" for o, g in by_order]


def _inbound_of(mine: pd.DataFrame | None) -> list[str]:
    if mine is None:
        return []
    return [
        f"{p.po_id} ({p.qty:g} due {pd.Timestamp(p.due_date).date()})"
        for p in mine.sort_values("due_date").itertuples()
    ]


def components_of_orders(ds: Dataset, order_ids: set[str]) -> pd.DataFrame:
    """(item_id, site_id) of every component, through sub-assemblies, that the open
    orders among `order_ids` still need: what an order's progress can move."""
    orders = ds.production_orders
    orders = orders[orders["order_id"].isin(order_ids) & orders["status"].isin(OPEN_STATUSES)]
    if orders.empty:
        return pd.DataFrame(columns=["item_id", "site_id"])
    return component_needs(ds, orders)[["item_id", "site_id"]].drop_duplicates()
