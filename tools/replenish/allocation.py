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
    expected `fill`, or spending at most `budget` of average stock value (value = expected
    average on hand x price). Each item first gets the smallest reorder point whose own
    expected fill reaches `floor` (per item or one for all)."""
    if (fill is None) == (budget is None):
        raise ValueError("give a fill target or a budget, not both")
    n = len(curves.fill)
    rows = np.arange(n) if rows is None else np.asarray(rows)
    price = np.nan_to_num(np.asarray(price, float))
    floor_index = curves.for_target(floor)
    index = floor_index.copy()
    value = curves.value(price)[rows]
    served = curves.fill[rows] * curves.mean_demand[rows][:, None]
    start = floor_index[rows]
    demand = float(curves.mean_demand[rows].sum())
    base_value = float(value[np.arange(len(rows)), start].sum())
    base_served = float(served[np.arange(len(rows)), start].sum())
    seg_row, seg_to, seg_dv, seg_du = _hull_segments(value, served, start)
    order = np.argsort(-(seg_du / np.maximum(seg_dv, 1e-12)), kind="stable")
    cum_value = base_value + np.cumsum(seg_dv[order])
    cum_served = base_served + np.cumsum(seg_du[order])
    if fill is not None:
        need = fill * demand
        taken = int(np.searchsorted(cum_served, need - 1e-9, side="left")) + 1
        taken = 0 if base_served >= need - 1e-9 else min(taken, len(order))
    else:
        assert budget is not None
        taken = int(np.searchsorted(cum_value, float(budget) + 1e-9, side="right"))
    chosen = order[:taken]
    # Segments of one row are taken in hull order, so the furthest one taken is where it ends.
    np.maximum.at(index, rows[seg_row[chosen]], seg_to[chosen])
    value_all = curves.value(price)[rows, index[rows]].sum()
    served_all = (curves.fill[rows, index[rows]] * curves.mean_demand[rows]).sum()
    return Allocation(
        index=index,
        reorder_point=curves.pick(index),
        expected_fill=float(served_all / demand) if demand > 0 else 1.0,
        expected_value=float(value_all),
    )
