"""`stockwise stock ...`: every stock tool as a command, with readable tables and `--json`.

`--json` prints the tool's result model as JSON (shapes in docs/json.md). A refused
argument (unknown item, impossible date) prints one clear line and exits 1.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import typer

from stockwise.assistant.cli.output import (
    console,
    evidence_line,
    rows_table,
    run_and_show,
    show_result,
)
from stockwise.assistant.startup import open_context
from stockwise.tools.core.results import ToolResult
from stockwise.tools.stock import cover, flow, levels, value, wip

app = typer.Typer(
    help="Stock questions: on hand, demand, cover, value, variance, WIP. Add --json for scripts.",
    no_args_is_help=True,
)

JSON = typer.Option(False, "--json", help="Print the result as JSON (see docs/json.md).")
SITE = typer.Option(None, "--site", help="Site id or name; default all sites.")
CATEGORY = typer.Option(
    None,
    "--category",
    help="Recorded category: raw_material, wip, finished_good, mro, unclassified.",
)
SUBTYPE = typer.Option(None, "--mro-subtype", help="spare_part, consumable, tool or safety.")
CRITICALITY = typer.Option(None, "--criticality", help="A (stops a line), B or C.")
START = typer.Option(None, "--start", help="First day, YYYY-MM-DD (included).")
END = typer.Option(None, "--end", help="Last day, YYYY-MM-DD (included); default the snapshot.")
LIMIT = typer.Option(None, "--limit", help="Most rows to list.")


def _run(
    tool: Callable, make_args: Callable, as_json: bool, render: Callable | None = None
) -> None:
    def call() -> ToolResult:
        args = make_args()  # a bad argument is refused before the dataset is opened
        return tool(open_context(), args)

    run_and_show(call, as_json, render)


def _given(**options: Any) -> dict[str, Any]:
    """Only the options the user gave, so the tools' own defaults apply."""
    return {k: v for k, v in options.items() if v is not None}


def _tables(columns: dict[str, list[str]], result: ToolResult) -> None:
    show_result(result, columns)


ITEM_COLS = ["item_id", "description", "category", "uom"]


@app.command("find")
def find(query: str, limit: int = typer.Option(10, "--limit"), as_json: bool = JSON) -> None:
    """Find items by id or description (typos and abbreviations are fine)."""
    _run(levels.find_items, lambda: levels.FindItemsInput(query=query, limit=limit), as_json)


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


@app.command("on-hand")
def on_hand(item: str, site: str | None = SITE, as_json: bool = JSON) -> None:
    """On hand of an item per site and in total, with value (on hand x unit cost)."""
    _run(levels.on_hand, lambda: levels.OnHandInput(item=item, site=site), as_json, _show_on_hand)


@app.command("movements")
def movements(
    item: str,
    site: str | None = SITE,
    start: str | None = START,
    end: str | None = END,
    txn_type: list[str] | None = typer.Option(
        None, "--type", help="Only this txn_type (repeatable)."
    ),
    limit: int | None = LIMIT,
    as_json: bool = JSON,
) -> None:
    """Stock movements of an item over a period (default the last 30 days), latest first."""
    make = partial(
        flow.MovementsInput,
        **_given(
            item=item, site=site, start=start, end=end, txn_types=txn_type or None, limit=limit
        ),
    )
    cols = {"movements": ["txn_id", "ts", "site_id", "txn_type", "qty", "ref_type", "ref_id"]}
    _run(flow.movements, make, as_json, partial(_tables, cols))


@app.command("demand")
def demand(
    item: str | None = typer.Argument(None, help="Item id or description."),
    category: str | None = CATEGORY,
    mro_subtype: str | None = SUBTYPE,
    site: str | None = SITE,
    start: str | None = START,
    end: str | None = END,
    top: int | None = typer.Option(None, "--top", help="For a group: items to list."),
    as_json: bool = JSON,
) -> None:
    """Demand of an item, or of a category / MRO subtype, over a period (default 90 days)."""
    make = partial(
        flow.DemandInput,
        **_given(
            item=item,
            category=category,
            mro_subtype=mro_subtype,
            site=site,
            start=start,
            end=end,
            top=top,
        ),
    )
    _run(flow.demand, make, as_json, partial(_tables, {"top_items": [*ITEM_COLS, "demand"]}))


@app.command("below-rop")
def below_rop(
    site: str | None = SITE,
    category: str | None = CATEGORY,
    criticality: str | None = CRITICALITY,
    limit: int | None = LIMIT,
    as_json: bool = JSON,
) -> None:
    """Item-site rows at or below their reorder point."""
    make = partial(
        levels.BelowReorderPointInput,
        **_given(site=site, category=category, criticality=criticality, limit=limit),
    )
    cols = {
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
    _run(levels.below_reorder_point, make, as_json, partial(_tables, cols))


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


@app.command("cover")
def days_of_cover(item: str, site: str | None = SITE, as_json: bool = JSON) -> None:
    """Days of cover of an item (on hand / average daily demand of the last 90 days)."""
    _run(cover.days_of_cover, lambda: cover.DaysOfCoverInput(item=item, site=site), as_json)


@app.command("run-out")
def run_out(
    within: str = typer.Option("lead_time", "--within", help="Days, or 'lead_time'."),
    category: str | None = CATEGORY,
    criticality: str | None = CRITICALITY,
    mro_subtype: str | None = SUBTYPE,
    site: str | None = SITE,
    limit: int | None = LIMIT,
    as_json: bool = JSON,
) -> None:
    """Items that run out within N days or within their lead time."""
    make = partial(
        cover.RunOutWithinInput,
        **_given(
            within=within,
            category=category,
            criticality=criticality,
            mro_subtype=mro_subtype,
            site=site,
            limit=limit,
        ),
    )
    _run(cover.run_out_within, make, as_json, partial(_tables, {"items": COVER_COLS}))


@app.command("value")
def inventory_value(
    by: str = typer.Option(
        "category", "--by", help="category, site, supplier, criticality, mro_subtype or uom."
    ),
    site: str | None = SITE,
    as_json: bool = JSON,
) -> None:
    """Inventory value (on hand x unit cost) by category, site, supplier, ..."""
    make = partial(value.InventoryValueInput, **_given(by=by, site=site))
    _run(value.inventory_value, make, as_json)


@app.command("slow")
def slow(
    days: int | None = typer.Option(
        None, "--days", help="No demand in this many days (default 180)."
    ),
    cover_threshold: float | None = typer.Option(
        None, "--cover-threshold", help="Excess beyond this many days of cover (default 365)."
    ),
    category: str | None = CATEGORY,
    limit: int | None = LIMIT,
    as_json: bool = JSON,
) -> None:
    """Slow-moving and excess stock with the value at stake."""
    make = partial(
        value.SlowMovingInput,
        **_given(days=days, cover_threshold=cover_threshold, category=category, limit=limit),
    )
    cols = {
        "slow_moving": [*ITEM_COLS, "on_hand", "value", "last_demand", "held"],
        "excess": [*ITEM_COLS, "on_hand", "days_of_cover", "excess_qty", "excess_value"],
    }
    _run(value.slow_moving_and_excess, make, as_json, partial(_tables, cols))


@app.command("variance")
def variance(
    site: str | None = SITE,
    min_value: float | None = typer.Option(
        None, "--min-value", help="Only |variance value| >= this."
    ),
    limit: int | None = LIMIT,
    as_json: bool = JSON,
) -> None:
    """Book balance (sum of all movements) vs on hand, largest value first."""
    make = partial(value.VarianceInput, **_given(site=site, min_abs_value=min_value, limit=limit))
    cols = {
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
    _run(value.variance, make, as_json, partial(_tables, cols))


@app.command("wip")
def open_wip(
    stage: str | None = typer.Option(None, "--stage", help="Current stage name."),
    product: str | None = typer.Option(None, "--product", help="Product id or description."),
    limit: int | None = LIMIT,
    as_json: bool = JSON,
) -> None:
    """Open production orders by current stage."""
    make = partial(wip.OpenWipInput, **_given(stage=stage, product=product, limit=limit))
    cols = {
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
    _run(wip.open_wip_orders, make, as_json, partial(_tables, cols))


@app.command("wip-value")
def wip_value(
    order: str | None = typer.Argument(None, help="A production order id; default all open."),
    limit: int | None = LIMIT,
    as_json: bool = JSON,
) -> None:
    """WIP value: material issued plus conversion cost of finished stages."""
    make = partial(wip.WipValueInput, **_given(order=order, limit=limit))
    _run(wip.wip_value, make, as_json)


@app.command("stalled")
def stalled(
    factor: float | None = typer.Option(
        None, "--factor", help="Times the typical stage time (default 3)."
    ),
    limit: int | None = LIMIT,
    as_json: bool = JSON,
) -> None:
    """Open orders stuck at their current stage far beyond its typical time."""
    make = partial(wip.StalledInput, **_given(factor=factor, limit=limit))
    cols = {
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
    _run(wip.stalled_orders, make, as_json, partial(_tables, cols))
