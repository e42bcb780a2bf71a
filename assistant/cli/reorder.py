"""`stockwise reorder` and `stockwise simulate`: recommended reorder points next to the
current ones, and the policies replayed on the plant's own history with a trade-off chart.
Their options come from the tools' input models (assistant/cli/from_model.py)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from stockwise.assistant.cli.from_model import with_model_options
from stockwise.assistant.cli.output import console, evidence_line, fail, pairs_table, rows_table
from stockwise.assistant.startup import open_context
from stockwise.tools.core.errors import StockwiseError
from stockwise.tools.replenish import (
    RecommendReorderInput,
    SimulatePolicyInput,
    recommend_reorder,
    simulate_policy,
)
from stockwise.tools.replenish.items import item_site_facts
from stockwise.tools.replenish.selection import select_rows
from stockwise.tools.replenish.tradeoff import tradeoff_chart, tradeoff_curve

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


# A terminal shows 30 rows; the tool's own default (50) is what the agent gets.
@with_model_options(RecommendReorderInput, defaults={"limit": 30})
def reorder(args: RecommendReorderInput, as_json: bool = JSON) -> None:
    """Recommended reorder point, safety stock and order quantity per item and site for its
    criticality's service target, next to the current policy and the stock value each holds."""
    try:
        result = recommend_reorder(open_context(), args)
    except StockwiseError as exc:
        fail(exc)
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    rows = [
        {"item": f"{r.item_id}@{r.site_id} {r.criticality}"}
        | {REORDER_COLUMNS[k]: _whole(getattr(r, k)) for k in REORDER_COLUMNS}
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
