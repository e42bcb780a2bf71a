"""A real plant's replenishment data read from files: monthly demand (long format
`unique_id, ds, y`) and, optionally, an items file with each item's lead time, price,
criticality and the plant's own Min/Max. Every problem in the input is counted and named,
and the rule applied to it is stated, so the benchmark never turns one into a NaN.

Items-file columns are matched by name so another plant's export fits without code:
lead time `lead_time_days` (or `lead_time`), price `price` (or `unit_cost`), the plant's
policy `min_reorder_point`/`max_stock` (or `reorder_point`/`max`, or `reorder_point` +
`reorder_qty`), criticality a `criticality` column (A/B/C) or the counts of installations
in high/medium/low critical equipment (`installed_high_crit`, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

DAYS_PER_MONTH = 365.25 / 12
LEAD_COLUMNS = ("lead_time_days", "lead_time", "leadtime_days")
PRICE_COLUMNS = ("price", "unit_cost", "unit_price")
MIN_COLUMNS = ("min_reorder_point", "reorder_point", "min", "min_stock")
MAX_COLUMNS = ("max_stock", "max", "max_reorder_level", "order_up_to")
QTY_COLUMNS = ("reorder_qty", "order_qty")
ORDER_COST_COLUMNS = ("order_cost", "ordering_cost")
HOLDING_COLUMNS = ("holding_rate", "holding_cost_rate")
MOQ_COLUMNS = ("moq", "min_order_qty", "minimum_order_qty")
MULTIPLE_COLUMNS = ("order_multiple", "lot_size")


class PlantFileError(ValueError):
    """A plant file that cannot be read as a benchmark: the message names file and column."""


@dataclass
class PlantData:
    """Monthly demand (items x months, returns already set to 0) and per-item facts; NaN
    where the plant's file has nothing (no Min/Max: no plant policy to compare)."""

    ids: np.ndarray
    months: pd.DatetimeIndex
    demand: np.ndarray
    lead_months: np.ndarray
    price: np.ndarray
    klass: np.ndarray  # "A", "B" or "C"
    plant_min: np.ndarray
    plant_max: np.ndarray
    problems: dict[str, list[str]] = field(default_factory=dict)
    rules: list[str] = field(default_factory=list)
    # Per item, NaN where the file has none: what an order quantity can be computed from.
    order_cost: np.ndarray | None = None
    holding_rate: np.ndarray | None = None
    moq: np.ndarray | None = None
    multiple: np.ndarray | None = None

    @property
    def has_order_costs(self) -> bool:
        return self.order_cost is not None and bool(np.isfinite(self.order_cost).any())

    @property
    def has_plant_policy(self) -> bool:
        return bool(np.isfinite(self.plant_min).any())


def _pick(frame: pd.DataFrame, names: tuple[str, ...]) -> pd.Series | None:
    for name in names:
        if name in frame.columns:
            return pd.to_numeric(frame[name], errors="coerce")
    return None


def _named(ids: np.ndarray, mask: np.ndarray) -> list[str]:
    return [str(i) for i in ids[mask]]


def read_demand(path: Path) -> tuple[pd.DataFrame, int]:
    """Demand as a (items x months) frame, months without a row as 0, and how many
    (item, month) cells were negative (returns larger than the month's issues)."""
    path = Path(path)
    if not path.is_file():
        raise PlantFileError(f"{path}: no such demand file")
    frame = pd.read_csv(path, dtype={"unique_id": str})
    missing = {"unique_id", "ds", "y"} - set(frame.columns)
    if missing:
        raise PlantFileError(
            f"{path}: demand needs columns unique_id, ds, y; missing {sorted(missing)}"
        )
    frame["ds"] = pd.to_datetime(frame["ds"], errors="coerce")
    frame["y"] = pd.to_numeric(frame["y"], errors="coerce")
    if frame["ds"].isna().any():
        row = int(frame["ds"].isna().to_numpy().argmax()) + 2
        raise PlantFileError(f"{path}, line {row}: column ds is not a date")
    wide = frame.pivot_table(index="unique_id", columns="ds", values="y", aggfunc="sum")
    wide = wide.fillna(0.0)
    return wide, int((wide.to_numpy() < 0).sum())


def criticality_classes(items: pd.DataFrame) -> np.ndarray:
    """A/B/C per row: a `criticality` column as given, else A when the item is installed in
    high-critical equipment, B in medium, C otherwise (installed nowhere included)."""
    if "criticality" in items.columns:
        raw = items["criticality"].astype(str).str.strip().str.upper()
        return np.where(raw.isin(["A", "B", "C"]), raw, "C")
    high = _pick(items, ("installed_high_crit",))
    medium = _pick(items, ("installed_medium_crit",))
    out = np.full(len(items), "C", dtype=object)
    if medium is not None:
        out[medium.fillna(0).to_numpy() > 0] = "B"
    if high is not None:
        out[high.fillna(0).to_numpy() > 0] = "A"
    return out


def read_plant(demand_path: Path, items_path: Path | None = None, **defaults: float) -> PlantData:
    """Demand and item facts aligned on the ids both files share. Without an items file,
    `defaults` give lead_months and price for every item (no plant policy then)."""
    wide, negative_cells = read_demand(demand_path)
    problems: dict[str, list[str]] = {}
    rules = []
    values = wide.to_numpy(float)
    ids = wide.index.to_numpy().astype(str)
    if negative_cells:
        neg_items = (values < 0).any(axis=1)
        problems["negative months (returns)"] = [f"{negative_cells} months"] + _named(
            ids, neg_items
        )
        rules.append(
            "negative months (returns to stores larger than the month's issues) are set to 0: "
            "a return is not demand, and netting it against other months would hide issues"
        )
    values = np.clip(values, 0.0, None)
    n = len(ids)
    if items_path is None:
        lead = np.full(n, float(defaults.get("lead_months", 2)))
        price = np.full(n, float(defaults.get("price", 1.0)))
        plant = np.full(n, np.nan)
        rules.append(
            f"no items file: lead time {lead[0]:g} months and unit price {price[0]:g} for "
            "every item, no plant policy"
        )
        klass = np.full(n, "C", dtype=object)
        return PlantData(ids, wide.columns, values, lead, price, klass, plant, plant.copy(),
                         problems, rules)  # fmt: skip
    items_path = Path(items_path)
    if not items_path.is_file():
        raise PlantFileError(f"{items_path}: no such items file")
    items = pd.read_csv(items_path, dtype={"unique_id": str, "item_id": str})
    key = "unique_id" if "unique_id" in items.columns else "item_id"
    if key not in items.columns:
        raise PlantFileError(f"{items_path}: items need a unique_id (or item_id) column")
    items[key] = items[key].astype(str).str.strip()
    dup = items[key].duplicated()
    if dup.any():
        problems["duplicate ids in the items file (first kept)"] = list(items[key][dup])
        items = items[~dup]
    items = items.set_index(key)
    only_demand = ~np.isin(ids, items.index)
    only_items = ~items.index.isin(ids)
    if only_demand.any():
        problems["ids in the demand file but not the items file (left out)"] = _named(
            ids, only_demand
        )
    if only_items.any():
        problems["ids in the items file but not the demand file (left out)"] = list(
            items.index[only_items]
        )
    if not (~only_demand).any():
        raise PlantFileError(
            f"{items_path}: none of its ids match {demand_path}; check the id column"
        )
    ids, values = ids[~only_demand], values[~only_demand]
    items = items.reindex(ids)
    lead_days = _pick(items, LEAD_COLUMNS)
    price = _pick(items, PRICE_COLUMNS)
    if lead_days is None or price is None:
        raise PlantFileError(
            f"{items_path}: needs a lead time ({', '.join(LEAD_COLUMNS)}) and a price "
            f"({', '.join(PRICE_COLUMNS)}) column"
        )
    lead_days, price = lead_days.to_numpy(float), price.to_numpy(float)
    bad_lead = ~(lead_days > 0)
    if bad_lead.any():
        problems["lead time 0 or missing (taken as 1 month)"] = _named(ids, bad_lead)
    rules.append(
        "lead time in whole months, rounded up (at least 1): stock is reviewed monthly, so "
        "an order placed after a review arrives at the end of a month"
    )
    lead_months = np.maximum(np.ceil(np.nan_to_num(lead_days, nan=0.0) / DAYS_PER_MONTH - 1e-9), 1)
    bad_price = ~(price > 0)
    if bad_price.any():
        problems["price 0 or missing (valued at 0: counts in fill, not in stock value)"] = _named(
            ids, bad_price
        )
    price = np.where(bad_price, 0.0, price)
    low, high = _pick(items, MIN_COLUMNS), _pick(items, MAX_COLUMNS)
    qty = _pick(items, QTY_COLUMNS)
    if low is not None and high is None and qty is not None:
        high = low + qty
    plant_min = np.full(len(ids), np.nan) if low is None else low.to_numpy(float)
    plant_max = np.full(len(ids), np.nan) if high is None else high.to_numpy(float)
    flipped = plant_min > plant_max
    if flipped.any():
        problems["Min above Max (Max taken as Min)"] = _named(ids, flipped)
        plant_max = np.where(flipped, plant_min, plant_max)
    no_policy = np.isnan(plant_min) | np.isnan(plant_max)
    if low is not None and no_policy.any():
        problems["no Min/Max (left out of the comparison)"] = _named(ids, no_policy)
    no_demand = ~(values > 0).any(axis=1)
    if no_demand.any():
        problems["no demand in any month (kept: they hold stock)"] = _named(ids, no_demand)
    extra = {
        name: (None if col is None else col.to_numpy(float))
        for name, col in (
            ("order_cost", _pick(items, ORDER_COST_COLUMNS)),
            ("holding_rate", _pick(items, HOLDING_COLUMNS)),
            ("moq", _pick(items, MOQ_COLUMNS)),
            ("multiple", _pick(items, MULTIPLE_COLUMNS)),
        )
    }
    return PlantData(
        ids, wide.columns, values, lead_months, price, criticality_classes(items),
        plant_min, plant_max, problems, rules, **extra,
    )  # fmt: skip


def problem_lines(data: PlantData, limit: int = 6) -> list[str]:
    """One line per kind of bad input: how many, and the first ids."""
    lines = []
    for kind, names in data.problems.items():
        head = names
        count = len(names)
        if kind.startswith("negative months"):
            head, count = names[1:], len(names) - 1
            kind = f"{kind}: {names[0]} in"
        shown = ", ".join(head[:limit]) + (", ..." if len(head) > limit else "")
        lines.append(f"  {kind}: {count} items ({shown})")
    return lines
