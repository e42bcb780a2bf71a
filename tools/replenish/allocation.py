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
    added value, added served). Walks all rows at once, one hull vertex per step; a row
    whose hull has ended leaves the walk (most hulls have a few vertices, not 64)."""
    rows, k = value.shape
    live_rows = np.arange(rows)
    at = start.copy()
    out = []
    for _ in range(k):
        if not len(live_rows):
            break
        r = np.arange(len(live_rows))
        a = at[live_rows]
        # Only the columns past the lowest vertex reached can come next.
        c0 = int(a.min()) + 1
        v, u = value[live_rows, c0:], served[live_rows, c0:]
        dv = v - value[live_rows, a][:, None]
        du = u - served[live_rows, a][:, None]
        ahead = (np.arange(c0, k)[None, :] > a[:, None]) & (du > 1e-12)
        # A free step (no added value) that serves more is always taken first.
        slope = np.where(ahead, du / np.maximum(dv, 1e-12), -np.inf)
        best = slope.argmax(axis=1) if k > c0 else np.zeros(len(r), int)
        live = np.isfinite(slope[r, best]) if k > c0 else np.zeros(len(r), bool)
        rr, bb = r[live], best[live]
        out.append((live_rows[live], bb + c0, dv[rr, bb], du[rr, bb]))
        live_rows = live_rows[live]
        at[live_rows] = bb + c0
    if not out:
        empty = np.zeros(0)
        return empty.astype(int), empty.astype(int), empty, empty
    return tuple(np.concatenate([seg[i] for seg in out]) for i in range(4))


@dataclass(frozen=True)
class Hulls:
    """The hull segments of every row from one start (shared by the greedy of any subset
    of rows: a row's hull does not depend on the others)."""

    start: np.ndarray
    value: np.ndarray  # rows x candidates: expected average stock value
    row: np.ndarray
    to: np.ndarray
    dv: np.ndarray
    du: np.ndarray


def hulls(
    curves: ServiceCurves,
    price: np.ndarray,
    *,
    floor: np.ndarray | float = 0.0,
    least: np.ndarray | None = None,
    rows: np.ndarray | None = None,
) -> Hulls:
    """Each row starts at the smallest reorder point whose own expected fill reaches
    `floor` and that is at least `least`; the hull segments of `rows` (default all) from
    there."""
    value = curves.value(np.nan_to_num(np.asarray(price, float)))
    start = curves.for_target(floor)
    if least is not None:
        start = np.maximum(start, curves.at_least(least))
    rows = np.arange(len(value)) if rows is None else np.asarray(rows, int)
    served = curves.fill[rows] * curves.mean_demand[rows][:, None]
    row, to, dv, du = _hull_segments(value[rows], served, start[rows])
    return Hulls(start, value, rows[row], to, dv, du)


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
        shared: Hulls | None = None,
    ) -> None:
        """`shared`: the hulls of all rows from the same floor and least, when several
        greedies are built on one set of curves (then `price`, `floor`, `least` are theirs)."""
        self.curves = curves
        n = len(curves.fill)
        self.rows = np.arange(n) if rows is None else np.asarray(rows, int)
        if shared is None:
            shared = hulls(curves, price, floor=floor, least=least, rows=self.rows)
        keep = np.isin(shared.row, self.rows)
        self.all_value = shared.value
        self.start = shared.start
        local = self.rows
        served_at_start = curves.fill[local, self.start[local]] * curves.mean_demand[local]
        self.demand = float(curves.mean_demand[local].sum())
        self.base_value = float(self.all_value[local, self.start[local]].sum())
        self.base_served = float(served_at_start.sum())
        self.seg_row, self.seg_to = shared.row[keep], shared.to[keep]
        seg_dv, seg_du = shared.dv[keep], shared.du[keep]
        self.order = np.argsort(-(seg_du / np.maximum(seg_dv, 1e-12)), kind="stable")
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
