"""What the stock is worth: value by group, slow-moving and excess stock, book vs counted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from stockwise.tools.core.contract import cli, fills
from stockwise.tools.core.errors import InvalidArgumentError
from stockwise.tools.core.results import ToolResult
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.stock.rows import DemandWindow, ItemRow

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from stockwise.tools.stock.index import StockIndex

GroupBy = Literal["category", "site", "supplier", "criticality", "mro_subtype", "uom"]
_BLANK = {
    "category": "unclassified",
    "supplier": "no supplier",
    "criticality": "none",
    "mro_subtype": "none",
    "uom": "none",
    "site": "none",
}


# --- inventory_value -------------------------------------------------------------------------
class InventoryValueInput(BaseModel):
    by: GroupBy = Field(
        default="category",
        description="Group by category (recorded; blank = "
        "unclassified), site, supplier, criticality, mro_subtype or uom.",
        json_schema_extra=fills("group_by"),
    )
    site: str | None = Field(
        default=None,
        description="Site id or name; omit for all sites.",
        json_schema_extra=fills("site"),
    )
    # Filters, so "what are our spare parts worth" is the spare parts' total, not the whole
    # inventory's with spare parts somewhere in it.
    category: str | None = Field(
        default=None,
        description="Only items of this recorded category, e.g. mro.",
        json_schema_extra=fills("category"),
    )
    criticality: str | None = Field(
        default=None, description="Only items of this criticality: A, B or C.",
        json_schema_extra=fills("criticality"),
    )  # fmt: skip
    mro_subtype: str | None = Field(
        default=None,
        description="Only MRO items of this subtype: spare_part, consumable, tool, safety.",
        json_schema_extra=fills("mro_subtype"),
    )


class ValueGroup(BaseModel):
    key: str
    name: str | None = Field(description="Site or supplier name, when grouping by those.")
    value: float
    share: float = Field(description="Share of the total value, 0-1.")
    items: int = Field(description="Distinct items with stock > 0 in the group.")


class InventoryValueResult(ToolResult):
    by: str
    currency: str
    total_value: float
    groups: list[ValueGroup] = Field(description="Largest value first.")


# Two figures are called "WIP": said with both, so neither is read as the other.
WIP_STOCK_NOTE = (
    "the wip group is stock of items recorded as WIP, valued on hand x unit cost; the WIP "
    "value of open production orders (material issued plus conversion cost of finished "
    "stages, the data contract's WIP value) is another figure: wip_value, "
    "`stockwise stock wip-value`"
)


def _group_codes(index: StockIndex, by: str) -> tuple[np.ndarray, np.ndarray]:
    """Per stock_levels row: the code of the group it belongs to, and the group keys."""
    if by == "site":
        return index.lv_site, index.site_ids.to_numpy(dtype=object)
    column = {"category": "category", "supplier": "supplier_id"}.get(by, by)
    codes, keys = index.item_groups(column, _BLANK[by])
    return codes[index.lv_item], keys


def inventory_value(ctx: ToolContext, args: InventoryValueInput) -> InventoryValueResult:
    """Inventory value (on hand x unit cost) grouped by category, site, supplier, criticality,
    MRO subtype or unit, with the total. Category is the one recorded in the ERP."""
    import numpy as np

    from stockwise.tools.stock.common import evidence, item_mask, open_index

    index, resolve = open_index(ctx)
    rows = np.ones(len(index.lv_item), dtype=bool)
    if args.site:
        rows = index.lv_site == resolve.site(args.site)
    if args.category or args.criticality or args.mro_subtype:
        rows &= item_mask(index, args.category, args.criticality, args.mro_subtype)[index.lv_item]
    value = index.lv_on_hand * index.unit_cost[index.lv_item]
    all_codes, uniques = _group_codes(index, args.by)
    codes = all_codes[rows]
    sums = np.bincount(codes, weights=value[rows], minlength=len(uniques))
    stocked = index.lv_on_hand[rows] > 0
    # Distinct items with stock per group (an item at two sites counts once).
    pairs = np.unique(
        codes[stocked].astype(np.int64) * index.n_items + index.lv_item[rows][stocked]
    )
    counts = np.bincount(pairs // index.n_items, minlength=len(uniques))
    present = np.flatnonzero(np.bincount(codes, minlength=len(uniques)) > 0)
    names = {}
    if args.by == "site":
        names = dict(zip(index.sites["site_id"], index.sites["name"], strict=True))
    elif args.by == "supplier":
        names = dict(
            zip(ctx.dataset.suppliers["supplier_id"], ctx.dataset.suppliers["name"], strict=True)
        )
    total = float(sums.sum())
    order = present[np.argsort(-sums[present], kind="stable")]
    groups = [
        ValueGroup(
            key=str(uniques[g]),
            name=names.get(uniques[g]),
            value=float(sums[g]),
            share=float(sums[g] / total) if total else 0.0,
            items=int(counts[g]),
        )
        for g in order
    ]
    return InventoryValueResult(
        by=args.by,
        currency=ctx.dataset.currency,
        total_value=total,
        groups=groups,
        evidence=evidence(
            "inventory_value",
            args,
            index,
            {"stock_levels": int(rows.sum())},
            [g.key for g in groups],
            [WIP_STOCK_NOTE] if any(g.key == "wip" for g in groups) else [],
        ),
    )


# --- slow_moving_and_excess ------------------------------------------------------------------
class SlowMovingInput(BaseModel):
    days: int = Field(
        default=180,
        ge=1,
        description="Slow-moving: stock > 0 and no demand in this many days before as_of.",
        json_schema_extra=fills("days"),
    )
    cover_threshold: float = Field(
        default=365,
        gt=0,
        description="Excess: days of cover beyond this; the stock above it is excess.",
    )
    category: str | None = Field(
        default=None, description="Recorded category filter.", json_schema_extra=fills("category")
    )
    limit: int = Field(
        default=50,
        ge=1,
        le=5000,
        description="Most items per list.",
        json_schema_extra=fills("top"),
    )


class SlowItem(ItemRow):
    on_hand: float
    value: float = Field(description="Value at stake: on hand x unit cost.")
    last_demand: str | None = Field(description="Day of the last demand, null if never.")
    held: str | None = Field(
        default=None,
        description="Why the stock is kept on purpose (an insurance spare of criticality A, "
        "a PM plan kit part, within its reorder policy at every site), null if nothing holds it.",
    )


class ExcessItem(ItemRow):
    on_hand: float
    days_of_cover: float
    excess_qty: float = Field(description="on hand - cover_threshold x average daily demand.")
    excess_value: float


class SlowMovingResult(ToolResult):
    slow_count: int
    slow_value: float
    held_count: int = Field(description="Of the slow-moving items, those held on purpose.")
    held_value: float = Field(description="Their value.")
    slow_moving: list[SlowItem] = Field(
        description="Stock nothing holds on purpose first, then held stock; largest value first "
        "within each."
    )
    excess_count: int
    excess_value: float
    excess: list[ExcessItem] = Field(description="Largest excess value first.")
    demand_window: DemandWindow = Field(
        description="The demand behind days of cover and excess (the contract's window)."
    )


HELD_CRITICAL = "criticality A: an insurance spare"
HELD_KIT = "in a PM plan kit"
HELD_POLICY = "within its reorder policy"


def policy_max(levels: pd.DataFrame) -> pd.Series:
    """Most stock a site's reorder policy ever holds: reorder point + reorder qty (a blank
    reorder qty counts as 0); blank where the site has no reorder point."""
    return levels["reorder_point"] + levels["reorder_qty"].fillna(0)


def held_reasons(index: StockIndex, kit_item_ids: pd.Series) -> np.ndarray:
    """Per item code: why its stock is kept on purpose, or None. Idle stock of a critical
    spare, a PM kit part or an item within its reorder policy (on hand <= reorder point +
    reorder qty at every site that holds it) is insurance, not a write-off candidate."""
    import numpy as np
    import pandas as pd

    rop = index.lv_reorder_point
    within = ~np.isnan(rop) & (index.lv_on_hand <= policy_max(index.levels).to_numpy(float))
    outside = (index.lv_on_hand > 0) & ~within
    n = index.n_items
    has_policy = np.bincount(index.lv_item, weights=~np.isnan(rop), minlength=n) > 0
    reasons = np.full(n, None, dtype=object)
    reasons[has_policy & (np.bincount(index.lv_item, weights=outside, minlength=n) == 0)] = (
        HELD_POLICY
    )
    kit = index.item_ids.get_indexer(pd.Index(kit_item_ids.astype(object).unique()))
    reasons[kit[kit >= 0]] = HELD_KIT
    reasons[index.criticality_rank == 0] = HELD_CRITICAL
    return reasons


def slow_moving_and_excess(ctx: ToolContext, args: SlowMovingInput) -> SlowMovingResult:
    """Slow-moving stock (on hand > 0, no demand in the last `days` days) and excess stock
    (days of cover beyond `cover_threshold`; the part above it is excess), with the value at
    stake. Cover uses the average daily demand of the last 90 days. Slow-moving items held on
    purpose (critical spares, PM kit parts, within their reorder policy) are counted apart and
    listed after the stock nothing holds."""
    import numpy as np
    import pandas as pd

    from stockwise.tools.stock.common import DAY_NS, demand_window, evidence, item_mask, open_index
    from stockwise.tools.stock.cover import WINDOW_DAYS, cover_days, window_note
    from stockwise.tools.stock.levels import item_records

    index, _ = open_index(ctx)
    group = item_mask(index, args.category)
    on_hand, cost = index.on_hand_by_item, index.unit_cost
    since = index.as_of.value - args.days * DAY_NS
    slow = group & (on_hand > 0) & (index.last_demand_ts <= since)
    slow_value = on_hand * cost
    held = index.memo(
        "held_reasons", lambda: held_reasons(index, ctx.dataset.pm_plan_parts["item_id"])
    )
    is_held = pd.notna(held)
    slow_codes = np.flatnonzero(slow)
    rank = np.lexsort((-slow_value[slow_codes], is_held[slow_codes]))
    slow_codes = slow_codes[rank][: args.limit]
    last = index.last_demand_ts
    slow_list = [
        SlowItem(
            **f,
            on_hand=float(on_hand[c]),
            value=float(slow_value[c]),
            last_demand=None if last[c] < 0 else f"{pd.Timestamp(last[c]):%Y-%m-%d}",
            held=held[c],
        )
        for c, f in zip(slow_codes, item_records(index, slow_codes), strict=True)
    ]

    window = demand_window(index.as_of, WINDOW_DAYS)
    daily = index.demand_90d_by_item / WINDOW_DAYS
    cover = cover_days(on_hand, daily)
    with np.errstate(invalid="ignore"):
        excess = group & ~np.isnan(cover) & (cover > args.cover_threshold)
    excess_qty = np.where(excess, on_hand - args.cover_threshold * daily, 0.0)
    excess_value = excess_qty * cost
    ex_codes = np.flatnonzero(excess)
    ex_codes = ex_codes[np.argsort(-excess_value[ex_codes], kind="stable")][: args.limit]
    excess_list = [
        ExcessItem(
            **f,
            on_hand=float(on_hand[c]),
            days_of_cover=float(cover[c]),
            excess_qty=float(excess_qty[c]),
            excess_value=float(excess_value[c]),
        )
        for c, f in zip(ex_codes, item_records(index, ex_codes), strict=True)
    ]
    return SlowMovingResult(
        slow_count=int(slow.sum()),
        slow_value=float(slow_value[slow].sum()),
        held_count=int((slow & is_held).sum()),
        held_value=float(slow_value[slow & is_held].sum()),
        slow_moving=slow_list,
        excess_count=int(excess.sum()),
        excess_value=float(excess_value.sum()),
        excess=excess_list,
        demand_window=window,
        evidence=evidence(
            "slow_moving_and_excess",
            args,
            index,
            {"items": int(group.sum()), "stock_levels": len(index.lv_item)},
            [i.item_id for i in slow_list] + [i.item_id for i in excess_list],
            [window_note(window)],
        ),
    )


# --- variance --------------------------------------------------------------------------------
class VarianceInput(BaseModel):
    site: str | None = Field(
        default=None,
        description="Site id or name; omit for all sites.",
        json_schema_extra=fills("site"),
    )
    min_abs_value: float = Field(
        default=0.0,
        ge=0,
        description="Only variances worth at least this much (absolute value).",
        json_schema_extra=cli("--min-value"),
    )
    limit: int = Field(
        default=50, ge=1, le=5000, description="Most rows to list.", json_schema_extra=fills("top")
    )


class VarianceRow(ItemRow):
    site_id: str
    on_hand: float
    book_balance: float = Field(description="Sum of qty of all transactions up to as_of.")
    variance: float = Field(description="on_hand - book_balance.")
    variance_value: float = Field(description="variance x unit cost.")


class VarianceResult(ToolResult):
    count: int = Field(description="Rows with a non-zero variance above the value floor.")
    net_value: float
    abs_value: float
    rows: list[VarianceRow] = Field(description="Largest absolute value first.")


def variance(ctx: ToolContext, args: VarianceInput) -> VarianceResult:
    """Book balance vs on hand: per item and site, variance = on_hand_qty - book balance
    (the sum of qty over all transactions up to as_of), with its value, largest first.
    A variance points at unbooked movements, count errors or theft."""
    import numpy as np

    from stockwise.tools.stock.common import evidence, open_index
    from stockwise.tools.stock.levels import item_records

    index, resolve = open_index(ctx)
    if args.min_abs_value < 0:
        raise InvalidArgumentError("min_abs_value cannot be negative")
    diff = index.lv_on_hand - index.book_balance
    # Float sums of many movements leave dust like 1e-12; that is not a variance.
    diff = np.where(np.abs(diff) < 1e-6, 0.0, diff)
    worth = diff * index.unit_cost[index.lv_item]
    rows = (diff != 0) & (np.abs(worth) >= args.min_abs_value)
    if args.site:
        rows &= index.lv_site == resolve.site(args.site)
    hits = np.flatnonzero(rows)
    listed_rows = hits[np.argsort(-np.abs(worth[hits]), kind="stable")][: args.limit]
    listed = [
        VarianceRow(
            **f,
            site_id=str(index.levels["site_id"].iat[r]),
            on_hand=float(index.lv_on_hand[r]),
            book_balance=float(index.book_balance[r]),
            variance=float(diff[r]),
            variance_value=float(worth[r]),
        )
        for r, f in zip(listed_rows, item_records(index, index.lv_item[listed_rows]), strict=True)
    ]
    return VarianceResult(
        count=len(hits),
        net_value=float(worth[hits].sum()),
        abs_value=float(np.abs(worth[hits]).sum()),
        rows=listed,
        evidence=evidence(
            "variance",
            args,
            index,
            {"stock_levels": len(index.lv_item), "transactions": index.n_transactions},
            [r.item_id for r in listed],
        ),
    )
