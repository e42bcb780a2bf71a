"""Demand over the replenishment lead time: the distribution a reorder point is read from.

`lead_time_distribution_from_history` works on any demand series (one item, any period);
`lead_time_samples_batch` does the same for many items at once; `lead_time_distribution`
reads an item of the dataset and adds its maintenance-driven demand.
"""

from __future__ import annotations

import pandas as pd

from stockwise.tools.core.errors import UnknownItemError
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.forecast.combined import forecast_data, item_demand
from stockwise.tools.forecast.leadtime_stats import (
    LeadTimeDemand,
    lead_time_distribution_from_history,
    lead_time_samples_batch,
)

__all__ = [
    "LeadTimeDemand",
    "item_lead_time_days",
    "lead_time_distribution",
    "lead_time_distribution_from_history",
    "lead_time_samples_batch",
]

DEFAULT_LEAD_TIME_DAYS = 14.0


def item_lead_time_days(ctx: ToolContext, item_id: str) -> tuple[float, str | None]:
    """The item's lead time, else its supplier's, else a stated default."""
    items = ctx.dataset.items
    row = items[items["item_id"] == item_id]
    if row.empty:
        raise UnknownItemError(item_id)
    lead = row["lead_time_days"].iloc[0]
    if pd.notna(lead) and lead > 0:
        return float(lead), None
    suppliers = ctx.dataset.suppliers
    supplier = suppliers[suppliers["supplier_id"] == row["supplier_id"].iloc[0]]
    if len(supplier) and pd.notna(supplier["lead_time_days"].iloc[0]):
        return float(supplier["lead_time_days"].iloc[0]), "lead time taken from the supplier"
    return DEFAULT_LEAD_TIME_DAYS, f"no lead time recorded: {DEFAULT_LEAD_TIME_DAYS:g} days assumed"


def lead_time_distribution(
    ctx: ToolContext,
    item_id: str,
    site_id: str | None = None,
    lead_time_days: float | None = None,
    *,
    n_samples: int = 4000,
    seed: int = 0,
) -> LeadTimeDemand:
    """Demand of a dataset item over its lead time: maintenance-driven demand (PM kits and
    breakdowns) plus a bootstrap of the rest of its history."""
    notes: list[str] = []
    if lead_time_days is None:
        lead_time_days, note = item_lead_time_days(ctx, item_id)
        notes += [note] if note else []
    elif (ctx.dataset.items["item_id"] == item_id).sum() == 0:
        raise UnknownItemError(item_id)
    demand = item_demand(
        forecast_data(ctx), item_id, site_id, float(lead_time_days), n_samples=n_samples, seed=seed
    )
    return LeadTimeDemand(
        demand.samples, demand.method, notes + demand.notes, lead_time_periods=float(lead_time_days)
    )
