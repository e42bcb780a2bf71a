"""Work in progress: open production orders by stage, their WIP value, and stalled orders.

Open = status released or in_progress. An order's current stage is its order_progress row
with the highest stage_seq; an open order with no progress row has not started a stage.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from stockwise.tools.core.contract import cli, fills
from stockwise.tools.core.errors import InvalidArgumentError, UnknownEntityError
from stockwise.tools.core.results import ToolResult
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.schema import OPEN_ORDER_STATUSES


def _nullable(value: Any) -> Any:
    import pandas as pd

    return None if pd.isna(value) else value


# --- open_wip_orders -------------------------------------------------------------------------
class OpenWipInput(BaseModel):
    site: str | None = Field(
        default=None,
        description="Site id or name; omit for all sites.",
        json_schema_extra=fills("site"),
    )
    stage: str | None = Field(
        default=None,
        description="Only orders currently at this stage (name, e.g. 'soldering').",
        json_schema_extra=fills("stage"),
    )
    product: str | None = Field(
        default=None, description="Only orders for this product (item id or description)."
    )
    limit: int = Field(
        default=100,
        ge=1,
        le=5000,
        description="Most orders to list.",
        json_schema_extra=fills("top"),
    )


class WipOrder(BaseModel):
    order_id: str
    product_item_id: str
    product: str
    site_id: str
    qty: float
    status: str
    stage_seq: int | None
    stage: str
    stage_started_at: datetime | None
    due_date: date | None


class OpenWipResult(ToolResult):
    count: int
    by_stage: dict[str, int] = Field(description="Open orders per current stage.")
    orders: list[WipOrder] = Field(description="Oldest current stage first.")


def open_wip_orders(ctx: ToolContext, args: OpenWipInput) -> OpenWipResult:
    """Open production orders (released or in progress) with their current stage (the
    highest stage reached), and how many orders sit at each stage."""
    import pandas as pd

    from stockwise.tools.stock.common import evidence, open_index
    from stockwise.tools.stock.wip_frames import NOT_STARTED, current_stages, stage_names

    index, resolve = open_index(ctx)
    frame = index.memo("current_stages", lambda: current_stages(ctx.dataset, index))
    if args.site:
        frame = frame[frame["site_id"] == index.sites["site_id"].iat[resolve.site(args.site)]]
    if args.product:
        product = index.items["item_id"].iat[resolve.item(args.product)]
        frame = frame[frame["product_item_id"] == product]
    if args.stage:
        known = stage_names(ctx.dataset, index)
        if args.stage.lower() not in {s.lower() for s in known} | {NOT_STARTED}:
            raise UnknownEntityError("stage", args.stage, known[:10])
        frame = frame[frame["stage"].str.lower() == args.stage.lower()]
    by_stage = frame.groupby("stage", sort=True).size()
    listed = frame.sort_values(["started_at", "order_id"], na_position="last").head(args.limit)
    orders = [
        WipOrder(
            order_id=r.order_id,
            product_item_id=r.product_item_id,
            product=r.description,
            site_id=r.site_id,
            qty=r.qty,
            status=r.status,
            stage_seq=None if pd.isna(r.stage_seq) else int(r.stage_seq),
            stage=r.stage,
            stage_started_at=_nullable(r.started_at),
            due_date=_nullable(r.due_date),
        )
        for r in listed.itertuples()
    ]
    rows = ctx.dataset.row_counts()  # without reading a table the database keeps
    return OpenWipResult(
        count=len(frame),
        by_stage={str(k): int(v) for k, v in by_stage.items()},
        orders=orders,
        evidence=evidence(
            "open_wip_orders",
            args,
            index,
            {
                "production_orders": rows["production_orders"],
                "order_progress": rows["order_progress"],
            },
            [o.order_id for o in orders],
        ),
    )


# --- wip_value -------------------------------------------------------------------------------
class WipValueInput(BaseModel):
    order: str | None = Field(
        default=None,
        description="A production order id; omit for all open orders.",
        json_schema_extra=cli(positional=True),
    )
    site: str | None = Field(
        default=None,
        description="Site id or name: only that site's open orders; omit for all sites.",
        json_schema_extra=fills("site"),
    )
    limit: int = Field(
        default=50,
        ge=1,
        le=5000,
        description="Most orders to list.",
        json_schema_extra=fills("top"),
    )


class OrderWipValue(BaseModel):
    order_id: str
    product_item_id: str
    status: str
    material_value: float = Field(
        description="Minus the sum of qty x unit_cost over "
        "issue_production transactions booked to the order."
    )
    conversion_value: float = Field(
        description="Sum over finished stages of qty_good x "
        "std_hours_per_unit x (labor_rate + overhead_rate)."
    )
    wip_value: float


class WipValueResult(ToolResult):
    currency: str
    total_value: float
    total_material: float
    total_conversion: float
    orders: list[OrderWipValue] = Field(description="Largest WIP value first.")


# Two figures are called "WIP": said with both, so neither is read as the other.
WIP_ORDERS_NOTE = (
    "WIP value of open production orders (the data contract's definition); stock of items "
    "recorded as WIP, valued on hand x unit cost, is another figure: inventory_value's wip "
    "group, `stockwise stock value`"
)


def wip_value(ctx: ToolContext, args: WipValueInput) -> WipValueResult:
    """WIP value of one production order, or of every open order (of one site, if given)
    with the total: material issued to the order (issue_production transactions whose
    ref_id is the order, at unit cost) plus the conversion cost of its finished stages
    (qty_good x std hours x (labor + overhead rate), from the product's routing)."""
    from stockwise.tools.stock.common import evidence, open_index
    from stockwise.tools.stock.wip_frames import order_named, order_wip_values, orders_open

    index, resolve = open_index(ctx)
    notes: list[str] = [] if args.order else [WIP_ORDERS_NOTE]
    if args.order:
        wanted, close = order_named(ctx.dataset, index, args.order.strip())
        if wanted.empty:
            raise UnknownEntityError("production order", args.order, close)
        if wanted["status"].iat[0] not in OPEN_ORDER_STATUSES:
            notes.append(
                f"order {wanted['order_id'].iat[0]} is {wanted['status'].iat[0]}, "
                "not open; its value is shown as booked"
            )
    else:
        wanted = index.memo("open_orders", lambda: orders_open(ctx.dataset, index))
    if args.site:
        site_id = index.sites["site_id"].iat[resolve.site(args.site)]
        wanted = wanted[wanted["site_id"] == site_id]
    values, value_notes = order_wip_values(ctx.dataset, index, wanted)
    notes += value_notes
    listed = values.sort_values("wip_value", ascending=False, kind="stable").head(args.limit)
    rows = [
        OrderWipValue(
            order_id=r.order_id,
            product_item_id=r.product_item_id,
            status=r.status,
            material_value=r.material_value,
            conversion_value=r.conversion_value,
            wip_value=r.wip_value,
        )
        for r in listed.itertuples()
    ]
    return WipValueResult(
        currency=ctx.dataset.currency,
        total_value=float(values["wip_value"].sum()),
        total_material=float(values["material_value"].sum()),
        total_conversion=float(values["conversion_value"].sum()),
        orders=rows,
        evidence=evidence(
            "wip_value",
            args,
            index,
            {
                "production_orders": len(wanted),
                "order_progress": ctx.dataset.row_counts()["order_progress"],
                "transactions": int(values["issue_rows"].sum()),
            },
            [r.order_id for r in rows],
            notes,
        ),
    )


# --- stalled_orders --------------------------------------------------------------------------
class StalledInput(BaseModel):
    factor: float = Field(
        default=3.0,
        gt=1,
        description="Stalled when the time at the current "
        "stage exceeds this many times the stage's typical time.",
    )
    site: str | None = Field(
        default=None,
        description="Site id or name: only that site's orders; omit for all sites.",
        json_schema_extra=fills("site"),
    )
    limit: int = Field(
        default=50,
        ge=1,
        le=5000,
        description="Most orders to list.",
        json_schema_extra=fills("top"),
    )


class StalledOrder(BaseModel):
    order_id: str
    product_item_id: str
    site_id: str
    stage_seq: int
    stage: str
    started_at: datetime
    days_at_stage: float
    typical_days: float = Field(
        description="Median time of finished rows of the same product "
        "and stage (or of the stage across products when few)."
    )
    typical_basis: str
    ratio: float = Field(description="days_at_stage / typical_days.")


class StalledResult(ToolResult):
    count: int
    orders: list[StalledOrder] = Field(description="Most overdue (highest ratio) first.")


def stalled_orders(ctx: ToolContext, args: StalledInput) -> StalledResult:
    """Open production orders stuck at their current stage: time at the stage (as_of - the
    stage's start, stage not finished) more than `factor` times that stage's typical time
    (median of finished rows of the same product and stage), of one site if given."""
    from stockwise.tools.stock.common import evidence, finite, open_index
    from stockwise.tools.stock.wip_frames import current_stages, typical_stage_days

    index, resolve = open_index(ctx)
    if args.factor <= 1:
        raise InvalidArgumentError("factor must be above 1")
    frame = index.memo("current_stages", lambda: current_stages(ctx.dataset, index))
    if args.site:
        frame = frame[frame["site_id"] == index.sites["site_id"].iat[resolve.site(args.site)]]
    frame = frame[frame["stage_seq"].notna() & frame["finished_at"].isna()].copy()
    frame["stage_seq"] = frame["stage_seq"].astype(int)
    frame = typical_stage_days(ctx.dataset, index, frame)
    frame["days_at_stage"] = (index.as_of - frame["started_at"]).dt.total_seconds() / 86400
    frame = frame[frame["typical_days"] > 0]
    frame["ratio"] = frame["days_at_stage"] / frame["typical_days"]
    stalled = frame[frame["ratio"] > args.factor].sort_values("ratio", ascending=False)
    rows = [
        StalledOrder(
            order_id=r.order_id,
            product_item_id=r.product_item_id,
            site_id=r.site_id,
            stage_seq=r.stage_seq,
            stage=r.stage,
            started_at=r.started_at,
            days_at_stage=round(r.days_at_stage, 2),
            typical_days=round(finite(r.typical_days) or 0.0, 2),
            typical_basis=r.typical_basis,
            ratio=round(r.ratio, 2),
        )
        for r in stalled.head(args.limit).itertuples()
    ]
    return StalledResult(
        count=len(stalled),
        orders=rows,
        evidence=evidence(
            "stalled_orders",
            args,
            index,
            {
                "open_orders_at_a_stage": len(frame),
                "order_progress": ctx.dataset.row_counts()["order_progress"],
            },
            [r.order_id for r in rows],
        ),
    )
