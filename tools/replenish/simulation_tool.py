"""The `simulate_policy` agent tool: a policy replayed on the plant's own demand history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from stockwise.tools.core.contract import cli, fills
from stockwise.tools.core.errors import InvalidArgumentError
from stockwise.tools.core.results import ToolResult
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.replenish.selection import CriticalOnly, Group, Site, select_rows

if TYPE_CHECKING:
    from stockwise.tools.replenish.backtest import Backtest


class SimulatePolicyInput(BaseModel):
    item_id: str | None = Field(
        None,
        description="One item id; omit for a whole group or all.",
        json_schema_extra=fills("item") | cli("--item"),
    )
    group: Group = None
    site_id: Site = None
    critical_only: CriticalOnly = False
    policy: Literal["current", "recommended", "given"] = Field(
        "recommended",
        description="current = reorder points in stock_levels; given = reorder_point and "
        "order_qty below (one item only)",
    )
    reorder_point: float | None = Field(None, ge=0, description="With policy 'given'.")
    order_qty: float | None = Field(None, gt=0, description="With policy 'given'.")
    months: int = Field(12, ge=1, le=60, description="Months of history replayed")


class PolicyFigures(BaseModel):
    policy: str
    group: str
    criticality: str
    items: int
    demand: float
    fill_rate: float
    target_fill_rate: float | None
    stockout_days: int
    stockouts: int
    emergency_orders: int = Field(description="stockouts of criticality-A items")
    orders: int
    average_inventory_value: float
    peak_inventory_value: float


class SimulatePolicyResult(ToolResult):
    start: str
    end: str
    figures: list[PolicyFigures] = Field(description="the chosen policy, then the current one")
    inventory_change: float | None = Field(
        None, description="average inventory value, chosen vs current - 1 (all items)"
    )
    emergency_change: float | None = None


def _figures(run: Backtest, targets: dict[str, float]) -> list[PolicyFigures]:
    out = []
    for row in run.table().itertuples():
        out.append(
            PolicyFigures(
                policy=run.policy,
                group=row.group,
                criticality=row.criticality,
                items=row.items,
                demand=row.demand,
                fill_rate=row.fill_rate,
                target_fill_rate=targets.get(row.criticality),
                stockout_days=row.stockout_days,
                stockouts=row.stockouts,
                emergency_orders=row.emergency_orders,
                orders=row.orders,
                average_inventory_value=row.average_inventory_value,
                peak_inventory_value=row.peak_inventory_value,
            )
        )
    return out


def simulate_policy(ctx: ToolContext, args: SimulatePolicyInput) -> SimulatePolicyResult:
    """Replay the real daily demand of the last `months` (default 12) under a reorder-point
    policy fixed at the start (recommended, current, or a given one for one item) and report
    fill rate, stockout days, emergency orders (stockouts of A items), average and peak
    inventory value and number of orders, per group and criticality, next to the current
    policy."""
    import numpy as np

    from stockwise.tools.replenish.backtest import backtest, plannable, window
    from stockwise.tools.replenish.items import item_site_facts, store_evidence
    from stockwise.tools.replenish.policy import plan_policies

    ds = ctx.dataset
    if args.policy == "given" and (
        args.item_id is None or args.reorder_point is None or args.order_qty is None
    ):
        raise InvalidArgumentError(
            "a given policy needs item_id, reorder_point and order_qty (one item at a time)"
        )
    facts = select_rows(
        ds, item_site_facts(ds), item_id=args.item_id, group=args.group,
        site_id=args.site_id, critical_only=args.critical_only,
    )  # fmt: skip
    start, end = window(ds, args.months)
    plan = plannable(plan_policies(ds, ctx.settings, as_of=start, facts=facts))
    if plan.empty:
        raise InvalidArgumentError(
            "nothing to simulate: the selected items lack a lead time or a current reorder "
            "point and quantity in stock_levels"
        )
    chosen_plan = plan
    if args.policy == "given":
        chosen_plan = plan.copy()
        chosen_plan["recommended_reorder_point"] = args.reorder_point
        chosen_plan["recommended_order_qty"] = args.order_qty
    chosen = backtest(ds, ctx.settings, facts, args.policy, args.months, plan=chosen_plan)
    chosen.policy = args.policy
    runs = [chosen]
    if args.policy != "current":
        runs.append(backtest(ds, ctx.settings, facts, "current", args.months, plan=plan))
    s = ctx.settings
    targets = {"A": s.service_level_a, "B": s.service_level_b, "C": s.service_level_c}
    figures = [f for run in runs for f in _figures(run, targets)]
    if args.group is not None:  # the "all" rows would repeat the group's
        figures = [f for f in figures if f.group != "all"]
    change = emergency = None
    if len(runs) == 2:
        a, b = runs[0].figures(), runs[1].figures()
        if b["average_inventory_value"] > 0:
            change = a["average_inventory_value"] / b["average_inventory_value"] - 1.0
        if b["emergency_orders"] > 0:
            emergency = a["emergency_orders"] / b["emergency_orders"] - 1.0
    return SimulatePolicyResult(
        start=start.date().isoformat(),
        end=(end - np.timedelta64(1, "D")).date().isoformat(),
        figures=figures,
        inventory_change=change,
        emergency_change=emergency,
        evidence=store_evidence(
            "simulate_policy",
            args,
            ds,
            len(plan),
            plan.attrs.get("demand_rows_used", 0),
            ids=list(plan["item_id"].head(50)),
            notes=[
                "policy computed from the history before the start (no look-ahead)",
                "each item starts with reorder point + order quantity on hand; unmet demand is "
                "lost (bought in a hurry), a run of stockout days counts as one stockout",
                f"{len(facts) - len(plan)} selected rows left out: no lead time or no current "
                "policy",
            ],
        ),
    )
