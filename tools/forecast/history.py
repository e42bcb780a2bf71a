"""An item's demand history from the dataset, per the contract's definition of demand:
minus the sum of `qty` over issue_production/maintenance/sales/other transactions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from stockwise.tools.dataset.model import Dataset
from stockwise.tools.dataset.schema import DEMAND_TXN_TYPES

GRAIN_DAYS = {"day": 1, "week": 7, "month": 30.4375}


@dataclass
class DemandIssues:
    """Every demand transaction of the dataset, reduced to what forecasting reads."""

    frame: pd.DataFrame  # item_id, site_id, day, qty (positive = demand), ref_type, ref_id
    start: pd.Timestamp  # first day of any transaction: where histories begin
    as_of: pd.Timestamp  # first day after the data: where histories end and forecasts start

    @cached_property
    def by_item(self) -> dict[str, pd.DataFrame]:
        return {str(k): v for k, v in self.frame.groupby("item_id", sort=False)}

    def of_item(self, item_id: str, site_id: str | None = None) -> pd.DataFrame:
        rows = self.by_item.get(item_id, self.frame.iloc[:0])
        if site_id is not None:
            rows = rows[rows["site_id"] == site_id]
        return rows


def build_issues(dataset: Dataset) -> DemandIssues:
    txns = dataset.transactions
    demand = txns[txns["txn_type"].isin(DEMAND_TXN_TYPES)]
    frame = pd.DataFrame(
        {
            "item_id": demand["item_id"].astype(str).to_numpy(),
            "site_id": demand["site_id"].astype(str).to_numpy(),
            "day": demand["ts"].dt.normalize().to_numpy(),
            "qty": -demand["qty"].to_numpy(dtype=float),
            "ref_type": demand["ref_type"].astype(object).to_numpy(),
            "ref_id": demand["ref_id"].astype(object).to_numpy(),
        }
    )
    # Forecasts start on the day after the data ends: the as-of day's issues (a PM kit drawn
    # this morning) are history, not something still to come.
    as_of = dataset.as_of.normalize()
    if dataset.as_of > as_of:
        as_of += pd.Timedelta(days=1)
    start = pd.Timestamp(txns["ts"].min()).normalize() if len(txns) else as_of
    return DemandIssues(frame=frame, start=start, as_of=as_of)


def daily_series(rows: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
    """Demand per day from `start` up to but excluding `end` (zeros where nothing was issued)."""
    days = max(int((end - start).days), 0)
    out = np.zeros(days)
    if days == 0 or rows.empty:
        return out
    offset = ((rows["day"] - start).dt.days).to_numpy()
    keep = (offset >= 0) & (offset < days)
    np.add.at(out, offset[keep], rows["qty"].to_numpy()[keep])
    return out


def aggregate(daily: np.ndarray, grain: str) -> np.ndarray:
    """Daily demand summed into weeks or months, counted back from the last day, so the
    last bucket is a full period (a partial oldest bucket is dropped)."""
    if grain == "day":
        return daily
    width = 7 if grain == "week" else 30
    n = len(daily) // width
    if n == 0:
        return np.zeros(0)
    return daily[len(daily) - n * width :].reshape(n, width).sum(axis=1)
