"""Report periods ("2025-Q3") and the stock value at a past date, rolled back from the ledger.

The tools answer at the snapshot (`as_of`). A value at an earlier date is the snapshot's on
hand minus every movement booked after that date, times today's unit cost: the book's own
view of the past, so a count variance found at the snapshot is carried back unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from stockwise.tools.core.errors import InvalidArgumentError
from stockwise.tools.dataset.model import Dataset

PERIOD = re.compile(r"^(?P<year>\d{4})-?Q(?P<q>[1-4])$", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    label: str
    start: pd.Timestamp  # first instant of the quarter
    end: pd.Timestamp  # last instant of the quarter (inclusive)


def parse_period(text: str) -> Period:
    match = PERIOD.match(text.strip())
    if not match:
        raise InvalidArgumentError(
            f"period {text!r} is not a quarter: write it like 2025-Q3 (year, dash, Q1 to Q4)"
        )
    year, q = int(match["year"]), int(match["q"])
    start = pd.Timestamp(year=year, month=3 * (q - 1) + 1, day=1)
    end = start + pd.DateOffset(months=3) - pd.Timedelta(1, "ns")
    return Period(f"{year}-Q{q}", start, end)


def value_at(ds: Dataset, before: str, site: str | None = None) -> pd.Series:
    """Stock value per recorded category (blank = unclassified) at the start of day `before`
    (movements from that day on are undone), from the ledger."""
    when = pd.Timestamp(before)
    levels = ds.stock_levels
    tx = ds.transactions
    if site is not None:
        levels = levels[levels["site_id"] == site]
        tx = tx[tx["site_id"] == site]
    later = tx[(tx["ts"] >= when) & (tx["ts"] <= ds.as_of)]
    moved = later.groupby(["item_id", "site_id"], observed=True)["qty"].sum()
    qty = levels.set_index(["item_id", "site_id"])["on_hand_qty"].astype(float)
    qty = qty.sub(moved, fill_value=0.0)
    # Rolled-back stock cannot be negative; a negative means the book was short then.
    qty = qty.clip(lower=0.0)
    items = ds.items.set_index("item_id")
    item_ids = qty.index.get_level_values(0).astype(str)
    cost = items["unit_cost"].reindex(item_ids).fillna(0.0).to_numpy()
    category = items["recorded_category"].reindex(item_ids).fillna("unclassified").to_numpy()
    value = pd.Series(qty.to_numpy() * cost, index=category)
    return value.groupby(level=0).sum()


def movements_in(ds: Dataset, period: Period | str, site: str | None = None) -> int:
    """Transactions booked in the period (at the site)."""
    if isinstance(period, str):
        period = parse_period(period)
    tx = ds.transactions
    mask = (tx["ts"] >= period.start) & (tx["ts"] <= period.end)
    if site is not None:
        mask &= tx["site_id"] == site
    return int(mask.sum())
