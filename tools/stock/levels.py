"""What is in stock: find an item, its on-hand by site, and items at or below reorder point."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from stockwise.tools.core.contract import cli, fills
from stockwise.tools.core.results import ToolResult
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.stock.rows import ItemRow

if TYPE_CHECKING:
    import numpy as np

    from stockwise.tools.stock.index import StockIndex


def item_records(index: StockIndex, codes: np.ndarray | list[int]) -> list[dict]:
    """`item_fields` for many items at once."""
    import numpy as np

    rows = index.items.iloc[np.asarray(codes, dtype=np.int64)]
    return [
        {"item_id": str(i), "description": str(d), "category": str(c), "uom": str(u)}
        for i, d, c, u in zip(
            rows["item_id"], rows["description"], rows["category"], rows["uom"], strict=True
        )
    ]


# --- find_items ------------------------------------------------------------------------------
class FindItemsInput(BaseModel):
    query: str = Field(
        description="An item id or words of its description; typos and "
        "abbreviations are fine (e.g. 'hyd seal', 'MRO-00412').",
        json_schema_extra=fills("item") | cli(positional=True),
    )
    limit: int = Field(
        default=10,
        ge=1,
        le=100,
        description="How many matches to return.",
        json_schema_extra=fills("top"),
    )


class FoundItem(ItemRow):
    score: float = Field(description="Match quality 0-100; 100 = exact id or every word exact.")
    on_hand: float = Field(description="On hand across all sites, in uom.")


class FindItemsResult(ToolResult):
    query: str
    items: list[FoundItem]


def find_items(ctx: ToolContext, args: FindItemsInput) -> FindItemsResult:
    """Find items by id or free text (typo- and abbreviation-tolerant), best match first.

    Use it to turn what the user typed ("hydralic seal", "hyd pump 40") into item ids before
    asking other tools. Returns id, description, recorded category, unit and on hand.
    """
    from stockwise.tools.stock.common import evidence, open_index

    index, resolve = open_index(ctx)
    matches = resolve.items.search(args.query, args.limit)
    codes = [m.code for m in matches]
    found = [
        FoundItem(**fields, score=round(m.score, 1), on_hand=float(index.on_hand_by_item[m.code]))
        for m, fields in zip(matches, item_records(index, codes), strict=True)
    ]
    return FindItemsResult(
        query=args.query,
        items=found,
        evidence=evidence(
            "find_items", args, index, {"items": index.n_items}, [f.item_id for f in found]
        ),
    )


# --- on_hand ---------------------------------------------------------------------------------
class OnHandInput(BaseModel):
    item: str = Field(
        description="Item id or description. A description that fits several "
        "items equally well returns each of them.",
        json_schema_extra=fills("item") | cli(positional=True),
    )
    site: str | None = Field(
        default=None,
        description="Site id or name; omit for all sites.",
        json_schema_extra=fills("site"),
    )


class SiteStock(BaseModel):
    site_id: str
    site_name: str
    on_hand: float
    value: float
    reorder_point: float | None


class ItemStock(ItemRow):
    unit_cost: float
    on_hand: float = Field(description="Sum over the listed sites, in uom.")
    value: float = Field(description="on_hand x unit_cost.")
    sites: list[SiteStock]


class OnHandResult(ToolResult):
    items: list[ItemStock]


def on_hand(ctx: ToolContext, args: OnHandInput) -> OnHandResult:
    """On hand of an item per site and in total, with unit and value (on hand x unit cost).

    On hand is the stock snapshot (stock_levels.on_hand_qty at as_of); the total is the sum
    over sites. A description matching several items returns them all, so the user can pick.
    """
    from stockwise.tools.stock.common import evidence, finite, item_fields, open_index

    index, resolve = open_index(ctx)
    codes = resolve.item_candidates(args.item)
    site = resolve.site(args.site) if args.site else None
    sites = index.sites
    results, rows_read = [], 0
    for code in codes:
        cost = float(index.unit_cost[code])
        per_site = []
        for row in index.level_rows(code):
            rows_read += 1
            if site is not None and index.lv_site[row] != site:
                continue
            s = int(index.lv_site[row])
            qty = float(index.lv_on_hand[row])
            per_site.append(
                SiteStock(
                    site_id=str(sites["site_id"].iat[s]),
                    site_name=str(sites["name"].iat[s]),
                    on_hand=qty,
                    value=qty * cost,
                    reorder_point=finite(index.lv_reorder_point[row]),
                )
            )
        total = sum(p.on_hand for p in per_site)
        results.append(
            ItemStock(
                **item_fields(index, code),
                unit_cost=cost,
                on_hand=total,
                value=total * cost,
                sites=per_site,
            )
        )
    notes = []
    if len(codes) > 1:
        notes.append(f"{args.item!r} fits {len(codes)} items; each is listed")
    return OnHandResult(
        items=results,
        evidence=evidence(
            "on_hand",
            args,
            index,
            {"stock_levels": rows_read},
            [r.item_id for r in results],
            notes,
        ),
    )


# --- below_reorder_point ---------------------------------------------------------------------
class BelowReorderPointInput(BaseModel):
    site: str | None = Field(
        default=None,
        description="Site id or name; omit for all sites.",
        json_schema_extra=fills("site"),
    )
    category: str | None = Field(
        default=None,
        description="Recorded category: raw_material, wip, finished_good, mro or unclassified.",
        json_schema_extra=fills("category"),
    )
    criticality: str | None = Field(
        default=None,
        description="A (stops a line), B or C.",
        json_schema_extra=fills("criticality"),
    )
    mro_subtype: str | None = Field(
        default=None,
        description="Recorded MRO subtype: spare_part, consumable, tool or safety.",
        json_schema_extra=fills("mro_subtype"),
    )
    limit: int = Field(
        default=100,
        ge=1,
        le=5000,
        description="Most rows to list.",
        json_schema_extra=fills("top"),
    )


class BelowReorderRow(ItemRow):
    site_id: str
    criticality: str | None
    on_hand: float
    reorder_point: float
    reorder_qty: float | None
    shortfall: float = Field(description="reorder_point - on_hand (>= 0).")


class BelowReorderPointResult(ToolResult):
    count: int = Field(description="All rows at or below reorder point (may exceed the list).")
    rows: list[BelowReorderRow]


def below_reorder_point(ctx: ToolContext, args: BelowReorderPointInput) -> BelowReorderPointResult:
    """Item-site rows whose on hand is at or below their reorder point (on hand <= reorder_point).

    Only rows that have a reorder point count. Most critical first (A, B, C, none), then the
    largest shortfall. Filters use the category, MRO subtype and criticality recorded in the
    ERP.
    """
    import numpy as np

    from stockwise.tools.stock.common import evidence, finite, item_mask, open_index, text

    index, resolve = open_index(ctx)
    has_rop = ~np.isnan(index.lv_reorder_point)
    hit = has_rop & (index.lv_on_hand <= np.where(has_rop, index.lv_reorder_point, 0))
    hit &= item_mask(index, args.category, args.criticality, args.mro_subtype)[index.lv_item]
    if args.site:
        hit &= index.lv_site == resolve.site(args.site)
    rows = np.flatnonzero(hit)
    rank = index.criticality_rank[index.lv_item[rows]]
    shortfall = index.lv_reorder_point[rows] - index.lv_on_hand[rows]
    rows = rows[np.lexsort((-shortfall, rank))][: args.limit]
    levels = index.levels
    listed = [
        BelowReorderRow(
            **fields,
            site_id=str(levels["site_id"].iat[r]),
            criticality=text(index.items["criticality"].iat[index.lv_item[r]]),
            on_hand=float(index.lv_on_hand[r]),
            reorder_point=float(index.lv_reorder_point[r]),
            reorder_qty=finite(levels["reorder_qty"].iat[r]),
            shortfall=float(index.lv_reorder_point[r] - index.lv_on_hand[r]),
        )
        for r, fields in zip(rows, item_records(index, index.lv_item[rows]), strict=True)
    ]
    return BelowReorderPointResult(
        count=int(hit.sum()),
        rows=listed,
        evidence=evidence(
            "below_reorder_point",
            args,
            index,
            {"stock_levels": len(index.lv_item), "with_reorder_point": int(has_rop.sum())},
            [r.item_id for r in listed],
        ),
    )
