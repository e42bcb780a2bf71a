"""Each criticality class's calibration shrunk towards the pooled one (empirical Bayes).

Why: a class's replayed fill rests on one or two replayed years of its own items, often
few and lumpy (the refinery's class A did 88.7% in its calibration replays and 95.7% in
the final year at the same setting). Its own mapping from model target to replayed fill
is therefore mixed with the pooled mapping of all classes, by a weight set from the data:
the spread of the classes' mappings around the pooled one (what is real in a class's
difference) against the sampling variance of the class's own replayed fill (what is
noise). A class with many items and a distinct history keeps its own mapping; a small or
erratic class leans on the store.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class FillSums:
    """Sums over the (item, replay) units of one group, per calibration cell (settings x
    model targets): enough for the replayed fill and its sampling variance."""

    served: np.ndarray
    served_sq: np.ndarray
    served_demand: np.ndarray
    demand: float = 0.0
    demand_sq: float = 0.0

    @classmethod
    def zeros(cls, shape: tuple[int, ...]) -> FillSums:
        return cls(np.zeros(shape), np.zeros(shape), np.zeros(shape))

    def add(self, served: np.ndarray, demand: np.ndarray) -> None:
        """One replay: `served` (cells x units), `demand` (units) over the replay."""
        self.served += served.sum(axis=-1)
        self.served_sq += (served**2).sum(axis=-1)
        self.served_demand += served @ demand
        self.demand += float(demand.sum())
        self.demand_sq += float((demand**2).sum())

    def extend(self, other: FillSums) -> None:
        self.served = self.served + other.served
        self.served_sq = self.served_sq + other.served_sq
        self.served_demand = self.served_demand + other.served_demand
        self.demand += other.demand
        self.demand_sq += other.demand_sq

    def fill(self) -> np.ndarray:
        return self.served / max(self.demand, 1e-12)

    def variance(self) -> np.ndarray:
        """Sampling variance of the fill, a ratio of sums over independent units (delta
        method): sum of (served - fill x demand)^2 / total demand^2."""
        f = self.fill()
        residual = self.served_sq - 2.0 * f * self.served_demand + f**2 * self.demand_sq
        return np.maximum(residual, 0.0) / max(self.demand, 1e-12) ** 2


def mixed(seen: FillSums, new: FillSums, share_new: float) -> tuple[np.ndarray, np.ndarray]:
    """Fill and its variance of a group whose rows with history and rows without are
    weighted to an expected share of demand from the latter."""
    # A group with demand from one population only is that population.
    w = share_new if seen.demand > 0 and new.demand > 0 else float(new.demand > 0)
    fill = (1 - w) * seen.fill() + w * new.fill()
    variance = (1 - w) ** 2 * seen.variance() + w**2 * new.variance()
    return fill, variance


def between_replays(deviations: list[np.ndarray]) -> np.ndarray:
    """Variance of the mean of a class's deviations from the pool over the replays (one
    array per replay); 0 with a single replay, which cannot show it."""
    if len(deviations) < 2:
        return np.zeros_like(deviations[0]) if deviations else np.zeros(0)
    return np.var(np.stack(deviations), axis=0, ddof=1) / len(deviations)


def shrinkage_weights(
    own: dict[str, np.ndarray], noise: dict[str, np.ndarray], pooled: np.ndarray
) -> dict[str, float]:
    """Weight of each class's own mapping: between-class variance / (that + the class's
    own sampling variance), each averaged over the calibration cells. The between-class
    variance is the classes' mean squared distance from the pooled mapping less their
    mean sampling variance (method of moments, at least 0). A lone class keeps its own."""
    if len(own) < 2:
        return dict.fromkeys(own, 1.0)
    spread = np.mean([np.mean((f - pooled) ** 2) for f in own.values()])
    tau2 = max(float(spread - np.mean([np.mean(v) for v in noise.values()])), 0.0)
    out = {}
    for k, v in noise.items():
        sigma2 = float(np.mean(v))
        out[k] = tau2 / (tau2 + sigma2) if tau2 + sigma2 > 0 else 1.0
    return out


def shrink(
    own: dict[str, np.ndarray], noise: dict[str, np.ndarray], pooled: np.ndarray
) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Each class's mapping mixed with the pooled one, and the weights used."""
    weights = shrinkage_weights(own, noise, pooled)
    return {k: weights[k] * f + (1 - weights[k]) * pooled for k, f in own.items()}, weights
