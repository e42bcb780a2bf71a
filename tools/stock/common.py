"""Pieces every stock tool shares: the evidence it returns, periods, and item filters."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel

from stockwise.tools.core.errors import InvalidArgumentError, UnknownEntityError
from stockwise.tools.core.results import MAX_EVIDENCE_IDS, Evidence
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.schema import CATEGORIES, CRITICALITY, MRO_SUBTYPES
from stockwise.tools.stock.index import UNCLASSIFIED, StockIndex, stock_index
from stockwise.tools.stock.resolve import Resolver, resolver
from stockwise.tools.stock.rows import COVER_WINDOW_DAYS, DemandWindow

DAY_NS = 86_400 * 10**9


def open_index(ctx: ToolContext) -> tuple[StockIndex, Resolver]:
    index = stock_index(ctx.dataset)
    return index, resolver(index)


def evidence(
    tool: str,
    args: BaseModel,
    index: StockIndex,
    rows_used: dict[str, int],
    ids: list[str] | None = None,
    notes: list[str] | None = None,
) -> Evidence:
    return Evidence(
        tool=tool,
        params=args.model_dump(mode="json", exclude_none=True),
        as_of=index.as_of.to_pydatetime(),
        rows_used=rows_used,
        ids=[str(i) for i in (ids or [])[:MAX_EVIDENCE_IDS]],
        notes=notes or [],
    )


def finite(value: float | None) -> float | None:
    """JSON has no NaN or infinity: an unknown or unbounded figure is null."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def text(value: Any) -> str | None:
    """An optional text cell as str, or None when blank (None or NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def demand_window(as_of: Any, days: int = COVER_WINDOW_DAYS) -> DemandWindow:
    """The `days` days before `as_of`: every figure that divides demand by days (average
    daily demand, days of cover, excess) names this window, whichever tool computes it."""
    end = pd.Timestamp(as_of)
    return DemandWindow(
        start=(end - pd.Timedelta(days=days)).to_pydatetime(), end=end.to_pydatetime(), days=days
    )


def parse_day(value: str, name: str) -> pd.Timestamp:
    try:
        day = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise InvalidArgumentError(
            f"{name} {value!r} is not a date; write it as YYYY-MM-DD"
        ) from exc
    if pd.isna(day):
        raise InvalidArgumentError(f"{name} {value!r} is not a date; write it as YYYY-MM-DD")
    return day.tz_localize(None).normalize() if day.tzinfo else day.normalize()


@dataclass(frozen=True)
class Period:
    """Whole days, both ends included: start 00:00 <= ts < the day after end."""

    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def start_ns(self) -> int:
        return self.start.value

    @property
    def end_exclusive_ns(self) -> int:
        return self.end.value + DAY_NS

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def period(start: str | None, end: str | None, as_of: pd.Timestamp, default_days: int) -> Period:
    """The period asked for; a missing end is the as_of day, a missing start `default_days`
    days back so the period holds exactly `default_days` days."""
    end_day = parse_day(end, "end date") if end else as_of.normalize()
    start_day = (
        parse_day(start, "start date") if start else end_day - pd.Timedelta(days=default_days - 1)
    )
    if end_day < start_day:
        raise InvalidArgumentError(
            f"the period ends ({end_day:%Y-%m-%d}) before it starts ({start_day:%Y-%m-%d})"
        )
    return Period(start_day, end_day)


def _check_choice(kind: str, value: str, choices: tuple[str, ...]) -> str:
    text = value.strip()
    for choice in choices:
        if text.lower() == choice.lower():
            return choice
    raise UnknownEntityError(kind, value, list(choices))


def item_mask(
    index: StockIndex,
    category: str | None = None,
    criticality: str | None = None,
    mro_subtype: str | None = None,
) -> np.ndarray:
    """Items whose recorded attributes match every given filter (blank category = unclassified)."""
    items = index.items
    mask = np.ones(index.n_items, dtype=bool)
    if category:
        wanted = _check_choice("category", category, (*CATEGORIES, UNCLASSIFIED))
        mask &= (items["category"] == wanted).to_numpy()
    if criticality:
        wanted = _check_choice("criticality", criticality, CRITICALITY)
        mask &= (items["criticality"] == wanted).to_numpy()
    if mro_subtype:
        wanted = _check_choice("MRO subtype", mro_subtype, MRO_SUBTYPES)
        mask &= (items["mro_subtype"] == wanted).to_numpy()
    return mask


def item_fields(index: StockIndex, code: int) -> dict[str, Any]:
    row = index.items.iloc[code]
    return {
        "item_id": str(row["item_id"]),
        "description": str(row["description"]),
        "category": str(row["category"]),
        "uom": str(row["uom"]),
    }
