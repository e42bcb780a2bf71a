"""The forecaster's agent tools: forecast_demand, lead_time_demand, demand_profile."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from stockwise.tools.core.contract import cli, fills
from stockwise.tools.core.errors import InvalidArgumentError
from stockwise.tools.core.results import Evidence, ToolResult
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.forecast.results import ItemForecast, Quantiles, finite


def _resolve(ctx: ToolContext, item: str, site: str | None) -> tuple[str, str | None]:
    from stockwise.tools.stock.common import open_index

    index, resolve = open_index(ctx)
    item_id = str(index.items.iloc[resolve.item(item)]["item_id"])
    site_id = str(index.sites.iloc[resolve.site(site)]["site_id"]) if site else None
    return item_id, site_id


def _evidence(
    ctx: ToolContext, tool: str, args: BaseModel, item_id: str, notes: list[str]
) -> Evidence:
    from stockwise.tools.forecast.combined import forecast_data

    data = forecast_data(ctx)
    ds = ctx.dataset
    return Evidence(
        tool=tool,
        params=args.model_dump(mode="json", exclude_none=True),
        as_of=data.issues.as_of.to_pydatetime(),
        rows_used={
            "transactions": int(len(data.issues.of_item(item_id))),
            "pm_plans": len(ds.pm_plans),
            "work_orders": len(ds.work_orders),
            "equipment_usage": len(ds.equipment_usage),
        },
        ids=[item_id],
        notes=notes,
    )


class ForecastDemandInput(BaseModel):
    item: str = Field(
        description="Item id or description, e.g. 'hydraulic seal' or '4410'.",
        json_schema_extra=fills("item") | cli(positional=True),
    )
    horizon: str = Field(
        default="90d",
        description="How far ahead: 90d, 12w, 3m (days, weeks, months).",
        json_schema_extra=fills(days="horizon_text"),
    )
    site: str | None = Field(
        default=None,
        description="Site id or name; omit for all sites.",
        json_schema_extra=fills("site"),
    )
    grain: Literal["month", "week"] = Field(default="month", description="Periods of the table.")


class ForecastDemandResult(ToolResult):
    forecast: ItemForecast


def forecast_demand(ctx: ToolContext, args: ForecastDemandInput) -> ForecastDemandResult:
    """Forecast an item's demand over a horizon, with quantiles (p10..p95), split into demand
    planned by PM plans (part kits due on each machine), expected from breakdowns (failures
    per 1,000 run-hours x parts per corrective work order) and other demand, plus a table
    per month or week and a one-line explanation."""
    # The statistical models (statsforecast, scipy) load on the first forecast, not with the
    # tool list: importing stockwise.tools.forecast took 2.0 s of CPU with them, 0.7 s without.
    from stockwise.tools.forecast.combined import forecast_data
    from stockwise.tools.forecast.item import forecast_item, parse_horizon

    horizon = parse_horizon(args.horizon)
    item_id, site_id = _resolve(ctx, args.item, args.site)
    fc, notes = forecast_item(forecast_data(ctx), item_id, site_id, horizon, args.grain)
    return ForecastDemandResult(
        forecast=fc, evidence=_evidence(ctx, "forecast_demand", args, item_id, notes)
    )


class LeadTimeDemandInput(BaseModel):
    item: str = Field(
        description="Item id or description.",
        json_schema_extra=fills("item") | cli(positional=True),
    )
    service_level: float = Field(
        default=0.95, description="Probability of covering lead-time demand, 0.5-0.999."
    )
    site: str | None = Field(
        default=None,
        description="Site id or name; omit for all sites.",
        json_schema_extra=fills("site"),
    )
    lead_time_days: float | None = Field(
        default=None, description="Override; default the item's own (else its supplier's)."
    )


class LeadTimeDemandResult(ToolResult):
    item_id: str
    lead_time_days: float
    service_level: float
    mean: float = Field(description="expected demand over the lead time")
    quantile_at_service_level: float = Field(
        description="stock that covers lead-time demand with that probability"
    )
    quantiles: Quantiles
    method: str


def lead_time_demand(ctx: ToolContext, args: LeadTimeDemandInput) -> LeadTimeDemandResult:
    """Distribution of an item's demand over its replenishment lead time: the mean and the
    quantile at the service level (the stock a reorder point must hold to cover it), counting
    PM kits due and expected breakdowns within the lead time."""
    import numpy as np

    from stockwise.tools.forecast.leadtime import item_lead_time_days, lead_time_distribution

    if not 0.5 <= args.service_level <= 0.999:
        raise InvalidArgumentError(
            f"service level {args.service_level}: give a probability between 0.5 and 0.999"
        )
    if args.lead_time_days is not None and not 0 < args.lead_time_days <= 730:
        raise InvalidArgumentError(f"lead time {args.lead_time_days} days: between 0 and 730 days")
    item_id, site_id = _resolve(ctx, args.item, args.site)
    lead, note = (
        (args.lead_time_days, None) if args.lead_time_days else item_lead_time_days(ctx, item_id)
    )
    dist = lead_time_distribution(ctx, item_id, site_id, lead)
    notes = ([note] if note else []) + dist.notes
    samples = dist.samples
    q = np.quantile(samples, [0.1, 0.5, 0.8, 0.9, 0.95], method="inverted_cdf")
    return LeadTimeDemandResult(
        item_id=item_id,
        lead_time_days=float(lead),
        service_level=args.service_level,
        mean=finite(dist.mean),
        quantile_at_service_level=finite(dist.quantile(args.service_level)),
        quantiles=Quantiles(
            **{k: finite(v) for k, v in zip(Quantiles.model_fields, q, strict=True)}
        ),
        method=dist.method,
        evidence=_evidence(ctx, "lead_time_demand", args, item_id, notes),
    )


class DemandProfileInput(BaseModel):
    item: str = Field(
        description="Item id or description.",
        json_schema_extra=fills("item") | cli(positional=True),
    )
    site: str | None = Field(
        default=None,
        description="Site id or name; omit for all sites.",
        json_schema_extra=fills("site"),
    )


class DemandProfileResult(ToolResult):
    item_id: str
    demand_class: str = Field(description="Syntetos-Boylan class of monthly demand")
    adi: float | None = Field(description="average months between demands (null: no demand)")
    cv2: float = Field(description="squared coefficient of variation of the demand sizes")
    months: int
    months_with_demand: int
    total_demand: float
    last_12_months: list[float] = Field(description="demand per 30-day month, oldest first")
    share_preventive: float = Field(description="share of demand issued to preventive work orders")
    share_corrective: float = Field(description="share issued to corrective work orders")
    share_other: float


def demand_profile(ctx: ToolContext, args: DemandProfileInput) -> DemandProfileResult:
    """How an item's demand behaves: Syntetos-Boylan class (smooth, erratic, intermittent,
    lumpy) with ADI and CV^2, months with demand, the last 12 months, and how much of it went
    to preventive and to corrective maintenance."""
    import numpy as np

    from stockwise.tools.forecast.classify import adi_cv2, classify
    from stockwise.tools.forecast.combined import forecast_data
    from stockwise.tools.forecast.history import aggregate, daily_series

    item_id, site_id = _resolve(ctx, args.item, args.site)
    data = forecast_data(ctx)
    rows = data.issues.of_item(item_id, site_id)
    monthly = aggregate(daily_series(rows, data.issues.start, data.issues.as_of), "month")
    adi, cv2 = adi_cv2(monthly[None, :])
    kinds = rows.merge(
        data.work_orders[["wo_id", "wo_type"]], left_on="ref_id", right_on="wo_id", how="left"
    )
    total = float(rows["qty"].sum())
    share = {
        t: float(kinds.loc[kinds["wo_type"] == t, "qty"].sum()) / total if total > 0 else 0.0
        for t in ("preventive", "corrective")
    }
    notes = [] if len(monthly) >= 12 else [f"only {len(monthly)} months of history"]
    return DemandProfileResult(
        item_id=item_id,
        demand_class=str(classify(monthly[None, :])[0]) if len(monthly) else "no_demand",
        adi=finite(adi[0]) if len(monthly) and np.isfinite(adi[0]) else None,
        cv2=finite(cv2[0]) if len(monthly) else 0.0,
        months=len(monthly),
        months_with_demand=int(np.count_nonzero(monthly)),
        total_demand=finite(total),
        last_12_months=[finite(v) for v in monthly[-12:]],
        share_preventive=finite(share["preventive"]),
        share_corrective=finite(share["corrective"]),
        share_other=finite(1.0 - share["preventive"] - share["corrective"]) if total > 0 else 0.0,
        evidence=_evidence(ctx, "demand_profile", args, item_id, notes),
    )
