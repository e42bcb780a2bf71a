"""The cost-aware policy against the plant's current reorder points on the plant's own
last 12 months: the policy is fitted on the months before them, given the fill rate the
current policy achieved in them, and both are replayed (monthly review, the same order
quantities, each starting at reorder point + order quantity, unmet demand lost)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    import numpy as np

    from stockwise.tools.replenish.cost_aware import StorePlanner
    from stockwise.tools.replenish.store_history import StoreHistory

REPLAY_MONTHS = 12


class ReplayComparison(BaseModel):
    months_fitted: int
    months_replayed: int
    rows: int = Field(description="rows with a current reorder point, the ones compared")
    current_fill: float
    current_stock_value: float = Field(description="average stock value replayed")
    cost_aware_fill: float
    cost_aware_stock_value: float
    value_ratio: float | None = Field(description="cost-aware / current stock value")


def _replay(store: StoreHistory, rop: np.ndarray) -> tuple[float, float]:
    from stockwise.tools.replenish.simulate import simulate

    test = store.monthly[:, -REPLAY_MONTHS:]
    out = simulate(test, rop, store.qty, store.lead_months, store.price, rop + store.qty)
    demand = out.demand.sum()
    return (float(out.served.sum() / demand) if demand > 0 else 1.0), float(out.average_value.sum())


def compare_with_current(
    store: StoreHistory, make_planner: Callable[[StoreHistory], StorePlanner]
) -> tuple[ReplayComparison | None, list[str]]:
    """The replayed comparison, or None with the reason when it cannot be made."""
    from stockwise.tools.replenish.cost_aware import MIN_FIT_PERIODS

    months = store.monthly.shape[1]
    if months < REPLAY_MONTHS + MIN_FIT_PERIODS:
        return None, [
            f"{months} months of history: too few to replay {REPLAY_MONTHS} after fitting on "
            f"{MIN_FIT_PERIODS}; the comparison is the model's expectation"
        ]
    compared = store.subset(store.has_current)
    if not len(compared.facts):
        return None, ["no row has a current reorder point: nothing to compare with"]
    current_fill, current_value = _replay(compared, compared.current)
    planner = make_planner(compared.head(months - REPLAY_MONTHS))
    rop, _ = planner.for_fill(float(min(max(current_fill, 0.5), 0.999)))
    fill, value = _replay(compared, rop)
    return ReplayComparison(
        months_fitted=months - REPLAY_MONTHS,
        months_replayed=REPLAY_MONTHS,
        rows=len(compared.facts),
        current_fill=current_fill,
        current_stock_value=current_value,
        cost_aware_fill=fill,
        cost_aware_stock_value=value,
        value_ratio=value / current_value if current_value > 0 else None,
    ), []
