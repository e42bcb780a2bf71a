"""The `wip_component_needs` and `stockout_risk` agent tools: what open production orders
still need and when, and which items will fall below safety stock within their lead time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from stockwise.tools.core.contract import fills, optional_number
from stockwise.tools.core.errors import InvalidArgumentError, UnknownEntityError
from stockwise.tools.core.results import MAX_EVIDENCE_IDS, Evidence, ToolResult
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.replenish.selection import CriticalOnly, Group, Site, check_item, select_rows

if TYPE_CHECKING:
    import pandas as pd


class ComponentNeed(BaseModel):
    order_id: str
    product_item_id: str
    item_id: str
    qty: float
    level: int = Field(description="1 = on the product's BOM, 2+ = inside a sub-assembly")
    path: str
    stage: str | None
    need_date: str
    on_schedule_date: str
    delay_days: float


class StockAlert(BaseModel):
    item_id: str
    site_id: str
    description: str | None
    criticality: str
    on_hand: float
    safety_stock: float
    lowest_projected: float = Field(description="Negative: short by that much")
    below_safety_on: str
    runs_out_on: str | None
    order_by: str = Field(description="Below-safety date minus lead time (today if passed)")
    caused_by_orders: list[str]
    message: str


class WipNeedsInput(BaseModel):
    order_id: str | None = Field(None, description="One production order")
    product_item_id: str | None = Field(None, description="All open orders of a product")
    site_id: Site = None


class WipNeedsResult(ToolResult):
    needs: list[ComponentNeed]
    alerts: list[StockAlert]
    can_wait: list[str]


class StockoutRiskInput(BaseModel):
    horizon_days: float | None = optional_number(
        "Days ahead; omit to use each item's own lead time", fills("days"), gt=0, le=730
    )
    group: Group = None
    site_id: Site = None
    critical_only: CriticalOnly = False
    limit: int = Field(50, ge=1, le=10000, json_schema_extra=fills("top"))


class StockoutRiskResult(ToolResult):
    alerts: list[StockAlert]
    total_alerts: int
    can_wait: list[str]


def bought_only(ds, facts: pd.DataFrame) -> pd.DataFrame:
    """Rows of items that are bought, not made: a made item's stock also grows with
    production output, which this projection does not model."""
    made = set(ds.boms["parent_item_id"])
    return facts[~facts["item_id"].isin(made)].reset_index(drop=True)


def _date(value) -> str | None:
    import pandas as pd

    return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _day(value) -> str:
    """`_date` of a date that is always set (a computed need or breach date)."""
    day = _date(value)
    assert day is not None, "a computed date is never missing"
    return day


def _alerts(ds, risk: pd.DataFrame, needs: pd.DataFrame) -> list[StockAlert]:
    import numpy as np
    import pandas as pd

    today = ds.as_of.normalize()
    alerts = []
    # Soonest first: the day stock falls below safety, then the day it runs out (never last),
    # then item and site, so ties read in one order on every run.
    at_risk = risk.dropna(subset=["below_safety_on"]).sort_values(
        ["below_safety_on", "runs_out_on", "item_id", "site_id"], na_position="last", kind="stable"
    )
    for r in at_risk.itertuples():
        mine = needs[
            (needs["item_id"] == r.item_id)
            & (needs["site_id"] == r.site_id)
            & (needs["need_date"] <= r.below_safety_on)
        ]
        orders = [f"{o} ({q:g})" for o, q in mine.groupby("order_id")["qty"].sum().items()]
        lead = 0 if np.isnan(r.lead_days) else int(r.lead_days)
        order_by = max(r.below_safety_on - pd.Timedelta(days=lead), today)
        short = (
            f"; runs out {_date(r.runs_out_on)} (short {-r.lowest_projected:.1f})"
            if pd.notna(r.runs_out_on)
            else ""
        )
        cause = f"; needed by open orders {', '.join(orders)}" if orders else ""
        alerts.append(
            StockAlert(
                item_id=r.item_id,
                site_id=r.site_id,
                description=r.description,
                criticality=r.criticality,
                on_hand=r.on_hand_qty,
                safety_stock=r.safety_stock,
                lowest_projected=r.lowest_projected,
                below_safety_on=_day(r.below_safety_on),
                runs_out_on=_date(r.runs_out_on),
                order_by=_day(order_by),
                caused_by_orders=list(mine["order_id"].unique()),
                message=(
                    f"{r.item_id} at {r.site_id} falls below safety stock {r.safety_stock:g} on "
                    f"{_day(r.below_safety_on)}{short}{cause}; order by {_day(order_by)}"
                ),
            )
        )
    return alerts


def _can_wait(ds, risk: pd.DataFrame, needs: pd.DataFrame) -> list[str]:
    """Purchases a stalled order lets wait: the item falls below safety stock later than it
    would with every order on schedule (or not at all within the horizon)."""
    import pandas as pd

    today = ds.as_of.normalize()
    out = []
    for r in risk.dropna(subset=["below_safety_on_schedule_on"]).itertuples():
        mine = needs[(needs["item_id"] == r.item_id) & (needs["site_id"] == r.site_id)]
        if mine.empty or mine["delay_days"].max() <= 0:
            continue
        if pd.isna(r.below_safety_on):
            beyond = today + pd.Timedelta(days=int(r.horizon_days) + 1)
            days, prefix = (beyond - r.below_safety_on_schedule_on).days, "at least "
        else:
            days, prefix = (r.below_safety_on - r.below_safety_on_schedule_on).days, ""
        if days <= 0:
            continue
        worst = mine.loc[mine["delay_days"].idxmax()]
        move = "a week" if 6 <= days <= 8 and not prefix else f"{prefix}{days} day(s)"
        out.append(
            f"order {worst.order_id} ({worst.product_item_id}) has been at "
            f"{worst.current_stage} {worst.stage_elapsed_days:.0f} days against a typical "
            f"{worst.stage_typical_days:.0f}: the {r.item_id} ({r.description}) purchase can "
            f"move {move}"
        )
    return out


def _need_rows(needs: pd.DataFrame) -> list[ComponentNeed]:
    return [
        ComponentNeed(
            order_id=n.order_id,
            product_item_id=n.product_item_id,
            item_id=n.item_id,
            qty=n.qty,
            level=n.level,
            path=n.path,
            stage=n.stage,
            need_date=_day(n.need_date),
            on_schedule_date=_day(n.on_schedule_date),
            delay_days=n.delay_days,
        )
        for n in needs.itertuples()
    ]


def wip_component_needs(ctx: ToolContext, args: WipNeedsInput) -> WipNeedsResult:
    """Components the open production orders (one order, all of a product, or those of one
    site) still need, exploded through sub-assemblies, with the date each is needed given
    where the order is (a stalled order moves its later needs back); alerts where the needs
    push a component below safety stock within its lead time, and purchases that can wait."""
    from stockwise.tools.replenish.items import item_site_facts
    from stockwise.tools.replenish.policy import plan_policies
    from stockwise.tools.replenish.risk import risk_table
    from stockwise.tools.replenish.wip import OPEN_STATUSES, component_needs

    ds = ctx.dataset
    orders = ds.production_orders
    if args.order_id is not None:
        orders = orders[orders["order_id"] == args.order_id]
        if orders.empty:
            raise UnknownEntityError("production order", args.order_id)
        if orders["status"].iloc[0] not in OPEN_STATUSES:
            raise InvalidArgumentError(
                f"order {args.order_id} is {orders['status'].iloc[0]}: only released or "
                "in-progress orders still need components"
            )
    else:
        if args.product_item_id is not None:
            check_item(ds, args.product_item_id)
            orders = orders[orders["product_item_id"] == args.product_item_id]
        orders = orders[orders["status"].isin(OPEN_STATUSES)]
    if args.site_id is not None:
        sites = set(ds.sites["site_id"])
        if args.site_id not in sites:
            raise UnknownEntityError("site", args.site_id, sorted(sites)[:5])
        orders = orders[orders["site_id"] == args.site_id]
    all_needs = component_needs(ds)  # every open order competes for the same stock
    needs = all_needs[all_needs["order_id"].isin(orders["order_id"])]
    facts = bought_only(ds, item_site_facts(ds))
    keys = needs[["item_id", "site_id"]].drop_duplicates()
    facts = facts.merge(keys, on=["item_id", "site_id"])
    plan = plan_policies(ds, ctx.settings, facts=facts, executor=ctx.executor)
    risk = risk_table(ds, plan, all_needs)
    return WipNeedsResult(
        needs=_need_rows(needs),
        alerts=_alerts(ds, risk, needs),
        can_wait=_can_wait(ds, risk, needs),
        evidence=Evidence(
            tool="wip_component_needs",
            params=args.model_dump(),
            as_of=ds.as_of,
            rows_used={
                "production_orders": len(orders),
                "boms": len(ds.boms),
                "order_progress": len(ds.order_progress),
            },
            ids=list(orders["order_id"])[:MAX_EVIDENCE_IDS],
            notes=[
                "stage times = median of finished stages; an overrun stage is assumed to end today",
                "production not yet released draws at its 90-day historical rate at least",
            ],
        ),
    )


def stockout_risk(ctx: ToolContext, args: StockoutRiskInput) -> StockoutRiskResult:
    """Items whose projected stock (on hand, minus the usual daily draw, minus what open
    production orders will take and when) falls below safety stock within the horizon
    (default: each item's lead time), soonest first, with the orders causing it and the
    latest date to order; plus purchases a stalled production order lets wait."""
    from stockwise.tools.replenish.items import item_site_facts
    from stockwise.tools.replenish.policy import plan_policies
    from stockwise.tools.replenish.risk import risk_table
    from stockwise.tools.replenish.wip import component_needs

    ds = ctx.dataset
    facts = select_rows(
        ds,
        item_site_facts(ds),
        group=args.group,
        site_id=args.site_id,
        critical_only=args.critical_only,
    )
    plan = plan_policies(ds, ctx.settings, facts=bought_only(ds, facts), executor=ctx.executor)
    needs = component_needs(ds)
    risk = risk_table(ds, plan, needs, args.horizon_days)
    alerts = _alerts(ds, risk, needs)
    return StockoutRiskResult(
        alerts=alerts[: args.limit],
        total_alerts=len(alerts),
        can_wait=_can_wait(ds, risk, needs),
        evidence=Evidence(
            tool="stockout_risk",
            params=args.model_dump(),
            as_of=ds.as_of,
            rows_used={
                "stock_levels": len(facts),
                "production_orders": needs["order_id"].nunique(),
            },
            ids=[f"{a.item_id}@{a.site_id}" for a in alerts[:MAX_EVIDENCE_IDS]],
            notes=[
                "safety stock = the recommended one (recorded one if none can be computed)",
                "bought items only: made items (with a BOM) also receive production output",
            ],
        ),
    )
