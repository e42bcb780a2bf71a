"""Stock movements and demand over a period.

Periods are whole days with both ends included: start 00:00 <= ts < the day after end.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from stockwise.tools.core.contract import cli, fills
from stockwise.tools.core.errors import InvalidArgumentError
from stockwise.tools.core.results import ToolResult
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.schema import DEMAND_TXN_TYPES, TXN_SIGNS
from stockwise.tools.stock.rows import ItemRow

if TYPE_CHECKING:  # pandas and the index load with the tool, not with its schema
    import pandas as pd

    from stockwise.tools.stock.common import Period
    from stockwise.tools.stock.index import StockIndex

_DATES = "YYYY-MM-DD, both ends included"


# --- movements -------------------------------------------------------------------------------
class MovementsInput(BaseModel):
    item: str = Field(
        description="Item id or description.",
        json_schema_extra=fills("item") | cli(positional=True),
    )
    site: str | None = Field(
        default=None,
        description="Site id or name; omit for all sites.",
        json_schema_extra=fills("site"),
    )
    start: str | None = Field(
        default=None,
        description=f"First day ({_DATES}); default 30 days before end.",
        json_schema_extra=fills("start"),
    )
    end: str | None = Field(
        default=None,
        description="Last day; default the snapshot day.",
        json_schema_extra=fills("end"),
    )
    txn_types: list[str] | None = Field(
        default=None,
        description=f"Only these transaction types: {', '.join(TXN_SIGNS)}.",
        json_schema_extra=cli("--type"),
    )
    limit: int = Field(
        default=100,
        ge=1,
        le=5000,
        description="Most movements to list.",
        json_schema_extra=fills("top"),
    )


class Movement(BaseModel):
    txn_id: str
    ts: datetime
    site_id: str
    txn_type: str
    qty: float
    ref_type: str | None
    ref_id: str | None


class MovementsResult(ToolResult):
    item: ItemRow
    start: date
    end: date
    count: int = Field(description="Movements in the period (the list holds the latest).")
    net_qty: float = Field(description="Sum of qty over all movements in the period.")
    qty_by_type: dict[str, float]
    movements: list[Movement] = Field(description="Latest first.")


def movements(ctx: ToolContext, args: MovementsInput) -> MovementsResult:
    """Stock movements (transactions) of one item over a period, latest first, with totals
    by transaction type. Quantities are signed: + into stock, - out of stock."""

    from stockwise.tools.stock.common import evidence, item_fields, open_index, period, text

    index, resolve = open_index(ctx)
    code = resolve.item(args.item)
    span = period(args.start, args.end, index.as_of, default_days=30)
    unknown = sorted(set(args.txn_types or []) - set(TXN_SIGNS))
    if unknown:
        raise InvalidArgumentError(
            f"unknown transaction type {', '.join(unknown)}; use {', '.join(TXN_SIGNS)}"
        )
    site = resolve.site(args.site) if args.site else None
    if index.sql:
        count, net_qty, qty_by_type, frame = index.sql.item_movements(
            code, span.start_ns, span.end_exclusive_ns, site, args.txn_types, args.limit
        )
    else:
        count, net_qty, qty_by_type, frame = _item_movements(index, code, span, site, args)
    listed = [
        Movement(txn_id=t, ts=ts, site_id=s, txn_type=k, qty=q, ref_type=text(rt), ref_id=text(ri))
        for t, ts, s, k, q, rt, ri in zip(
            frame["txn_id"],
            frame["ts"],
            frame["site_id"],
            frame["txn_type"],
            frame["qty"],
            frame["ref_type"],
            frame["ref_id"],
            strict=True,
        )
    ]
    return MovementsResult(
        item=ItemRow(**item_fields(index, code)),
        start=span.start.date(),
        end=span.end.date(),
        count=count,
        net_qty=net_qty,
        qty_by_type=qty_by_type,
        movements=listed,
        evidence=evidence(
            "movements", args, index, {"transactions": count}, [m.txn_id for m in listed]
        ),
    )


def _item_movements(
    index: StockIndex, code: int, span: Period, site: int | None, args: MovementsInput
) -> tuple[int, float, dict[str, float], pd.DataFrame]:
    """In memory: count, net qty, qty by type and the latest rows of one item's movements."""
    import numpy as np
    import pandas as pd  # noqa: F811 (the TYPE_CHECKING import above is for annotations)

    lo, hi = index.item_slice(
        index.tx, index.tx_offsets, code, span.start_ns, span.end_exclusive_ns
    )
    positions = np.arange(lo, hi)
    if site is not None:
        positions = positions[index.tx.site[positions] == site]
    types = index.tx_type.categories.to_numpy(dtype=object)[index.tx_type.codes[positions]]
    if args.txn_types:
        keep = np.isin(types, np.array(args.txn_types, dtype=object))
        positions, types = positions[keep], types[keep]
    qty = index.tx.qty[positions]
    by_type = pd.Series(qty).groupby(types).sum() if len(qty) else pd.Series(dtype=float)
    latest = positions[::-1][: args.limit]
    frame = index.transactions.iloc[index.tx.source_row[latest]]
    qty_by_type = {str(k): float(v) for k, v in by_type.items()}
    return len(positions), float(qty.sum()), qty_by_type, frame


# --- demand ----------------------------------------------------------------------------------
class DemandInput(BaseModel):
    item: str | None = Field(
        default=None,
        description="Item id or description.",
        json_schema_extra=fills("item") | cli(positional=True),
    )
    category: str | None = Field(
        default=None,
        description="Instead of an item: a recorded "
        "category (raw_material, wip, finished_good, mro, unclassified).",
        json_schema_extra=fills("category"),
    )
    mro_subtype: str | None = Field(
        default=None,
        description="With or instead of category: spare_part, consumable, tool or safety.",
        json_schema_extra=fills("mro_subtype"),
    )
    site: str | None = Field(
        default=None,
        description="Site id or name; omit for all sites.",
        json_schema_extra=fills("site"),
    )
    start: str | None = Field(
        default=None,
        description=f"First day ({_DATES}); default 90 days before end.",
        json_schema_extra=fills("start"),
    )
    end: str | None = Field(
        default=None,
        description="Last day; default the snapshot day.",
        json_schema_extra=fills("end"),
    )
    top: int = Field(
        default=20,
        ge=0,
        le=1000,
        description="For a group: items to list.",
        json_schema_extra=fills("top"),
    )


# The contract's cost: money figures of demand use the item's standard unit cost.
VALUE_NOTE = (
    "value = demand x unit_cost (the standard cost per uom in items), the contract's cost "
    "for inventory value; the dataset holds no purchase prices, so it is what the stock "
    "used is worth, not what was paid for it"
)


class ItemDemand(ItemRow):
    demand: float
    unit_cost: float = Field(description="Standard cost per uom (items.unit_cost).")
    value: float = Field(description="demand x unit_cost.")


class DemandResult(ToolResult):
    start: date
    end: date
    days: int
    demand: float = Field(description="Total demand in the period (in uom when one item).")
    avg_daily_demand: float = Field(description="demand / days in the period.")
    currency: str
    value: float = Field(
        description="Demand at standard cost: the sum of demand x unit_cost per item."
    )
    items_in_group: int
    top_items: list[ItemDemand] = Field(description="Items with the most demand, largest first.")


def demand(ctx: ToolContext, args: DemandInput) -> DemandResult:
    """Demand (consumption) of an item, or of a category / MRO subtype, over a period.

    Demand = minus the sum of qty over issue_production, issue_maintenance, issue_sales and
    issue_other transactions in the period; transfers, scrap, adjustments and returns are not
    demand. The period is whole days, start and end included. `value` is the demand at
    standard unit cost: what was used (or spent on) in money.
    """
    import numpy as np

    from stockwise.tools.stock.common import evidence, item_fields, item_mask, open_index, period
    from stockwise.tools.stock.levels import item_records

    index, resolve = open_index(ctx)
    if bool(args.item) == bool(args.category or args.mro_subtype):
        raise InvalidArgumentError("give either an item, or a category and/or MRO subtype")
    span = period(args.start, args.end, index.as_of, default_days=90)
    site = resolve.site(args.site) if args.site else None
    if args.item:
        code = resolve.item(args.item)
        if index.sql:
            total, used = index.sql.item_demand(code, span.start_ns, span.end_exclusive_ns, site)
        else:
            rows = index.demand_by_item
            lo, hi = index.item_slice(
                rows, index.demand_offsets, code, span.start_ns, span.end_exclusive_ns
            )
            in_site = (
                slice(lo, hi) if site is None else np.flatnonzero(rows.site[lo:hi] == site) + lo
            )
            total = 0.0 - float(rows.qty[in_site].sum())  # 0.0 - x: never "-0.0"
            used = hi - lo
        cost = float(index.unit_cost[code])
        worth = total * cost
        listed = [ItemDemand(**item_fields(index, code), demand=total, unit_cost=cost, value=worth)]
        members = 1
    else:
        per_item, used = index.demand_and_rows(span.start_ns, span.end_exclusive_ns, site)
        group = item_mask(index, args.category, mro_subtype=args.mro_subtype)
        members = int(group.sum())
        per_item = np.where(group, per_item, 0.0)
        total = float(per_item.sum())
        per_item_value = per_item * index.unit_cost
        worth = float(per_item_value.sum())
        codes = np.flatnonzero(per_item > 0)
        codes = codes[np.argsort(-per_item[codes], kind="stable")][: args.top]
        listed = [
            ItemDemand(
                **fields,
                demand=float(per_item[c]),
                unit_cost=float(index.unit_cost[c]),
                value=float(per_item_value[c]),
            )
            for c, fields in zip(codes, item_records(index, codes), strict=True)
        ]
    return DemandResult(
        start=span.start.date(),
        end=span.end.date(),
        days=span.days,
        demand=total,
        avg_daily_demand=total / span.days,
        currency=ctx.dataset.currency,
        value=worth,
        items_in_group=members,
        top_items=listed,
        evidence=evidence(
            "demand",
            args,
            index,
            {"transactions": used},
            [i.item_id for i in listed],
            [f"demand types: {', '.join(DEMAND_TXN_TYPES)}", VALUE_NOTE],
        ),
    )
