"""One item's forecast as a reader sees it: totals and quantiles over the horizon, the
planned / breakdown / other parts, a table per period, and a one-line explanation."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from stockwise.tools.core.errors import InvalidArgumentError
from stockwise.tools.forecast.classify import adi_cv2, classify
from stockwise.tools.forecast.combined import (
    ForecastData,
    ItemDemand,
    item_demand,
    window_samples,
)
from stockwise.tools.forecast.history import GRAIN_DAYS, aggregate, daily_series
from stockwise.tools.forecast.periodic import dispersion, forecast_periods, nb_quantiles, widen
from stockwise.tools.forecast.results import (
    ItemForecast,
    PeriodRow,
    PlannedRow,
    Quantiles,
    finite,
)
from stockwise.tools.forecast.statistical import point_forecasts

MAX_HORIZON_DAYS = 730
_HORIZON = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([dwmy]?)\s*$", re.IGNORECASE)
_UNIT_DAYS = {"": 1, "d": 1, "w": 7, "m": 30, "y": 365}


def parse_horizon(text: str | int | float) -> int:
    """'90d', '12w', '3m', '1y' or a number of days -> days."""
    match = _HORIZON.match(str(text))
    if not match:
        raise InvalidArgumentError(f"horizon {text!r}: write it as days, e.g. 90d, 12w or 3m")
    days = int(round(float(match.group(1)) * _UNIT_DAYS[match.group(2).lower()]))
    if not 1 <= days <= MAX_HORIZON_DAYS:
        raise InvalidArgumentError(f"horizon {text!r}: between 1 day and {MAX_HORIZON_DAYS} days")
    return days


def quantiles_of(samples: np.ndarray) -> Quantiles:
    q = np.quantile(samples, [0.1, 0.5, 0.8, 0.9, 0.95], method="inverted_cdf")
    return Quantiles(**{k: finite(v) for k, v in zip(Quantiles.model_fields, q, strict=True)})


def _machines(ids: list[str]) -> str:
    ids = sorted(set(ids))
    return ", ".join(ids) if len(ids) <= 4 else f"{ids[0]}..{ids[-1]} ({len(ids)} machines)"


def explain(demand: ItemDemand, horizon_days: int) -> str:
    total = demand.samples
    parts = []
    planned = [p for p in demand.maintenance.planned if p.qty > 0]
    if planned:
        parts.append(
            f"{demand.maintenance.planned_qty:g} planned for PM on "
            f"{_machines([p.equipment_id for p in planned])}"
        )
    if demand.maintenance.failure_rates:
        unplanned = demand.maintenance.unplanned_samples
        p90 = np.quantile(unplanned, 0.9, method="inverted_cdf")
        parts.append(f"{unplanned.mean():.1f} expected from breakdowns (90% up to {p90:g})")
    other = demand.residual_samples
    if other.mean() > 0.05 or not parts:
        parts.append(f"{other.mean():.1f} other demand")
    p90 = np.quantile(total, 0.9, method="inverted_cdf")
    return (
        f"Next {horizon_days} days: {', '.join(parts)}; "
        f"total {total.mean():.1f} (90% up to {p90:g})."
    )


def _period_rows(
    data: ForecastData, demand: ItemDemand, horizon_days: int, grain: str, seed: int
) -> list[PeriodRow]:
    width = GRAIN_DAYS[grain] if grain != "month" else 30
    starts = np.arange(0, horizon_days, width)
    origin = demand.origin
    daily = daily_series(
        data.issues.of_item(demand.item_id, demand.site_id), data.issues.start, origin
    )
    history = aggregate(daily, grain)
    # Items without maintenance demand: the statistical default (class model + NB), when
    # the history holds a few periods; the rest: the combined model per window.
    statistical = not demand.maintenance.applies and len(history) >= 4 and history.any()
    if statistical:
        h = len(starts)
        fc = forecast_periods(
            history[None, :],
            h,
            lambda t, k, names: point_forecasts(t, k, names, grain=grain, n_jobs=1),
        )
        scale = np.minimum(horizon_days - starts, width) / width
        means = fc.point[0] * scale
        disp = widen(dispersion(history[None, :]), fc.calibration.dispersion_factor)
        q = nb_quantiles(means[None, :], disp, np.array([0.1, 0.5, 0.9]))[0]
    rows = []
    for k, start in enumerate(starts):
        end = min(start + width, horizon_days)
        if statistical:
            mean, (p10, p50, p90) = means[k], q[k]
        else:
            # The window's samples from the model the horizon's forecast built: the
            # maintenance model (schedules, kit coverage) once per call, not once a period.
            samples = window_samples(
                data, demand, float(start), float(end), n_samples=2000, seed=seed + k
            )
            mean = samples.mean()
            p10, p50, p90 = np.quantile(samples, [0.1, 0.5, 0.9], method="inverted_cdf")
        first = (origin + pd.Timedelta(days=float(start))).date()
        last = (origin + pd.Timedelta(days=float(end) - 1)).date()
        rows.append(
            PeriodRow(
                start=first,
                end=last,
                mean=finite(mean),
                p10=finite(p10),
                p50=finite(p50),
                p90=finite(p90),
            )
        )
    return rows


def forecast_item(
    data: ForecastData,
    item_id: str,
    site_id: str | None,
    horizon_days: int,
    grain: str = "month",
    *,
    seed: int = 0,
) -> tuple[ItemForecast, list[str]]:
    """The item's forecast and the notes on its limits."""
    demand = item_demand(data, item_id, site_id, float(horizon_days), seed=seed)
    daily = daily_series(data.issues.of_item(item_id, site_id), data.issues.start, demand.origin)
    monthly = aggregate(daily, "month")
    adi, cv2 = adi_cv2(monthly[None, :]) if len(monthly) else (np.array([np.inf]), np.array([0.0]))
    items = data.dataset.items
    description = items.loc[items["item_id"] == item_id, "description"]
    maint = demand.maintenance
    result = ItemForecast(
        item_id=item_id,
        description=str(description.iloc[0]) if len(description) else "",
        site_id=site_id,
        horizon_days=horizon_days,
        grain=grain,
        demand_class=str(classify(monthly[None, :])[0]) if len(monthly) else "no_demand",
        adi=finite(adi[0]) if np.isfinite(adi[0]) else None,
        cv2=finite(cv2[0]),
        total_mean=finite(demand.samples.mean()),
        total=quantiles_of(demand.samples),
        planned_qty=finite(maint.planned_qty),
        planned=[
            PlannedRow(
                plan_id=p.plan_id,
                equipment_id=p.equipment_id,
                qty_per_service=finite(p.qty_each),
                due_dates=[d.date() for d in p.due],
                qty=finite(p.qty),
            )
            for p in maint.planned
        ],
        breakdown_mean=finite(maint.unplanned_mean),
        breakdown=quantiles_of(maint.unplanned_samples),
        expected_breakdowns=finite(maint.expected_failures),
        breakdowns_per_1000h={k: finite(v) for k, v in maint.failure_rates.items()},
        other_mean=finite(demand.residual_samples.mean()),
        periods=_period_rows(data, demand, horizon_days, grain, seed),
        method=demand.method,
        explanation=explain(demand, horizon_days),
    )
    return result, demand.notes
