"""What a forecast tool returns: the result models and the rounding their figures get.
Kept apart from the forecasting code (statsforecast, scipy) so that the agent's tool list
can be built without loading it."""

from __future__ import annotations

import math
from datetime import date

from pydantic import BaseModel, Field


def finite(value: float) -> float:
    """A figure a user can read: never NaN or infinite (0 where undefined), 2 decimals."""
    value = float(value)
    return round(value, 2) if math.isfinite(value) else 0.0


class Quantiles(BaseModel):
    p10: float
    p50: float
    p80: float
    p90: float
    p95: float


class PeriodRow(BaseModel):
    start: date
    end: date = Field(description="last day of the period")
    mean: float
    p10: float
    p50: float
    p90: float


class PlannedRow(BaseModel):
    plan_id: str
    equipment_id: str
    qty_per_service: float
    due_dates: list[date]
    qty: float


class ItemForecast(BaseModel):
    item_id: str
    description: str
    site_id: str | None
    horizon_days: int
    grain: str
    demand_class: str = Field(description="Syntetos-Boylan: smooth, erratic, intermittent, lumpy")
    adi: float | None = Field(description="average periods between demands (monthly)")
    cv2: float = Field(description="squared coefficient of variation of demand sizes")
    total_mean: float
    total: Quantiles
    planned_qty: float = Field(description="from PM plans' part kits due in the horizon")
    planned: list[PlannedRow]
    breakdown_mean: float = Field(description="expected from corrective work orders")
    breakdown: Quantiles
    expected_breakdowns: float
    breakdowns_per_1000h: dict[str, float]
    other_mean: float = Field(description="demand not tied to maintenance, forecast statistically")
    periods: list[PeriodRow]
    method: str
    explanation: str
