"""Projected on hand per day over the lead time: stock today, minus the steady draw seen in
history, minus what open production orders will take and when. An alert is raised only when
the projection falls below safety stock within the horizon."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.tools.dataset.model import Dataset
from stockwise.tools.replenish.demand import daily_demand

RATE_DAYS = 90  # the contract's "average daily demand" window


def _rates(ds: Dataset, keys: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Average daily demand by production orders and by everything else, last 90 days."""
    end = ds.as_of.normalize() + pd.Timedelta(days=1)
    start = end - pd.Timedelta(days=RATE_DAYS)
    production = daily_demand(ds, keys, start, end, ("issue_production",)).values.sum(axis=1)
    other = daily_demand(
        ds, keys, start, end, ("issue_maintenance", "issue_sales", "issue_other")
    ).values.sum(axis=1)
    return production / RATE_DAYS, other / RATE_DAYS


def project(
    ds: Dataset,
    plan: pd.DataFrame,
    needs: pd.DataFrame,
    horizon: np.ndarray,
    date_column: str = "need_date",
) -> np.ndarray:
    """Projected closing on hand, rows of `plan` x days 0..max(horizon) (day 0 = today).

    Open orders' needs are placed on `date_column` (overdue ones today). Production draws at
    least its historical rate: orders not yet released will also consume.
    """
    days = int(np.nanmax(horizon, initial=0)) + 1
    production_rate, other_rate = _rates(ds, plan)
    wip = np.zeros((len(plan), days))
    if len(needs):
        index = pd.MultiIndex.from_frame(plan[["item_id", "site_id"]])
        row = index.get_indexer(pd.MultiIndex.from_frame(needs[["item_id", "site_id"]]))
        offset = (needs[date_column] - ds.as_of.normalize()) / pd.Timedelta(days=1)
        col = np.clip(offset.to_numpy(), 0, None).astype(int)
        keep = (row >= 0) & (col < days)
        np.add.at(wip, (row[keep], col[keep]), needs["qty"].to_numpy()[keep])
    elapsed = np.arange(1, days + 1)[None, :]
    production = np.maximum(np.cumsum(wip, axis=1), production_rate[:, None] * elapsed)
    return plan["on_hand_qty"].to_numpy()[:, None] - other_rate[:, None] * elapsed - production


def first_below(projected: np.ndarray, level: np.ndarray, horizon: np.ndarray) -> np.ndarray:
    """First day index where projected < level within each row's horizon; -1 if none."""
    days = np.arange(projected.shape[1])[None, :]
    below = (projected < level[:, None] - 1e-9) & (days <= horizon[:, None])
    return np.where(below.any(axis=1), below.argmax(axis=1), -1)


def safety_level(plan: pd.DataFrame) -> np.ndarray:
    """The recommended safety stock, else the recorded one, else 0 (never below 0)."""
    rec = plan.get("recommended_safety_stock", pd.Series(np.nan, index=plan.index))
    level = rec.fillna(plan["current_safety_stock"]).fillna(0.0)
    return np.maximum(level.to_numpy(dtype=float), 0.0)


def risk_table(
    ds: Dataset, plan: pd.DataFrame, needs: pd.DataFrame, horizon_days: float | None = None
) -> pd.DataFrame:
    """Per row of `plan`: horizon, safety stock, lowest projected stock, the first day below
    safety stock and below zero (as dates; NaT if none), the same under on-schedule timing,
    and the open orders behind the needs up to the breach."""
    lead = plan["lead_days"].to_numpy(dtype=float)
    horizon = (
        np.where(np.isnan(lead), 30.0, lead)
        if horizon_days is None
        else np.full(len(plan), float(horizon_days))
    )
    projected = project(ds, plan, needs, horizon)
    scheduled = project(ds, plan, needs, horizon, "on_schedule_date")
    safety = safety_level(plan)
    today = ds.as_of.normalize()
    breach = first_below(projected, safety, horizon)
    breach_scheduled = first_below(scheduled, safety, horizon)
    empty = first_below(projected, np.zeros(len(plan)), horizon)
    days = np.arange(projected.shape[1])[None, :]
    within = np.where(days <= horizon[:, None], projected, np.inf)

    def as_date(index: np.ndarray) -> pd.Series:
        return pd.Series(
            [today + pd.Timedelta(days=int(i)) if i >= 0 else pd.NaT for i in index],
            dtype="datetime64[ns]",
        )

    out = plan[["item_id", "site_id", "description", "group", "criticality", "on_hand_qty"]].copy()
    out["horizon_days"] = horizon
    out["safety_stock"] = safety
    out["lowest_projected"] = within.min(axis=1)
    out["below_safety_on"] = as_date(breach).to_numpy()
    out["below_safety_on_schedule_on"] = as_date(breach_scheduled).to_numpy()
    out["runs_out_on"] = as_date(empty).to_numpy()
    out["lead_days"] = lead
    return out
