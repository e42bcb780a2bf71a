"""`stockwise stock ...`: every stock tool as a command, with readable tables and `--json`.

Each command's options come from its tool's input model (assistant/cli/from_model.py);
what stays here is presentation: the command names, their one-line help and the columns
of the tables. `--json` prints the tool's result model as JSON (shapes in docs/json.md).
A refused argument (unknown item, impossible date) prints one clear line and exits 1.
"""

from __future__ import annotations

from collections.abc import Callable

import typer

from stockwise.assistant.cli.from_model import tool_command
from stockwise.assistant.cli.output import console, evidence_line, rows_table, show_result
from stockwise.assistant.startup import open_context
from stockwise.tools.core.results import ToolResult
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.stock import cover, flow, levels, value, wip

app = typer.Typer(
    help="Stock questions: on hand, demand, cover, value, variance, WIP. Add --json for scripts.",
    no_args_is_help=True,
)

# command name -> the tool it runs (docs/json.md names them; its test reads this).
TOOLS: dict[str, Callable] = {}


def _context() -> ToolContext:
    return open_context()  # looked up on every run, so a test can put its own plant here


def _tables(columns: dict[str, list[str]]) -> Callable[[ToolResult], None]:
    """Tables of the result's lists, with these columns (field name -> column names)."""
    return lambda result: show_result(result, columns)


def command(
    name: str,
    tool: Callable,
    help: str,
    render: Callable[[ToolResult], None] | None = None,
) -> None:
    TOOLS[name] = tool
    app.command(name, help=help)(tool_command(tool, _context, render))


def _show_on_hand(result: levels.OnHandResult) -> None:
    rows = []
    for item in result.items:
        head = {"item_id": item.item_id, "description": item.description, "uom": item.uom}
        rows += [
            {
                **head,
                "site": s.site_id,
                "on_hand": s.on_hand,
                "value": s.value,
                "reorder_point": s.reorder_point,
            }
            for s in item.sites
        ]
        rows.append({**head, "site": "total", "on_hand": item.on_hand, "value": item.value})
    columns = ["item_id", "description", "site", "on_hand", "uom", "value", "reorder_point"]
    console.print(rows_table("On hand", rows, columns))
    console.print(f"[dim]{evidence_line(result.evidence)}[/]", highlight=False)


ITEM_COLS = ["item_id", "description", "category", "uom"]
COVER_COLS = [
    "item_id",
    "description",
    "criticality",
    "on_hand",
    "uom",
    "avg_daily_demand",
    "days_of_cover",
    "lead_time_days",
]

command(
    "find",
    levels.find_items,
    "Find items by id or description (typos and abbreviations are fine).",
)
command(
    "on-hand",
    levels.on_hand,
    "On hand of an item per site and in total, with value (on hand x unit cost).",
    _show_on_hand,  # type: ignore[arg-type]
)
command(
    "movements",
    flow.movements,
    "Stock movements of an item over a period (default the last 30 days), latest first.",
    _tables({"movements": ["txn_id", "ts", "site_id", "txn_type", "qty", "ref_type", "ref_id"]}),
)
command(
    "demand",
    flow.demand,
    "Demand of an item, or of a category / MRO subtype, over a period (default 90 days).",
    _tables({"top_items": [*ITEM_COLS, "demand"]}),
)
command(
    "below-rop",
    levels.below_reorder_point,
    "Item-site rows at or below their reorder point.",
    _tables(
        {
            "rows": [
                "item_id",
                "description",
                "site_id",
                "criticality",
                "on_hand",
                "uom",
                "reorder_point",
                "shortfall",
                "reorder_qty",
            ]
        }
    ),
)
command(
    "cover",
    cover.days_of_cover,
    "Days of cover of an item (on hand / average daily demand of the last 90 days).",
)
command(
    "run-out",
    cover.run_out_within,
    "Items that run out within N days or within their lead time.",
    _tables({"items": COVER_COLS}),
)
command(
    "value",
    value.inventory_value,
    "Inventory value (on hand x unit cost) by category, site, supplier, ...",
)
command(
    "slow",
    value.slow_moving_and_excess,
    "Slow-moving and excess stock with the value at stake.",
    _tables(
        {
            "slow_moving": [*ITEM_COLS, "on_hand", "value", "last_demand", "held"],
            "excess": [*ITEM_COLS, "on_hand", "days_of_cover", "excess_qty", "excess_value"],
        }
    ),
)
command(
    "variance",
    value.variance,
    "Book balance (sum of all movements) vs on hand, largest value first.",
    _tables(
        {
            "rows": [
                "item_id",
                "description",
                "site_id",
                "on_hand",
                "book_balance",
                "variance",
                "uom",
                "variance_value",
            ]
        }
    ),
)
command(
    "wip",
    wip.open_wip_orders,
    "Open production orders by current stage.",
    _tables(
        {
            "orders": [
                "order_id",
                "product_item_id",
                "product",
                "site_id",
                "qty",
                "status",
                "stage",
                "stage_started_at",
                "due_date",
            ]
        }
    ),
)
command(
    "wip-value",
    wip.wip_value,
    "WIP value: material issued plus conversion cost of finished stages.",
)
command(
    "stalled",
    wip.stalled_orders,
    "Open orders stuck at their current stage far beyond its typical time.",
    _tables(
        {
            "orders": [
                "order_id",
                "product_item_id",
                "site_id",
                "stage",
                "started_at",
                "days_at_stage",
                "typical_days",
                "ratio",
            ]
        }
    ),
)
