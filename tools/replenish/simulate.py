"""Replay real demand day by day under a reorder-point policy, for many items at once.

The model, stated so a result can be checked by hand. Each day, for every item:
1. orders due that day arrive;
2. demand is served from on hand; what cannot be served is lost (counted as short: in a
   plant it is bought in a hurry or the line waits) — a day with short demand is a
   stockout day, and a run of such days is one stockout;
3. the inventory position (on hand + on order) is reviewed: while it is at or below the
   reorder point, one order quantity is added; an order placed at the end of day t arrives
   at the end of day t + lead, so it serves demand from day t + lead + 1 (a lead time of L
   days exposes the stock to exactly L days of demand, as the reorder point assumes);
4. the day's closing on hand is valued at unit cost.
An emergency order is a stockout of a criticality-A item. The loop runs over days; every
step is a numpy operation across items, so 10,000 items x 365 days take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SimulationOutcome:
    """Per-item totals (arrays of length n_items) and the daily total stock value."""

    demand: np.ndarray
    served: np.ndarray
    stockout_days: np.ndarray
    stockouts: np.ndarray  # runs of consecutive stockout days
    orders: np.ndarray
    average_value: np.ndarray
    peak_value: np.ndarray
    daily_value: np.ndarray  # (n_groups, days): closing stock value per group of items
    group_codes: np.ndarray  # group of each item, a row of daily_value

    def totals(self, critical_a: np.ndarray, codes: list[int] | None = None) -> dict:
        """Figures for the items whose group code is in `codes` (default all); `critical_a`
        marks class-A items (their stockouts are the emergency orders)."""
        if codes is None:
            m = np.ones(len(self.demand), bool)
            daily = self.daily_value.sum(axis=0)
        else:
            m = np.isin(self.group_codes, codes)
            daily = self.daily_value[[c for c in codes if c < len(self.daily_value)]].sum(axis=0)
        demand = float(self.demand[m].sum())
        emergency = self.stockouts[m & critical_a]
        return {
            "items": int(m.sum()),
            "demand": demand,
            "fill_rate": float(self.served[m].sum() / demand) if demand > 0 else 1.0,
            "stockout_days": int(self.stockout_days[m].sum()),
            "stockouts": int(self.stockouts[m].sum()),
            "emergency_orders": int(emergency.sum()),
            "orders": int(self.orders[m].sum()),
            "average_inventory_value": float(self.average_value[m].sum()),
            "peak_inventory_value": float(daily.max(initial=0.0)),
        }


def simulate(
    demand: np.ndarray,
    reorder_point: np.ndarray,
    order_qty: np.ndarray,
    lead_days: np.ndarray,
    unit_cost: np.ndarray,
    initial_on_hand: np.ndarray,
    group_codes: np.ndarray | None = None,
) -> SimulationOutcome:
    """Run the policy over `demand` (items x days). Items with an order quantity of 0 or
    NaN never order; a lead time below one day is one day (the review period)."""
    n, horizon = demand.shape
    lead = np.maximum(np.nan_to_num(lead_days, nan=1.0), 1.0).astype(int)
    qty = np.nan_to_num(order_qty, nan=0.0)
    rop = np.nan_to_num(reorder_point, nan=-1.0)
    can_order = qty > 0
    safe_qty = np.where(can_order, qty, 1.0)
    width = int(lead.max(initial=1)) + 2
    pipeline = np.zeros((n, width))  # ring buffer: arrivals by day modulo width
    rows = np.arange(n)
    on_hand = np.nan_to_num(initial_on_hand, nan=0.0).astype(float).copy()
    on_order = np.zeros(n)
    served = np.zeros(n)
    stockout_days = np.zeros(n, dtype=int)
    stockouts = np.zeros(n, dtype=int)
    orders = np.zeros(n, dtype=int)
    value_sum = np.zeros(n)
    value_peak = np.zeros(n)
    codes = np.zeros(n, dtype=int) if group_codes is None else np.asarray(group_codes, int)
    n_groups = int(codes.max(initial=0)) + 1
    daily_value = np.zeros((n_groups, horizon))
    short_yesterday = np.zeros(n, bool)
    for t in range(horizon):
        slot = t % width
        arriving = pipeline[:, slot]
        on_hand += arriving
        on_order -= arriving
        pipeline[:, slot] = 0.0
        want = demand[:, t]
        got = np.minimum(on_hand, want)
        on_hand -= got
        served += got
        short = want - got > 1e-9
        stockout_days += short
        stockouts += short & ~short_yesterday
        short_yesterday = short
        position = on_hand + on_order
        need = can_order & (position <= rop)
        if need.any():
            count = np.floor((rop[need] - position[need]) / safe_qty[need]) + 1.0
            amount = count * qty[need]
            on_order[need] += amount
            orders[need] += 1
            pipeline[rows[need], (t + lead[need] + 1) % width] += amount
        value = on_hand * unit_cost
        value_sum += value
        np.maximum(value_peak, value, out=value_peak)
        daily_value[:, t] = np.bincount(codes, weights=value, minlength=n_groups)
    return SimulationOutcome(
        demand=demand.sum(axis=1),
        served=served,
        stockout_days=stockout_days,
        stockouts=stockouts,
        orders=orders,
        average_value=value_sum / max(horizon, 1),
        peak_value=value_peak,
        daily_value=daily_value,
        group_codes=codes,
    )


def replay_policies(
    demand: np.ndarray,
    reorder_points: np.ndarray,
    order_qty: np.ndarray,
    lead: np.ndarray,
    unit_cost: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Served demand and average stock value (policies x items) of several reorder-point
    policies (policies x items) over the same `demand` (items x periods), each item
    starting at reorder point + order quantity. An item's replay depends on its own
    reorder point only, so each distinct (item, reorder point) is simulated once; an item
    with no demand never orders and holds its starting stock throughout."""
    policies, n = reorder_points.shape
    qty = np.nan_to_num(np.asarray(order_qty, float), nan=0.0)
    start = np.nan_to_num(reorder_points, nan=0.0) + qty[None, :]
    served = np.zeros((policies, n))
    value = start * np.nan_to_num(np.asarray(unit_cost, float))[None, :]
    active = np.flatnonzero(demand.sum(axis=1) > 0)
    if not len(active):
        return served, value
    points = reorder_points[:, active]
    # Distinct reorder points per item: sort each column, keep where the value changes.
    order = np.argsort(points, axis=0, kind="stable")
    ordered = np.take_along_axis(points, order, axis=0)
    fresh = np.ones_like(ordered, bool)
    fresh[1:] = ordered[1:] != ordered[:-1]
    pair_item, pair_rank = np.nonzero(fresh.T)  # item by item, points rising
    rows, points_u = active[pair_item], ordered[pair_rank, pair_item]
    out = simulate(demand[rows], points_u, qty[rows], np.asarray(lead)[rows],
                   np.asarray(unit_cost)[rows], points_u + qty[rows])  # fmt: skip
    # Each (policy, item) back to its pair: its rank in the sorted column, then the
    # number of distinct points below it, after the pairs of the items before.
    position = np.empty_like(order)
    np.put_along_axis(position, order, np.broadcast_to(np.arange(policies)[:, None], order.shape),
                      axis=0)  # fmt: skip
    distinct = np.cumsum(fresh, axis=0) - 1
    first = np.concatenate([[0], np.cumsum(fresh.sum(axis=0))[:-1]])
    pair = np.take_along_axis(distinct, position, axis=0) + first[None, :]
    served[:, active] = out.served[pair]
    value[:, active] = out.average_value[pair]
    return served, value
