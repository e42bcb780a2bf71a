"""`stockwise reorder` and `stockwise simulate`: recommended reorder points next to the
current ones, and the policies replayed on the plant's own history with a trade-off chart.
Their options come from the tools' input models (assistant/cli/from_model.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from pydantic import ValidationError

from stockwise.assistant.cli.from_model import with_model_options
from stockwise.assistant.cli.output import console, evidence_line, fail, pairs_table, rows_table
from stockwise.assistant.startup import open_context
from stockwise.tools.core.errors import StockwiseError
from stockwise.tools.core.results import ToolResult
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.replenish import (
    RecommendReorderInput,
    ServiceLevelsInput,
    SimulatePolicyInput,
    plan_service_levels,
    recommend_reorder,
    simulate_policy,
)
from stockwise.tools.replenish.items import item_site_facts
from stockwise.tools.replenish.selection import select_rows
from stockwise.tools.replenish.tradeoff import tradeoff_chart, tradeoff_curve

In = TypeVar("In")
Out = TypeVar("Out", bound=ToolResult)

JSON = typer.Option(False, "--json", help="Print the result as JSON.")

# Short headings so the table fits a terminal: field -> heading.
REORDER_COLUMNS = {
    "on_hand": "on hand",  # $ = implied average stock value
    "current_reorder_point": "rop now", "recommended_reorder_point": "rop new",
    "current_order_qty": "qty now", "recommended_order_qty": "qty new",
    "current_stock_value": "$ now", "recommended_stock_value": "$ new",
}  # fmt: skip
FIGURE_COLUMNS = {
    "policy": "policy", "group": "group", "criticality": "cls", "fill_rate": "fill",
    "target_fill_rate": "target", "stockout_days": "out days", "emergency_orders": "emerg",
    "orders": "orders", "average_inventory_value": "avg $", "peak_inventory_value": "peak $",
}  # fmt: skip
CURVE_COLUMNS = {
    "group": "group", "policy": "policy", "target": "target", "fill_rate": "fill",
    "average_inventory_value": "avg $", "emergency_orders": "emerg", "orders": "orders",
}  # fmt: skip


def _short(records: list[dict], columns: dict[str, str]) -> list[dict]:
    """Rows with short headings, money as whole numbers and rates to 3 decimals."""
    out = []
    for record in records:
        row = {}
        for key, heading in columns.items():
            value = record.get(key)
            if isinstance(value, float) and value != value:  # NaN: no target
                value = None
            elif isinstance(value, float) and key.endswith("value"):
                value = float(round(value))
            elif isinstance(value, float):
                value = round(value, 3)
            row[heading] = value
        out.append(row)
    return out


def _whole(value: float | None) -> float | None:
    """Whole numbers keep the table narrow; --json has the exact values."""
    return None if value is None else float(round(value))


def _run(tool: Callable[[ToolContext, In], Out], args: In, as_json: bool) -> Out | None:
    """The tool's result, or None once printed as JSON; a tool error ends the command."""
    try:
        result = tool(open_context(), args)
    except StockwiseError as exc:
        fail(exc)
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return None
    return result


def _item(row: Any) -> str:
    return f"{row.item_id}@{row.site_id} {row.criticality}"


# A terminal shows 30 rows; the tool's own default (50) is what the agent gets.
@with_model_options(RecommendReorderInput, defaults={"limit": 30})
def reorder(
    args: RecommendReorderInput,
    fill: str = typer.Option(
        None,
        "--fill",
        help="Store-wide fill rate (0.9 or 90%): reorder points chosen together "
        "for it at the least stock value.",
    ),
    budget: str = typer.Option(
        None, "--budget", help="Average stock value (7000000 or 7M): the most fill for it."
    ),
    compare: bool = typer.Option(
        False,
        "--compare-current",
        help="The cost-aware policy against the current reorder "
        "points, replayed on the last 12 months.",
    ),
    as_json: bool = JSON,
) -> None:
    """Recommended reorder point, safety stock and order quantity per item and site for its
    criticality's service target, next to the current policy and the stock value each holds.
    With --fill, --budget or --compare-current: the cost-aware plan for the whole store."""
    if fill is not None or budget is not None or compare:
        try:
            levels = ServiceLevelsInput.model_validate(
                {
                    "fill": fill,
                    "budget": budget,
                    "group": args.group,
                    "site_id": args.site_id,
                    "limit": args.limit,
                }  # fmt: skip
            )
        except ValidationError as exc:
            fail(exc)
        _service_levels(levels, as_json)
        return
    result = _run(recommend_reorder, args, as_json)
    if result is None:
        return
    rows = [
        {"item": _item(r)} | {REORDER_COLUMNS[k]: _whole(getattr(r, k)) for k in REORDER_COLUMNS}
        for r in result.rows
    ]
    title = f"Reorder policy ({result.measure.replace('_', ' ')} targets)"
    console.print(rows_table(title, rows, ["item", *REORDER_COLUMNS.values()]))
    saving = result.recommended_stock_value - result.current_stock_value
    console.print(pairs_table(None, {
        "rows planned": result.total_rows,
        "current stock value (implied average)": result.current_stock_value,
        "recommended stock value (implied average)": result.recommended_stock_value,
        "change": saving,
    }))  # fmt: skip
    for problem in result.problems:
        console.print(f"[yellow]note:[/] {problem}", highlight=False)
    console.print(f"[dim]{evidence_line(result.evidence)}[/]", highlight=False)


def _service_levels(args: ServiceLevelsInput, as_json: bool) -> None:
    result = _run(plan_service_levels, args, as_json)
    if result is None:
        return
    rows = [
        {
            "item": _item(r),
            "price": _whole(r.unit_cost),
            "rop now": r.current_reorder_point,
            "rop new": r.recommended_reorder_point,
            "qty": r.order_qty,
            "fill": None if r.expected_fill is None else round(r.expected_fill, 3),
            "$ change": _whole(r.value_change),
        }  # fmt: skip
        for r in result.rows
    ]
    columns = ["item", "price", "rop now", "rop new", "qty", "fill", "$ change"]
    console.print(rows_table(f"Cost-aware reorder points: {result.goal}", rows, columns))
    summary = {
        "expected store fill": f"{result.expected_fill:.1%}"
        + ("" if result.reachable else " (the most this history supports)"),
        "expected average stock value": round(result.stock_value),
        "current reorder points: expected fill": None if result.current_expected_fill is None
        else f"{result.current_expected_fill:.1%}",
        "current reorder points: expected value": None if result.current_stock_value is None
        else round(result.current_stock_value),
        "rows planned": result.rows_planned,
    }  # fmt: skip
    if result.replay is not None:
        r = result.replay
        summary |= {
            f"replayed last {r.months_replayed} months, current": f"fill {r.current_fill:.1%}, "
            f"stock value {r.current_stock_value:,.0f}",
            f"replayed last {r.months_replayed} months, cost-aware": f"fill "
            f"{r.cost_aware_fill:.1%}, stock value {r.cost_aware_stock_value:,.0f}"
            + (f" ({r.value_ratio:.2f}x)" if r.value_ratio is not None else ""),
        }  # fmt: skip
    console.print(pairs_table(None, summary))
    for note in result.notes:
        console.print(f"[yellow]note:[/] {note}", highlight=False)
    console.print(f"[dim]{evidence_line(result.evidence)}[/]", highlight=False)


@with_model_options(SimulatePolicyInput)
def simulate(
    args: SimulatePolicyInput,
    chart: Path = typer.Option(
        None, "--chart", help="Write the trade-off chart (inventory value vs fill rate) here."
    ),
    as_json: bool = JSON,
) -> None:
    """Replay the last months of real demand under a reorder policy fixed at the start: fill
    rate, stockout days, emergency orders, average and peak stock value, orders."""
    try:
        ctx = open_context()
        result = simulate_policy(ctx, args)
        curve = None
        if chart is not None:
            facts = select_rows(
                ctx.dataset, item_site_facts(ctx.dataset), item_id=args.item_id,
                group=args.group, site_id=args.site_id, critical_only=args.critical_only,
            )  # fmt: skip
            curve = tradeoff_curve(ctx.dataset, ctx.settings, facts, args.months)
            title = f"Inventory value vs fill rate, last {args.months} months"
            tradeoff_chart(curve, chart, title)
    except StockwiseError as exc:
        fail(exc)
    if as_json:
        payload = json.loads(result.model_dump_json())
        if curve is not None:
            payload["tradeoff"] = json.loads(curve.to_json(orient="records"))
            payload["chart"] = str(chart)
        typer.echo(json.dumps(payload, indent=2))
        return
    columns = {k: v for k, v in FIGURE_COLUMNS.items() if k != "policy"}
    for policy in dict.fromkeys(f.policy for f in result.figures):
        mine = [f.model_dump() for f in result.figures if f.policy == policy]
        title = f"{policy.capitalize()} policy replayed {result.start} to {result.end}"
        console.print(rows_table(title, _short(mine, columns), list(columns.values())))
    changes = {
        "average inventory value vs current": result.inventory_change,
        "emergency orders vs current": result.emergency_change,
    }
    console.print(pairs_table(None, {k: f"{v:+.1%}" if v is not None else None
                                     for k, v in changes.items()}))  # fmt: skip
    if curve is not None:
        points = _short(curve.to_dict("records"), CURVE_COLUMNS)
        console.print(rows_table("Trade-off curve", points, list(CURVE_COLUMNS.values())))
        console.print(f"chart written to {chart}")
    console.print(f"[dim]{evidence_line(result.evidence)}[/]", highlight=False)
