"""Demand over the lead time, as samples per item, computed for all items at once: the
forecaster's bootstrap for intermittent demand, the empirical distribution (sums of the
history over windows of the lead time's length) for demand every period. Each row's method
is named, and the result's evidence says which were used."""

from __future__ import annotations

import numpy as np

from stockwise.tools.forecast.leadtime_stats import lead_time_samples_batch

N_WINDOWS = 256
N_FORECAST_SAMPLES = 1000


def empirical_samples(history: np.ndarray, lead: np.ndarray, n: int = N_WINDOWS) -> np.ndarray:
    """Demand over `lead[i]` periods of row i, for `n` windows spread evenly over its history.

    A history shorter than the lead time is scaled up to it (its total x lead / length).
    """
    rows, length = history.shape
    lead = np.asarray(lead, dtype=int)
    cum = np.zeros((rows, length + 1))
    np.cumsum(history, axis=1, out=cum[:, 1:])
    span = np.clip(length - lead, 0, None)  # last window start
    starts = np.floor(np.linspace(0.0, 1.0, n)[None, :] * span[:, None]).astype(int)
    ends = np.minimum(starts + lead[:, None], length)
    row = np.arange(rows)[:, None]
    sums = cum[row, ends] - cum[row, starts]
    short = length < lead
    if short.any():
        sums[short] *= (lead[short] / max(length, 1))[:, None]
    return sums


METHODS = ("auto", "empirical")


def forecaster_samples(
    history: np.ndarray,
    lead: np.ndarray,
    n: int = N_FORECAST_SAMPLES,
    seed: int = 0,
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, list[str]]:
    """The forecasting module's lead-time demand samples per row, and each row's method
    (`rng`, when given, is drawn from instead of a generator seeded with `seed`)."""
    # Rows with demand every period go to the empirical windows: with no intermittency
    # the sums of real lead-time windows keep the history's own autocorrelation.
    steady = (history > 0).all(axis=1)
    out = np.empty((history.shape[0], n))
    names = np.full(history.shape[0], "bootstrap of demand occurrences and sizes", dtype=object)
    if (~steady).any():
        out[~steady] = lead_time_samples_batch(
            history[~steady], lead[~steady], n_samples=n, seed=seed, rng=rng
        )
    if steady.any():
        out[steady] = empirical_samples(history[steady], lead[steady], n)
        names[steady] = "empirical windows (demand every day)"
    return out, list(names)


def lead_time_samples(
    history: np.ndarray,
    lead: np.ndarray,
    method: str = "auto",
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, list[str]]:
    """Samples (rows x n) and the method name per row. `method`: auto (the forecaster's, see
    `forecaster_samples`, drawing from `rng` when given) or empirical (windows of the
    history for every row)."""
    if method == "auto":
        return forecaster_samples(history, lead, rng=rng)
    if method == "empirical":
        return empirical_samples(history, lead), ["empirical windows"] * history.shape[0]
    raise ValueError(f"lead-time demand method must be one of {METHODS}, not {method!r}")


def reorder_point_cycle(samples: np.ndarray, service: np.ndarray) -> np.ndarray:
    """Smallest stock that covers lead-time demand with probability `service` per row."""
    ordered = np.sort(samples, axis=1)
    k = np.clip(np.ceil(service * ordered.shape[1]).astype(int) - 1, 0, ordered.shape[1] - 1)
    return ordered[np.arange(len(ordered)), k]


def reorder_point_fill_rate(
    samples: np.ndarray, service: np.ndarray, order_qty: np.ndarray
) -> np.ndarray:
    """Smallest reorder point whose expected shortage per cycle is at most (1 - fill rate)
    x order quantity: the textbook fill-rate condition, on the sampled distribution."""
    ordered = np.sort(samples, axis=1)
    n = ordered.shape[1]
    total = ordered.sum(axis=1, keepdims=True)
    tail = total - np.cumsum(ordered, axis=1)  # sum of samples above position k
    above = n - 1 - np.arange(n)[None, :]
    shortage = (tail - above * ordered) / n  # E[(D - s)+] at s = ordered[:, k]
    allowed = ((1.0 - service) * order_qty)[:, None]
    ok = shortage <= allowed + 1e-12
    k = np.argmax(ok, axis=1)
    rop = ordered[np.arange(len(ordered)), k]
    # Below the smallest sample the shortage is mean - s: solve it directly.
    mean = total[:, 0] / n
    below = np.maximum(mean - allowed[:, 0], 0.0)
    return np.where(k == 0, np.minimum(rop, below), rop)
