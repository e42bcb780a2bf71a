"""The `recommend_reorder` agent tool: recommended vs current reorder points and the stock
value each implies."""

from __future__ import annotations

from pydantic import BaseModel, Field

from stockwise.tools.core.contract import cli, fills
from stockwise.tools.core.results import MAX_EVIDENCE_IDS, Evidence, ToolResult
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.replenish.selection import CriticalOnly, Group, Site, select_rows


class RecommendReorderInput(BaseModel):
    item_id: str | None = Field(
        None,
        description="One item; omit for a whole group or all.",
        json_schema_extra=fills("item") | cli("--item"),
    )
    group: Group = None
    site_id: Site = None
    critical_only: CriticalOnly = False
    mro_subtype: str | None = Field(
        None,
        description="Recorded MRO subtype: spare_part, consumable, tool or safety.",
        json_schema_extra=fills("mro_subtype"),
    )
    limit: int = Field(
        50,
        ge=1,
        le=100000,
        description="Most rows listed (largest change first).",
        json_schema_extra=fills("top"),
    )


class ReorderRecommendation(BaseModel):
    item_id: str
    site_id: str
    description: str | None
    group: str | None
    criticality: str
    target_service: float
    lead_time_days: float | None
    avg_daily_demand: float
    lead_time_demand_mean: float | None
    on_hand: float
    current_reorder_point: float | None
    current_order_qty: float | None
    recommended_reorder_point: float | None
    recommended_safety_stock: float | None
    recommended_order_qty: float | None
    current_stock_value: float
    recommended_stock_value: float
    reorder_now: bool = Field(description="On hand is at or below the recommended reorder point.")
    note: str = ""


class RecommendReorderResult(ToolResult):
    measure: str = Field(description="fill_rate or cycle: how targets are read")
    rows: list[ReorderRecommendation]
    total_rows: int
    current_stock_value: float = Field(description="Average stock value the current policy implies")
    recommended_stock_value: float
    problems: list[str]


def _none(value):
    import numpy as np

    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value


def recommend_reorder(ctx: ToolContext, args: RecommendReorderInput) -> RecommendReorderResult:
    """Recommended reorder point, safety stock and order quantity per item and site, for the
    service target of its criticality (A 99%, B 95%, C 90% by default), from the demand over
    the lead time in the last year; side by side with the current policy and the average
    stock value each implies. Filter by item, group (mro/raw/wip), site, critical only or MRO
    subtype (spare parts, consumables, ...)."""
    from stockwise.tools.replenish.items import item_site_facts, lead_time_problems
    from stockwise.tools.replenish.policy import plan_policies

    ds = ctx.dataset
    facts = select_rows(
        ds,
        item_site_facts(ds),
        item_id=args.item_id,
        group=args.group,
        site_id=args.site_id,
        critical_only=args.critical_only,
        mro_subtype=args.mro_subtype,
    )
    plan = plan_policies(ds, ctx.settings, facts=facts, executor=ctx.executor)
    change = (plan["recommended_value"] - plan["current_value"]).abs()
    ordered = plan.assign(_change=change).sort_values("_change", ascending=False)
    rows = [_row(r) for r in ordered.head(args.limit).itertuples()]
    return RecommendReorderResult(
        measure=plan.attrs["measure"],
        rows=rows,
        total_rows=len(plan),
        current_stock_value=float(plan["current_value"].sum()),
        recommended_stock_value=float(plan["recommended_value"].sum()),
        problems=lead_time_problems(facts),
        evidence=Evidence(
            tool="recommend_reorder",
            params=args.model_dump(),
            as_of=ds.as_of,
            rows_used={"stock_levels": len(facts), "transactions": plan.attrs["demand_rows_used"]},
            ids=[f"{r.item_id}@{r.site_id}" for r in rows[:MAX_EVIDENCE_IDS]],
            notes=[
                f"lead-time demand from the last {plan.attrs['history_days']} days of demand "
                f"({', '.join(sorted(set(plan['ltd_method']) - {''})) or 'no demand'})",
                "stock value implied = (safety stock + half an order) x unit cost",
            ],
        ),
    )


def _row(r) -> ReorderRecommendation:
    import pandas as pd

    return ReorderRecommendation(
        item_id=r.item_id,
        site_id=r.site_id,
        description=r.description,
        group=_none(r.group),
        criticality=r.criticality,
        target_service=r.target_service,
        lead_time_days=_none(r.lead_time_days),
        avg_daily_demand=r.avg_daily_demand,
        lead_time_demand_mean=_none(r.ltd_mean),
        on_hand=r.on_hand_qty,
        current_reorder_point=_none(r.current_reorder_point),
        current_order_qty=_none(r.current_reorder_qty),
        recommended_reorder_point=_none(r.recommended_reorder_point),
        recommended_safety_stock=_none(r.recommended_safety_stock),
        recommended_order_qty=_none(r.recommended_order_qty),
        current_stock_value=r.current_value,
        recommended_stock_value=r.recommended_value,
        reorder_now=bool(
            pd.notna(r.recommended_reorder_point) and r.on_hand_qty <= r.recommended_reorder_point
        ),
        note=r.note,
    )
