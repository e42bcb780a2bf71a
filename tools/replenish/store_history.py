"""A store's monthly demand and per-row facts from a dataset, the input of the cost-aware
planner (`cost_aware.StorePlanner`): one row per item and site with a lead time.

Months are blocks of 30.44 days ending at the snapshot, so the last block is complete.
The order quantity is the current one where `stock_levels` has it, else the EOQ with the
item's MOQ and multiple (`policy.order_quantity`): the service level is chosen for the
quantities the plant orders, and a change of quantity is a separate decision.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.replenish.demand import daily_demand
from stockwise.tools.replenish.policy import order_quantity

MONTH_DAYS = 365.25 / 12
MAX_MONTHS = 60


@dataclass(frozen=True)
class StoreHistory:
    facts: pd.DataFrame  # rows planned (item_id, site_id, criticality, unit_cost, ...)
    monthly: np.ndarray  # rows x months, oldest first
    lead_months: np.ndarray
    qty: np.ndarray
    price: np.ndarray
    klass: np.ndarray
    current: np.ndarray  # current reorder point, 0 where none
    has_current: np.ndarray
    left_out: int  # rows without a lead time
    end: pd.Timestamp

    def subset(self, rows: np.ndarray) -> StoreHistory:
        """The store restricted to `rows` (a boolean mask)."""
        return StoreHistory(self.facts[rows].reset_index(drop=True), self.monthly[rows],
                            self.lead_months[rows], self.qty[rows], self.price[rows],
                            self.klass[rows], self.current[rows], self.has_current[rows],
                            self.left_out, self.end)  # fmt: skip

    def head(self, months: int) -> StoreHistory:
        """The same store with only its first `months` months (for a replay after them)."""
        return StoreHistory(self.facts, self.monthly[:, :months], self.lead_months, self.qty,
                            self.price, self.klass, self.current, self.has_current,
                            self.left_out, self.end)  # fmt: skip


def months_of_history(ds: Dataset, end: pd.Timestamp) -> int:
    """Whole months between the first transaction and `end` (at most 60)."""
    if ds.transactions.empty:
        return 0
    first = pd.Timestamp(ds.transactions["ts"].min()).normalize()
    return int(min(max((end - first).days // MONTH_DAYS, 0), MAX_MONTHS))


def monthly_matrix(daily: np.ndarray, months: int) -> np.ndarray:
    """Sum daily columns (oldest first) into `months` blocks ending at the last day."""
    days = daily.shape[1]
    block = np.floor((days - 1 - np.arange(days)) / MONTH_DAYS).astype(int)  # 0 = latest
    keep = block < months
    out = np.zeros((daily.shape[0], months))
    for b in range(months):
        cols = keep & (block == b)
        out[:, months - 1 - b] = daily[:, cols].sum(axis=1)
    return out


def store_history(ds: Dataset, settings: Settings, facts: pd.DataFrame) -> StoreHistory:
    end = ds.as_of.normalize() + pd.Timedelta(days=1)
    months = months_of_history(ds, end)
    planned = facts[facts["lead_time_days"].notna()].reset_index(drop=True)
    start = end - pd.Timedelta(days=int(np.ceil(months * MONTH_DAYS)))
    daily = daily_demand(ds, planned, start, end).values
    monthly = monthly_matrix(daily, months)
    lead_days = planned["lead_time_days"].to_numpy(float)
    lead = np.maximum(np.ceil(lead_days / MONTH_DAYS - 1e-9), 1.0)
    current_qty = planned["current_reorder_qty"].to_numpy(float)
    recent = daily[:, -min(daily.shape[1], settings.replenish_history_days) :]
    average = recent.mean(axis=1) if recent.shape[1] else np.zeros(len(planned))
    eoq = order_quantity(
        average,
        planned["unit_cost"].to_numpy(float),
        settings,
        planned["moq"].to_numpy(float),
        planned["order_multiple"].to_numpy(float),
    )
    qty = np.where(np.nan_to_num(current_qty) > 0, current_qty, eoq)
    current = planned["current_reorder_point"].to_numpy(float)
    return StoreHistory(
        facts=planned,
        monthly=monthly,
        lead_months=lead,
        qty=np.maximum(np.nan_to_num(qty, nan=1.0), 1.0),
        price=planned["unit_cost"].to_numpy(float),
        klass=planned["criticality"].to_numpy(dtype=object),
        current=np.nan_to_num(current, nan=0.0),
        has_current=~np.isnan(current),
        left_out=int(len(facts) - len(planned)),
        end=end,
    )
