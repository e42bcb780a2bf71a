"""Cost-aware service levels: each item's reorder point chosen so that the whole store
reaches a fill-rate target at the least stock value, or the most fill for a budget.

Greedy marginal analysis (the classical method for the multi-item fill-rate problem,
Silver, Pyke & Thomas ch. 7): every item starts at its floor; each step raises the item
whose next reorder point buys the most expected served demand per unit of added stock
value. On the upper concave hull of each item's (value, served) curve the greedy order
is a single global sort of the hull's segments by that ratio, so a target or a budget is
one cumulative sum and a search.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stockwise.tools.replenish.service_curve import ServiceCurves


@dataclass(frozen=True)
class Allocation:
    index: np.ndarray  # chosen candidate per item
    reorder_point: np.ndarray
    expected_fill: float  # demand-weighted, over the items allocated
    expected_value: float


def _hull_segments(value: np.ndarray, served: np.ndarray, start: np.ndarray) -> tuple:
    """Segments of each row's upper concave hull from its start index: (row, to_index,
    added value, added served). Walks all rows at once, one hull vertex per step."""
    rows, k = value.shape
    r = np.arange(rows)
    at = start.copy()
    out = []
    columns = np.arange(k)[None, :]
    for _ in range(k):
        dv = value - value[r, at][:, None]
        du = served - served[r, at][:, None]
        ahead = (columns > at[:, None]) & (du > 1e-12)
        # A free step (no added value) that serves more is always taken first.
        slope = np.where(ahead, du / np.maximum(dv, 1e-12), -np.inf)
        best = slope.argmax(axis=1)
        live = np.isfinite(slope[r, best])
        if not live.any():
            break
        # Among equally steep points, go furthest: fewer, longer segments.
        rr = r[live]
        out.append((rr, best[live], dv[rr, best[live]], du[rr, best[live]]))
        at = np.where(live, best, at)
    if not out:
        empty = np.zeros(0)
        return empty.astype(int), empty.astype(int), empty, empty
    return tuple(np.concatenate([seg[i] for seg in out]) for i in range(4))


class Greedy:
    """The greedy order for the items in `rows` (default all), computed once; then a
    policy per fill target or budget is a search. Each item starts at the smallest
    reorder point whose own expected fill reaches `floor` (per item or one for all) and
    that is at least `least` (per item); value = expected average on hand x price."""

    def __init__(
        self,
        curves: ServiceCurves,
        price: np.ndarray,
        *,
        floor: np.ndarray | float = 0.0,
        rows: np.ndarray | None = None,
        least: np.ndarray | None = None,
    ) -> None:
        self.curves = curves
        n = len(curves.fill)
        self.rows = np.arange(n) if rows is None else np.asarray(rows, int)
        self.all_value = curves.value(np.nan_to_num(np.asarray(price, float)))
        self.start = curves.for_target(floor)
        if least is not None:
            self.start = np.maximum(self.start, curves.at_least(least))
        value = self.all_value[self.rows]
        served = curves.fill[self.rows] * curves.mean_demand[self.rows][:, None]
        local = np.arange(len(self.rows))
        self.demand = float(curves.mean_demand[self.rows].sum())
        self.base_value = float(value[local, self.start[self.rows]].sum())
        self.base_served = float(served[local, self.start[self.rows]].sum())
        seg_row, self.seg_to, seg_dv, seg_du = _hull_segments(value, served, self.start[self.rows])
        self.order = np.argsort(-(seg_du / np.maximum(seg_dv, 1e-12)), kind="stable")
        self.seg_row = self.rows[seg_row]
        self.cum_value = self.base_value + np.cumsum(seg_dv[self.order])
        self.cum_served = self.base_served + np.cumsum(seg_du[self.order])

    def _take(self, taken: int) -> Allocation:
        index = self.start.copy()
        chosen = self.order[:taken]
        # Segments of one row are taken in hull order: the furthest one taken is its end.
        np.maximum.at(index, self.seg_row[chosen], self.seg_to[chosen])
        rows = self.rows
        value = self.all_value[rows, index[rows]].sum()
        served = (self.curves.fill[rows, index[rows]] * self.curves.mean_demand[rows]).sum()
        fill = float(served / self.demand) if self.demand > 0 else 1.0
        return Allocation(index, self.curves.pick(index), fill, float(value))

    def at_fill(self, fill: float) -> Allocation:
        need = fill * self.demand
        if self.base_served >= need - 1e-9:
            return self._take(0)
        taken = int(np.searchsorted(self.cum_served, need - 1e-9, side="left")) + 1
        return self._take(min(taken, len(self.order)))

    def at_budget(self, budget: float) -> Allocation:
        return self._take(int(np.searchsorted(self.cum_value, budget + 1e-9, side="right")))


def allocate(
    curves: ServiceCurves,
    price: np.ndarray,
    *,
    fill: float | None = None,
    budget: float | None = None,
    floor: np.ndarray | float = 0.0,
    rows: np.ndarray | None = None,
) -> Allocation:
    """Reorder points for the items in `rows` (default all) reaching a demand-weighted
    expected `fill`, or spending at most `budget` of average stock value (see `Greedy`)."""
    if (fill is None) == (budget is None):
        raise ValueError("give a fill target or a budget, not both")
    greedy = Greedy(curves, price, floor=floor, rows=rows)
    if fill is not None:
        return greedy.at_fill(fill)
    assert budget is not None
    return greedy.at_budget(float(budget))
