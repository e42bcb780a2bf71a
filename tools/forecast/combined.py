"""An item's demand over a horizon: maintenance-driven (planned + breakdowns) plus the
statistical forecast of the rest of its demand, as samples that add up exactly."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.forecast.history import DemandIssues, build_issues, daily_series
from stockwise.tools.forecast.leadtime_stats import history_notes, lead_time_samples_batch
from stockwise.tools.forecast.maintenance import (
    MaintenanceDemand,
    maintenance_demand,
    uncovered,
    work_orders_with_type,
)
from stockwise.tools.forecast.usage import RunHours


@dataclass
class ItemDemand:
    item_id: str
    site_id: str | None
    origin: pd.Timestamp
    horizon_days: float
    maintenance: MaintenanceDemand
    residual_samples: np.ndarray
    residual_days: int
    notes: list[str] = field(default_factory=list)

    @property
    def samples(self) -> np.ndarray:
        return (
            self.maintenance.planned_samples
            + self.maintenance.unplanned_samples
            + self.residual_samples
        )

    @property
    def method(self) -> str:
        if not self.maintenance.applies:
            return "bootstrap of the item's own demand sizes and intervals"
        return (
            "PM plans x kits (planned) + breakdowns per 1,000 run-hours x parts per corrective "
            "work order (unplanned) + bootstrap of the remaining demand"
        )


@dataclass
class ForecastData:
    """What item forecasts read, built once per dataset."""

    dataset: Dataset
    issues: DemandIssues
    hours: RunHours
    work_orders: pd.DataFrame


def load_forecast_data(dataset: Dataset) -> ForecastData:
    return ForecastData(
        dataset, build_issues(dataset), RunHours(dataset), work_orders_with_type(dataset)
    )


def forecast_data_of(ctx: ToolContext) -> ForecastData:
    return load_forecast_data(ctx.dataset)


def forecast_data(ctx: ToolContext) -> ForecastData:
    """What item forecasts read, built once per context."""
    return ctx.cached(forecast_data_of)


def item_demand(
    data: ForecastData,
    item_id: str,
    site_id: str | None,
    horizon_days: float,
    *,
    origin: pd.Timestamp | None = None,
    n_samples: int = 4000,
    seed: int = 0,
    use_maintenance: bool = True,
    start_days: float = 0.0,
) -> ItemDemand:
    """Samples of the item's demand over `horizon_days` days after `origin` (default as_of)."""
    origin = (origin if origin is not None else data.issues.as_of).normalize()
    if use_maintenance:
        maint = maintenance_demand(
            data.dataset,
            data.issues,
            data.hours,
            item_id,
            site_id,
            origin,
            horizon_days,
            n_samples=n_samples,
            seed=seed,
            work_orders=data.work_orders,
            start_days=start_days,
        )
    else:
        maint = MaintenanceDemand(unplanned_samples=np.zeros(n_samples))
    rows = data.issues.of_item(item_id, site_id)
    rows = uncovered(rows, maint.covered)
    daily = daily_series(rows, data.issues.start, origin)
    residual = lead_time_samples_batch(
        daily[None, :], np.array([horizon_days - start_days]), n_samples=n_samples, seed=seed + 1
    )[0]
    notes = list(maint.notes)
    if not maint.applies:
        notes += history_notes(daily)
    elif not daily.any():
        notes.append("no demand outside maintenance in the history")
    return ItemDemand(item_id, site_id, origin, horizon_days, maint, residual, len(daily), notes)
