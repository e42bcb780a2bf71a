"""Replaying reorder-point policies on a real plant's monthly demand: the protocol, the
trade-off curves (achieved fill vs average stock value, one point per target) and the
comparison of two curves at an equal achieved fill rate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evals.replenishment.plant_files import PlantData, PlantFileError
from evals.replenishment.textbook import croston_sba, textbook_rop
from stockwise.tools.replenish.simulate import simulate

REPLAY_MONTHS = 12
REVIEW_MONTHS = 1
CLASSES = ("A", "B", "C")

# The project's reorder points for a store-wide fill target.
ProjectPolicy = Callable[[float], np.ndarray]


@dataclass
class Split:
    train: np.ndarray
    test: np.ndarray
    qty: np.ndarray
    protection: np.ndarray

    def protocol(self, data: PlantData) -> list[str]:
        qty_rule = (
            "the plant's Max - Min (at least 1)"
            if data.has_plant_policy
            else "one month of mean demand in the fit window (at least 1)"
        )
        return [
            f"fit window: the first {self.train.shape[1]} months "
            f"({data.months[0]:%Y-%m} to {data.months[self.train.shape[1] - 1]:%Y-%m}); "
            f"replay: the last {self.test.shape[1]} months, every policy fixed at its start",
            f"review every {REVIEW_MONTHS} month; protection = lead time + review period; "
            "an order placed at a review arrives lead-time months later; unmet demand is lost",
            f"order quantity, the same for every policy: {qty_rule}; starting stock = "
            "reorder point + order quantity",
            "fill rate = demand served / demand over the replay (items with demand in it); "
            "stock value = average month-end on hand x price, summed over all items",
            *data.rules,
        ]


def split(data: PlantData, replay: int = REPLAY_MONTHS) -> Split:
    if data.demand.shape[1] <= replay + 6:
        raise PlantFileError(
            f"{data.demand.shape[1]} months of demand: need more than {replay + 6} "
            f"(at least 6 to fit, {replay} to replay)"
        )
    train, test = data.demand[:, :-replay], data.demand[:, -replay:]
    if data.has_plant_policy:
        qty = np.maximum(np.nan_to_num(data.plant_max - data.plant_min, nan=1.0), 1.0)
    else:
        qty = np.maximum(np.ceil(train.mean(axis=1) - 1e-9), 1.0)
    return Split(train, test, qty, data.lead_months + REVIEW_MONTHS)


def replay(
    data: PlantData, cut: Split, rop: np.ndarray, *, noise: bool = False
) -> dict[str, float]:
    """Fill rate overall and per class, and the average stock value, of one policy; with
    `noise`, also each class's item-level standard error (`se_A`, ...) and its largest
    item's share of the class's demand, that item's fill and the class's without it, and
    the item that lost most (`worst_A`) with its lost units as a share of the class's demand,
    and the share lost by items with a month larger than reorder point + order quantity."""
    out = simulate(cut.test, rop, cut.qty, data.lead_months, data.price, rop + cut.qty)
    figures = {
        "fill_rate": float(out.served.sum() / max(out.demand.sum(), 1e-12)),
        "average_value": float(out.average_value.sum()),
        "orders": float(out.orders.sum()),
    }
    served, demand = np.asarray(out.served, float), np.asarray(out.demand, float)
    for klass in CLASSES:
        m = data.klass == klass
        total = demand[m].sum()
        fill = float(served[m].sum() / total) if total > 0 else np.nan
        figures[f"fill_{klass}"] = fill
        if noise and total > 0:
            figures[f"se_{klass}"] = item_noise(served[m], demand[m])
            # One item can carry a class's year (a single large demand): its share, and
            # the class's fill without it.
            top = int(np.flatnonzero(m)[np.argmax(demand[m])])
            rest = total - demand[top]
            figures[f"top_{klass}"] = top
            figures[f"top_share_{klass}"] = float(demand[top] / total)
            figures[f"top_fill_{klass}"] = float(served[top] / demand[top])
            figures[f"without_top_{klass}"] = (
                float((served[m].sum() - served[top]) / rest) if rest > 0 else np.nan
            )
            # And the item that lost the most units: what an under-filled class missed.
            lost = demand - served
            worst = int(np.flatnonzero(m)[np.argmax(lost[m])])
            figures[f"worst_{klass}"] = worst
            figures[f"worst_lost_{klass}"] = float(lost[worst] / total)
            # Demand no stock the policy holds could serve at once: a month larger than
            # the item's reorder point + order quantity (the most it has after an order).
            lumpy = (cut.test > (rop + cut.qty)[:, None]).any(axis=1)
            figures[f"lump_lost_{klass}"] = float(lost[m & lumpy].sum() / total)
    return figures


def item_noise(served: np.ndarray, demand: np.ndarray) -> float:
    """Standard error of a group's fill (a ratio of sums over its items, delta method) from
    the items' own spread alone: what another draw of the same items' demand would move
    it by. A shift of the whole year, common to every item, comes on top."""
    total = demand.sum()
    if total <= 0:
        return float("nan")
    fill = served.sum() / total
    return float(np.sqrt(((served - fill * demand) ** 2).sum()) / total)


def curves(
    data: PlantData, cut: Split, targets: np.ndarray, project: ProjectPolicy
) -> pd.DataFrame:
    """One row per policy and target (and the plant's Min/Max, target NaN)."""
    rows = []
    for target in targets:
        rows.append({"policy": "project", "target": target, **replay(data, cut, project(target))})
    mean, rmse = croston_sba(cut.train)
    for target in targets:
        rop = textbook_rop(mean, rmse, cut.qty, target, cut.protection)
        rows.append({"policy": "textbook", "target": target, **replay(data, cut, rop)})
    if data.has_plant_policy:
        rop = np.nan_to_num(data.plant_min, nan=0.0)
        rows.append({"policy": "plant Min/Max", "target": np.nan, **replay(data, cut, rop)})
    return pd.DataFrame(rows)


def value_at(curve: pd.DataFrame, fill: float) -> float | None:
    """Average stock value at an achieved fill rate, by linear interpolation along a curve;
    None when the curve does not reach that fill rate (never a NaN ratio)."""
    ordered = curve.sort_values("target")
    x = np.maximum.accumulate(ordered["fill_rate"].to_numpy())
    y = ordered["average_value"].to_numpy()
    if len(x) == 0 or not x.min() - 1e-12 <= fill <= x.max() + 1e-12:
        return None
    # Where fill does not rise between targets, the cheapest point reaching it counts.
    first = np.searchsorted(x, fill, side="left")
    if first < len(x) and abs(x[first] - fill) < 1e-12:
        return float(y[first])
    return float(np.interp(fill, x, y))


def ratio_text(numerator: float | None, denominator: float | None) -> str:
    if numerator is None or denominator is None:
        return "not reached"
    if denominator <= 0:
        return "no stock to compare"
    return f"{numerator / denominator:.3f}"


def worst_ratio(project: pd.DataFrame, other: pd.DataFrame, points: int = 41) -> tuple:
    """The highest project / other value ratio over the fill rates both curves reach."""
    low = max(project["fill_rate"].min(), other["fill_rate"].min())
    high = min(project["fill_rate"].max(), other["fill_rate"].max())
    if low > high:
        return None, None
    worst, where = 0.0, low
    for fill in np.linspace(low, high, points):
        a, b = value_at(project, fill), value_at(other, fill)
        if a is not None and b and a / b > worst:
            worst, where = a / b, fill
    return worst, where
