"""Daily demand (consumption, as the data contract defines it) as an items x days matrix,
the shape every vectorised computation here works on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stockwise.tools.dataset.model import Dataset

DEMAND_TXN_TYPES = ("issue_production", "issue_maintenance", "issue_sales", "issue_other")


@dataclass(frozen=True)
class DemandMatrix:
    """`values[i, t]` = demand of key i (an item_id, site_id pair) on day `days[t]`."""

    keys: pd.DataFrame  # item_id, site_id; row i of values
    days: pd.DatetimeIndex
    values: np.ndarray
    rows_used: int

    def window(self, start: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
        """The columns for days in [start, end)."""
        mask = (self.days >= start) & (self.days < end)
        return self.values[:, mask]


def daily_demand(
    ds: Dataset,
    keys: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
    txn_types: tuple[str, ...] = DEMAND_TXN_TYPES,
) -> DemandMatrix:
    """Demand per (item, site) in `keys` and per day in [start, end); days without a
    transaction count as zero demand."""
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    days = pd.date_range(start, end - pd.Timedelta(days=1), freq="D")
    values = np.zeros((len(keys), len(days)))
    txns = ds.transactions
    mask = txns["txn_type"].isin(txn_types) & (txns["ts"] >= start) & (txns["ts"] < end)
    picked = txns.loc[mask, ["item_id", "site_id", "ts", "qty"]]
    if len(picked) and len(keys):
        key_index = pd.MultiIndex.from_frame(keys[["item_id", "site_id"]])
        row = key_index.get_indexer(pd.MultiIndex.from_frame(picked[["item_id", "site_id"]]))
        col = ((picked["ts"].dt.normalize() - start) // pd.Timedelta(days=1)).to_numpy()
        keep = row >= 0
        # Demand is minus the issued quantity (issues are negative in the ledger).
        np.add.at(values, (row[keep], col[keep].astype(int)), -picked["qty"].to_numpy()[keep])
        rows_used = int(keep.sum())
    else:
        rows_used = 0
    return DemandMatrix(
        keys=keys[["item_id", "site_id"]].reset_index(drop=True),
        days=days,
        values=values,
        rows_used=rows_used,
    )
