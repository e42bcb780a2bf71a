"""Demand over a replenishment lead time from an item's own history, for one item or many.

The default is a bootstrap of the item's own demand: the number of periods with demand in
the lead time is Binomial(lead, p) with p the item's (recency-weighted) share of periods
with demand, and each demand's size is drawn from the item's past nonzero demands. It keeps
the lumpiness that a Poisson or normal model smooths away, which is what a reorder point
for intermittent MRO demand needs. Backtest: `python -m evals.forecast leadtime`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import overload

import numpy as np

# Beyond this many demands in one lead time, the sum of sizes is drawn from its normal
# approximation (mean and spread of the item's sizes): exact enough, and memory stays flat.
EXACT_DRAWS = 24
ROW_CHUNK = 256
# Weight of recent periods in the demand probability: half-life in periods (a quarter of
# the history, at least 12), so a part whose use has stopped or started counts as such.
MIN_HALF_LIFE = 12.0


@dataclass
class LeadTimeDemand:
    """Samples of demand over one lead time, with the method and its limits."""

    samples: np.ndarray
    method: str
    notes: list[str] = field(default_factory=list)
    lead_time_periods: float = 0.0

    @property
    def mean(self) -> float:
        return float(np.mean(self.samples)) if len(self.samples) else 0.0

    @overload
    def quantile(self, p: float) -> float: ...
    @overload
    def quantile(self, p: np.ndarray) -> np.ndarray: ...
    def quantile(self, p: float | np.ndarray) -> float | np.ndarray:
        """Quantile(s) of lead-time demand; `p` a probability or an array of them."""
        probs = np.clip(np.asarray(p, dtype=float), 0.0, 1.0)
        if not len(self.samples):
            out = np.zeros_like(probs)
        else:
            out = np.quantile(self.samples, probs, method="inverted_cdf")
        return float(out) if np.ndim(out) == 0 else out


def occurrence_probability(history: np.ndarray) -> np.ndarray:
    """Per row: recency-weighted share of periods with demand (rows x periods in)."""
    rows, length = history.shape
    if length == 0:
        return np.zeros(rows)
    half_life = max(MIN_HALF_LIFE, length / 4.0)
    age = np.arange(length)[::-1]
    weight = 0.5 ** (age / half_life)
    # Floating-point sums can land a hair above 1 for demand in every period.
    return np.clip((history > 0) @ weight / weight.sum(), 0.0, 1.0)


def history_notes(history: np.ndarray) -> list[str]:
    """What limits a forecast from this one history, in words a planner reads."""
    length = len(history)
    nonzero = int(np.count_nonzero(history > 0))
    if length == 0:
        return ["no demand history: lead-time demand taken as zero"]
    if nonzero == 0:
        return [f"no demand in {length} periods of history: lead-time demand taken as zero"]
    notes = []
    if nonzero == 1:
        notes.append("only one demand in history: its size is the only size the model knows")
    elif nonzero < 4:
        notes.append(f"only {nonzero} demands in history: wide uncertainty")
    if length < 12:
        notes.append(f"short history ({length} periods): less than a season")
    return notes


def lead_time_samples_batch(
    history: np.ndarray,
    lead: np.ndarray,
    *,
    n_samples: int = 1000,
    seed: int = 0,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """Lead-time demand samples (rows x n_samples), one row per history row.

    `history` holds demand per period (rows x periods; negative values count as zero),
    `lead` the lead time per row in the same periods (fractions allowed). `rng`, when
    given, is drawn from instead of a new generator seeded with `seed`.
    """
    history = np.clip(np.nan_to_num(np.atleast_2d(np.asarray(history, float))), 0.0, None)
    lead = np.broadcast_to(np.asarray(lead, dtype=float), (history.shape[0],))
    lead = np.clip(np.nan_to_num(lead), 0.0, None)
    rng = rng if rng is not None else np.random.default_rng(seed)
    out = np.zeros((history.shape[0], n_samples))
    for start in range(0, history.shape[0], ROW_CHUNK):
        rows = slice(start, start + ROW_CHUNK)
        out[rows] = _chunk_samples(history[rows], lead[rows], n_samples, rng)
    return out


def _chunk_samples(
    history: np.ndarray, lead: np.ndarray, n: int, rng: np.random.Generator
) -> np.ndarray:
    rows = history.shape[0]
    p = occurrence_probability(history)
    whole = np.floor(lead).astype(np.int64)
    part = lead - whole
    count = rng.binomial(whole[:, None], p[:, None], size=(rows, n))
    count += rng.random((rows, n)) < (part * p)[:, None]
    # Each row's nonzero sizes, packed left, so a draw is sizes[row, floor(u x n_nonzero)].
    positive = history > 0
    n_sizes = positive.sum(axis=1)
    order = np.argsort(~positive, axis=1, kind="stable")
    sizes = np.take_along_axis(history, order, axis=1)
    if sizes.shape[1] == 0:
        return np.zeros((rows, n))
    count[n_sizes == 0] = 0
    exact = np.minimum(count, EXACT_DRAWS)
    draws = int(exact.max(initial=0))
    total = np.zeros((rows, n))
    safe_n = np.maximum(n_sizes, 1)[:, None]
    for k in range(draws):
        pick = np.floor(rng.random((rows, n)) * safe_n).astype(np.int64)
        drawn = np.take_along_axis(sizes, pick, axis=1)
        total += np.where(k < exact, drawn, 0.0)
    extra = count - exact
    if extra.any():
        mean = history.sum(axis=1) / safe_n[:, 0]
        sq = (history**2).sum(axis=1) / safe_n[:, 0]
        sd = np.sqrt(np.clip(sq - mean**2, 0.0, None))
        z = rng.standard_normal((rows, n))
        total += np.clip(extra * mean[:, None] + np.sqrt(extra) * sd[:, None] * z, 0.0, None)
    return total


def lead_time_distribution_from_history(
    history: np.ndarray,
    lead_time_periods: float,
    *,
    n_samples: int = 4000,
    seed: int = 0,
) -> LeadTimeDemand:
    """Distribution of demand over `lead_time_periods` periods from one item's history
    (demand per period: days, weeks or months; the lead time in the same periods)."""
    series = np.clip(np.nan_to_num(np.asarray(history, dtype=float).ravel()), 0.0, None)
    lead = max(float(np.nan_to_num(lead_time_periods)), 0.0)
    samples = lead_time_samples_batch(
        series[None, :], np.array([lead]), n_samples=n_samples, seed=seed
    )[0]
    nonzero = int(np.count_nonzero(series))
    method = (
        f"bootstrap: demand in Binomial({lead:g}, p) periods, p from {len(series)} periods "
        f"(recent weighted), sizes resampled from {nonzero} past demands"
    )
    return LeadTimeDemand(samples, method, history_notes(series), lead_time_periods=lead)
