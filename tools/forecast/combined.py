"""An item's demand over a horizon: maintenance-driven (planned + breakdowns) plus the
statistical forecast of the rest of its demand, as samples that add up exactly."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.forecast.history import DemandIssues, build_issues, daily_series
from stockwise.tools.forecast.leadtime_stats import history_notes, lead_time_samples_batch
from stockwise.tools.forecast.maintenance import (
    MaintenanceDemand,
    MaintenanceModel,
    maintenance_model,
    sample_maintenance,
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
    # What the samples were drawn from: a window of the horizon is sampled from them again
    # (window_samples) without rebuilding the model.
    model: MaintenanceModel | None = None
    residual_daily: np.ndarray = field(default_factory=lambda: np.zeros(0))

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


# Items' maintenance models a ForecastData keeps: a few hundred KB in all; a backtest that
# stands at many origins keeps the latest ones.
MODELS_KEPT = 256


@dataclass
class ForecastData:
    """What item forecasts read, built once per dataset. It keeps each item's maintenance
    model (the plans' schedules, kit coverage, breakdown rates) for the next call: a
    refreshed dataset is a new ForecastData (ToolContext.use_dataset drops the old one), so
    a model never outlives the data it was built from."""

    dataset: Dataset
    issues: DemandIssues
    hours: RunHours
    work_orders: pd.DataFrame
    _models: OrderedDict[tuple, MaintenanceModel] = field(
        default_factory=OrderedDict, init=False, repr=False
    )
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def maintenance_model(
        self, item_id: str, site_id: str | None, origin: pd.Timestamp, horizon_days: float
    ) -> MaintenanceModel:
        """The item's maintenance model, built on first use and kept (MODELS_KEPT latest)."""
        key = (item_id, site_id, origin, float(horizon_days))
        with self._lock:
            if key in self._models:
                self._models.move_to_end(key)
                return self._models[key]
        model = maintenance_model(
            self.dataset, self.issues, self.hours, item_id, site_id, origin, horizon_days,
            work_orders=self.work_orders,
        )  # fmt: skip
        with self._lock:
            self._models[key] = model
            while len(self._models) > MODELS_KEPT:
                self._models.popitem(last=False)
        return model


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
    model = None
    if use_maintenance:
        model = data.maintenance_model(item_id, site_id, origin, horizon_days)
        maint = sample_maintenance(
            model, data.hours, start_days, horizon_days, n_samples=n_samples, seed=seed
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
    return ItemDemand(
        item_id, site_id, origin, horizon_days, maint, residual, len(daily), notes, model, daily
    )


def window_samples(
    data: ForecastData,
    demand: ItemDemand,
    start_days: float,
    end_days: float,
    *,
    n_samples: int,
    seed: int,
) -> np.ndarray:
    """Samples of the item's demand in [start_days, end_days) of `demand`'s horizon (whole
    days), the same as item_demand(..., end_days, origin=demand.origin,
    start_days=start_days, n_samples=n_samples, seed=seed).samples, drawn from the model and
    history `demand` already holds instead of building them again."""
    if demand.model is not None:
        maint = sample_maintenance(
            demand.model, data.hours, start_days, end_days, n_samples=n_samples, seed=seed
        )
    else:
        maint = MaintenanceDemand(unplanned_samples=np.zeros(n_samples))
    residual = lead_time_samples_batch(
        demand.residual_daily[None, :],
        np.array([end_days - start_days]),
        n_samples=n_samples,
        seed=seed + 1,
    )[0]
    return maint.planned_samples + maint.unplanned_samples + residual
