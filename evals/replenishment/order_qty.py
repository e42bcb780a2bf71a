"""Order quantities, where the plant's items file has order costs: the EOQ from each
item's order cost and holding rate (with its MOQ and multiple), replayed next to the
plant's own Max - Min, so the service decision and the quantity decision are reported
apart: plant -> project at the plant's quantities is the service effect, then project at
the plant's quantities -> project at the EOQ is the quantity effect."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from evals.replenishment.plant_files import PlantData
from evals.replenishment.replay import Split
from stockwise.tools.replenish.cost_aware import StorePlanner
from stockwise.tools.replenish.policy import MAX_COVER_DAYS, MIN_COVER_DAYS
from stockwise.tools.replenish.simulate import simulate

# The product's default (Settings.holding_rate) where the file gives none.
DEFAULT_HOLDING_RATE = 0.25


def eoq_quantities(data: PlantData, cut: Split) -> tuple[np.ndarray, int]:
    """EOQ per item, kept within the product's 7-180 days of demand, at least 1, raised to
    the MOQ and rounded up to the multiple; the current quantity where an item has no
    order cost, no price or no demand. Returns the quantities and how many were changed."""
    n = len(data.ids)
    cost = data.order_cost if data.order_cost is not None else np.full(n, np.nan)
    rate = data.holding_rate if data.holding_rate is not None else np.full(n, np.nan)
    rate = np.where(np.isfinite(rate) & (rate > 0), rate, DEFAULT_HOLDING_RATE)
    yearly = cut.train.mean(axis=1) * 12.0
    usable = np.isfinite(cost) & (cost > 0) & (data.price > 0) & (yearly > 0)
    eoq = np.sqrt(2.0 * yearly * np.nan_to_num(cost) / np.maximum(rate * data.price, 1e-12))
    daily = yearly / 365.0
    eoq = np.clip(eoq, daily * MIN_COVER_DAYS, daily * MAX_COVER_DAYS)
    qty = np.maximum(np.ceil(eoq - 1e-9), 1.0)
    if data.moq is not None:
        qty = np.where(np.isfinite(data.moq), np.maximum(qty, data.moq), qty)
    if data.multiple is not None:
        step = np.where(np.isfinite(data.multiple) & (data.multiple > 0), data.multiple, 1.0)
        qty = np.ceil(qty / step - 1e-9) * step
    out = np.where(usable, qty, cut.qty)
    return out, int((out != cut.qty).sum())


def quantity_report(
    data: PlantData, cut: Split, planner: StorePlanner,
    make_planner: Callable[[PlantData, Split], StorePlanner], fill: float,
) -> None:  # fmt: skip
    """Print the plant, the project at the plant's quantities and at the EOQ, at `fill`."""
    if not data.has_order_costs:
        print("\norder quantities: the items file has no order cost: the plant's kept")
        return
    assert data.order_cost is not None
    qty, changed = eoq_quantities(data, cut)
    eoq_cut = replace(cut, qty=qty)
    rate = data.holding_rate if data.holding_rate is not None else np.full(len(qty), np.nan)
    rate = np.where(np.isfinite(rate) & (rate > 0), rate, DEFAULT_HOLDING_RATE)
    per_order = np.nan_to_num(data.order_cost)
    rows = [
        ("plant Min/Max", cut, np.nan_to_num(data.plant_min)),
        ("project, plant's quantities", cut, planner.for_fill(fill)[0]),
        ("project, EOQ", eoq_cut, make_planner(data, eoq_cut).for_fill(fill)[0]),
    ]
    default = DEFAULT_HOLDING_RATE
    print(f"\norder quantities: EOQ for {changed:,} items (order cost and holding rate, "
          f"{default:g}/year where none); policies planned for {fill:.1%}")  # fmt: skip
    for name, which, rop in rows:
        fill_got, value, orders, yearly = _run(data, which, rop, rate, per_order)
        print(f"  {name:<28} fill {fill_got:.1%}  stock value {value:,.0f}  orders {orders:,.0f}"
              f"  holding + ordering over the year {yearly:,.0f}")  # fmt: skip


def _run(data: PlantData, cut: Split, rop: np.ndarray, rate: np.ndarray,
         per_order: np.ndarray) -> tuple[float, float, float, float]:  # fmt: skip
    """Fill, stock value, orders and holding + ordering cost over the replayed year."""
    out = simulate(cut.test, rop, cut.qty, data.lead_months, data.price, rop + cut.qty)
    fill = float(out.served.sum() / max(out.demand.sum(), 1e-12))
    years = cut.test.shape[1] / 12.0
    cost = float((out.average_value * rate).sum() * years + (out.orders * per_order).sum())
    return fill, float(out.average_value.sum()), float(out.orders.sum()), cost
