"""Cost-aware reorder points for a whole store, with the fill rate calibrated on the
store's own history (items x periods, e.g. months).

Why a calibration step: replayed on real plants, a reorder point computed from an item's
own past falls short of its target for two reasons the past cannot show - demands larger
than any seen (covered by the record tail of `service_curve`, whose weight is unknown for
a new plant) and items that had no demand at all in the history (they keep their current
reorder point, which the model cannot value). Both are measured on the history itself:
its last `replay` periods are replayed under policies fitted on the periods before, for a
few tail weights; the weight whose achieved fill is closest to the target is kept, and the
share of demand that came from items with no history (and the fill they got) is used to
raise the target of the modelled items so the whole store reaches it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stockwise.tools.replenish.allocation import Allocation, allocate
from stockwise.tools.replenish.service_curve import ServiceCurves, service_curves
from stockwise.tools.replenish.simulate import simulate

TAILS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5)
CHECK_TARGETS = (0.90, 0.95, 0.99)
# Above this the greedy buys the last fractions of a point at any price.
MAX_MODEL_TARGET = 0.999
MIN_FIT_PERIODS = 6


@dataclass(frozen=True)
class Calibration:
    tail: float
    new_share: float  # share of replayed demand from items with no demand before it
    new_fill: float  # the fill those items got under their current policy
    table: list[tuple[float, float, float]] = field(default_factory=list)  # tail, target, got
    note: str = ""

    def model_target(self, target: float) -> float:
        """Fill the modelled items need so that the whole store reaches `target`."""
        wanted = (target - self.new_share * self.new_fill) / max(1.0 - self.new_share, 1e-9)
        return float(min(max(wanted, 0.0), MAX_MODEL_TARGET))


def _fallback(keep: np.ndarray | None, n: int) -> np.ndarray:
    return np.zeros(n) if keep is None else np.nan_to_num(np.asarray(keep, float))


def calibrate(
    history: np.ndarray,
    lead: np.ndarray,
    qty: np.ndarray,
    price: np.ndarray,
    *,
    current: np.ndarray | None = None,
    replay: int = 12,
    tails: tuple[float, ...] = TAILS,
) -> Calibration:
    """Tail weight and new-item share from a replay of the history's last `replay` periods."""
    periods = history.shape[1]
    if periods < replay + MIN_FIT_PERIODS:
        return Calibration(0.0, 0.0, 1.0, note=f"{periods} periods: too short to calibrate")
    fit, test = history[:, :-replay], history[:, -replay:]
    seen = (fit > 0).any(axis=1)
    keep = _fallback(current, len(history))
    rows = np.flatnonzero(seen)
    best: tuple[float, float] | None = None
    table = []
    new_share, new_fill = 0.0, 1.0
    for tail in tails:
        curves = service_curves(fit, lead, qty, tail=tail)
        worst = 0.0
        for target in CHECK_TARGETS:
            plan = allocate(curves, price, fill=target, rows=rows)
            s = np.where(seen, plan.reorder_point, keep)
            out = simulate(test, s, qty, lead, price, s + qty)
            demand = out.demand[seen].sum()
            got = float(out.served[seen].sum() / demand) if demand > 0 else 1.0
            table.append((tail, target, got))
            worst = max(worst, abs(got - target))
            total = out.demand.sum()
            if total > 0 and out.demand[~seen].sum() > 0:
                new_share = float(out.demand[~seen].sum() / total)
                new_fill = float(out.served[~seen].sum() / out.demand[~seen].sum())
        if best is None or worst < best[1] - 1e-9:
            best = (tail, worst)
    assert best is not None
    return Calibration(best[0], new_share, new_fill, table)


@dataclass(frozen=True)
class StorePolicy:
    reorder_point: np.ndarray
    modelled: np.ndarray  # rows with demand in the history (the others keep `current`)
    expected_fill: float  # over the modelled rows
    expected_value: float
    model_target: float | None


class StorePlanner:
    """Curves computed once per store; then a policy per fill target or budget."""

    def __init__(
        self,
        history: np.ndarray,
        lead: np.ndarray,
        qty: np.ndarray,
        price: np.ndarray,
        *,
        current: np.ndarray | None = None,
        critical: np.ndarray | None = None,
        critical_floor: float = 0.0,
        calibration: Calibration | None = None,
    ) -> None:
        history = np.clip(np.nan_to_num(np.asarray(history, float)), 0.0, None)
        self.lead = np.asarray(lead, float)
        self.qty = np.asarray(qty, float)
        self.price = np.nan_to_num(np.asarray(price, float))
        self.current = _fallback(current, len(history))
        self.calibration = calibration or calibrate(
            history, self.lead, self.qty, self.price, current=current
        )
        self.curves: ServiceCurves = service_curves(
            history, self.lead, self.qty, tail=self.calibration.tail
        )
        self.modelled: np.ndarray = np.asarray((history > 0).any(axis=1))
        self.floor = np.where(
            np.zeros(len(history), bool) if critical is None else np.asarray(critical, bool),
            critical_floor,
            0.0,
        )

    def _finish(self, plan: Allocation, target: float | None) -> StorePolicy:
        s = np.where(self.modelled, plan.reorder_point, self.current)
        return StorePolicy(s, self.modelled, plan.expected_fill, plan.expected_value, target)

    def for_fill(self, fill: float, rows: np.ndarray | None = None) -> StorePolicy:
        """Least stock value for a store-wide fill rate (or for the fill of `rows`)."""
        target = self.calibration.model_target(fill)
        use = (
            np.flatnonzero(self.modelled)
            if rows is None
            else np.intersect1d(rows, np.flatnonzero(self.modelled))
        )
        plan = allocate(self.curves, self.price, fill=target, rows=use, floor=self.floor)
        return self._finish(plan, target)

    def for_classes(self, targets: dict[str, float], klass: np.ndarray) -> StorePolicy:
        """A store-wide fill target per criticality class."""
        index = self.curves.for_target(self.floor)
        for name, fill in targets.items():
            rows = np.flatnonzero(self.modelled & (np.asarray(klass) == name))
            if len(rows):
                part = allocate(self.curves, self.price, fill=self.calibration.model_target(fill),
                                rows=rows, floor=self.floor)  # fmt: skip
                index[rows] = part.index[rows]
        return self._finish(self._summary(index), None)

    def for_budget(self, budget: float) -> StorePolicy:
        """Most fill for an average stock value, the items kept at their current reorder
        point counted in it at their current expected value."""
        kept = float(self.kept_value())
        plan = allocate(
            self.curves, self.price, budget=max(budget - kept, 0.0),
            rows=np.flatnonzero(self.modelled), floor=self.floor,
        )  # fmt: skip
        return self._finish(plan, None)

    def kept_value(self) -> float:
        """Average stock value of the rows without history at their current reorder point:
        no demand is expected, so they keep what they start with (reorder point + order)."""
        held = self.current + self.qty
        return float((np.where(self.modelled, 0.0, held) * self.price).sum())

    def _summary(self, index: np.ndarray) -> Allocation:
        rows = np.flatnonzero(self.modelled)
        mean = self.curves.mean_demand[rows]
        served = (self.curves.fill[rows, index[rows]] * mean).sum()
        value = self.curves.value(self.price)[rows, index[rows]].sum()
        fill = float(served / mean.sum()) if mean.sum() > 0 else 1.0
        return Allocation(index, self.curves.pick(index), fill, float(value))
