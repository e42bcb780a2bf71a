"""How long stock lasts: days of cover, and the items that run out within N days or lead time.

Average daily demand = demand in the 90 days before as_of (as_of - 90 days < ts <= as_of),
divided by 90: the data contract's window, which every result names (`DemandWindow`).
Days of cover = on hand / average daily demand; with no demand, cover is unbounded and
reported as null ("no demand"), never as infinity. An item with no stock record (at the
site asked) has no on hand figure, so no days of cover either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from stockwise.tools.core.contract import cli, fills
from stockwise.tools.core.errors import InvalidArgumentError
from stockwise.tools.core.results import ToolResult
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.stock.rows import COVER_WINDOW_DAYS, DemandWindow, ItemRow

if TYPE_CHECKING:
    import numpy as np

    from stockwise.tools.stock.index import StockIndex

WINDOW_DAYS = COVER_WINDOW_DAYS


def site_on_hand(index: StockIndex, site: int | None) -> np.ndarray:
    """Per item: on hand at one site, or across all sites."""
    import numpy as np

    if site is None:
        return index.on_hand_by_item
    at = index.lv_site == site
    return np.bincount(index.lv_item[at], weights=index.lv_on_hand[at], minlength=index.n_items)


def demand_90d(index: StockIndex, site: int | None) -> np.ndarray:
    import pandas as pd

    if site is None:
        return index.demand_90d_by_item
    return index.demand_in_window(index.as_of - pd.Timedelta(days=WINDOW_DAYS), index.as_of, site)


def window_note(window: DemandWindow) -> str:
    return f"average daily demand = demand in {window.label()} / {window.days}"


def cover_days(on_hand: np.ndarray, daily: np.ndarray) -> np.ndarray:
    """on hand / daily demand; NaN where there is no demand (cover unbounded). The one
    days-of-cover formula: the stock tools and the anomaly checks both call it."""
    import numpy as np

    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(daily > 0, on_hand / np.where(daily > 0, daily, 1), np.nan)


class CoverRow(ItemRow):
    criticality: str | None
    mro_subtype: str | None
    on_hand: float
    demand_90d: float
    avg_daily_demand: float
    days_of_cover: float | None = Field(description="null = no demand in 90 days (unbounded).")
    lead_time_days: float | None = Field(description="The item's, else its supplier's.")
    runs_out_within_lead_time: bool | None = Field(description="null when lead time unknown.")


def _cover_rows(index: StockIndex, codes: np.ndarray, on_hand, demand) -> list[CoverRow]:
    from stockwise.tools.stock.common import finite, text
    from stockwise.tools.stock.levels import item_records

    items = index.items
    lead = items["effective_lead_time_days"].to_numpy(dtype=float)
    rows = []
    for code, fields in zip(codes, item_records(index, codes), strict=True):
        daily = demand[code] / WINDOW_DAYS
        cover = on_hand[code] / daily if daily > 0 else None
        known_lead = finite(lead[code])
        rows.append(
            CoverRow(
                **fields,
                criticality=text(items["criticality"].iat[code]),
                mro_subtype=text(items["mro_subtype"].iat[code]),
                on_hand=float(on_hand[code]),
                demand_90d=float(demand[code]),
                avg_daily_demand=float(daily),
                days_of_cover=cover,
                lead_time_days=known_lead,
                runs_out_within_lead_time=None
                if known_lead is None
                else cover is not None and cover < known_lead,
            )
        )
    return rows


# --- days_of_cover ---------------------------------------------------------------------------
class DaysOfCoverInput(BaseModel):
    item: str = Field(
        description="Item id or description.",
        json_schema_extra=fills("item") | cli(positional=True),
    )
    site: str | None = Field(
        default=None,
        description="Site id or name; omit for all sites.",
        json_schema_extra=fills("site"),
    )


class DaysOfCoverResult(ToolResult):
    cover: CoverRow
    stock_record: bool = Field(
        description="Whether a stock_levels row exists for the item (at the site, if one is "
        "given); without one there is no on hand figure and no days of cover."
    )
    demand_window: DemandWindow = Field(description="The demand behind the daily rate.")


def days_of_cover(ctx: ToolContext, args: DaysOfCoverInput) -> DaysOfCoverResult:
    """Days of cover of one item: on hand / average daily demand of the last 90 days, and
    whether it runs out within its lead time. days_of_cover null means no recent demand."""
    import numpy as np

    from stockwise.tools.stock.common import demand_window, evidence, open_index

    index, resolve = open_index(ctx)
    code = resolve.item(args.item)
    site = resolve.site(args.site) if args.site else None
    on_hand, demand = site_on_hand(index, site), demand_90d(index, site)
    row = _cover_rows(index, np.array([code]), on_hand, demand)[0]
    levels = list(index.level_rows(code))
    stocked_at = sorted({str(index.site_ids[index.lv_site[r]]) for r in levels})
    used = [r for r in levels if site is None or index.lv_site[r] == site]
    window = demand_window(index.as_of, WINDOW_DAYS)
    notes = [window_note(window)]
    if not used:
        # No stock record: the on hand of 0 is not a count, so no cover figure is given.
        row = row.model_copy(update={"days_of_cover": None, "runs_out_within_lead_time": None})
        where = f"at {index.site_ids[site]}" if site is not None else "at any site"
        notes.append(
            f"{row.item_id} has no stock record {where}"
            + (f"; it is stocked at {', '.join(stocked_at)}" if stocked_at else "")
        )
    return DaysOfCoverResult(
        cover=row,
        stock_record=bool(used),
        demand_window=window,
        evidence=evidence(
            "days_of_cover", args, index, {"stock_levels": len(used)}, [row.item_id], notes
        ),
    )


# --- run_out_within --------------------------------------------------------------------------
class RunOutWithinInput(BaseModel):
    within: int | Literal["lead_time"] = Field(
        default="lead_time",
        description="A number of days, or 'lead_time' for each item's own replenishment lead "
        "time (the item's, else its supplier's).",
        json_schema_extra=fills("days", lead_time="lead_time_keyword"),
    )
    category: str | None = Field(
        default=None,
        description="Recorded category, e.g. mro.",
        json_schema_extra=fills("category"),
    )
    criticality: str | None = Field(
        default=None,
        description="A (stops a line), B or C.",
        json_schema_extra=fills("criticality"),
    )
    mro_subtype: str | None = Field(
        default=None,
        description="spare_part, consumable, tool, safety.",
        json_schema_extra=fills("mro_subtype"),
    )
    site: str | None = Field(
        default=None,
        description="Site id or name; omit for all sites.",
        json_schema_extra=fills("site"),
    )
    limit: int = Field(
        default=100,
        ge=1,
        le=5000,
        description="Most items to list.",
        json_schema_extra=fills("top"),
    )


class RunOutWithinResult(ToolResult):
    count: int = Field(description="Items that run out (may exceed the list).")
    items: list[CoverRow] = Field(description="Shortest cover first.")
    demand_window: DemandWindow = Field(description="The demand behind the daily rates.")


def run_out_within(ctx: ToolContext, args: RunOutWithinInput) -> RunOutWithinResult:
    """Items whose stock runs out within N days, or within their own lead time
    (days of cover < lead time): e.g. "which critical spare parts run out within their lead
    time?" = within='lead_time', criticality='A', category='mro', mro_subtype='spare_part'.
    Filters use the category, subtype and criticality recorded in the ERP."""
    import numpy as np

    from stockwise.tools.stock.common import demand_window, evidence, item_mask, open_index

    index, resolve = open_index(ctx)
    if isinstance(args.within, int) and args.within <= 0:
        raise InvalidArgumentError(f"'within' must be a positive number of days, not {args.within}")
    site = resolve.site(args.site) if args.site else None
    group = item_mask(index, args.category, args.criticality, args.mro_subtype)
    on_hand, demand = site_on_hand(index, site), demand_90d(index, site)
    cover = cover_days(on_hand, demand / WINDOW_DAYS)
    window = demand_window(index.as_of, WINDOW_DAYS)
    notes = [window_note(window)]
    if args.within == "lead_time":
        horizon = index.items["effective_lead_time_days"].to_numpy(dtype=float)
        no_lead = group & np.isnan(horizon)
        if no_lead.any():
            notes.append(
                f"{int(no_lead.sum())} items have no lead time (item or supplier) and were left out"
            )
    else:
        horizon = np.full(index.n_items, float(args.within))
    with np.errstate(invalid="ignore"):
        hit = group & ~np.isnan(cover) & (cover < horizon)
    codes = np.flatnonzero(hit)
    codes = codes[np.argsort(cover[codes], kind="stable")][: args.limit]
    rows = _cover_rows(index, codes, on_hand, demand)
    return RunOutWithinResult(
        count=int(hit.sum()),
        items=rows,
        demand_window=window,
        evidence=evidence(
            "run_out_within",
            args,
            index,
            {"items": int(group.sum()), "stock_levels": len(index.lv_item)},
            [r.item_id for r in rows],
            notes,
        ),
    )
