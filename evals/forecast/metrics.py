"""Accuracy of probabilistic forecasts, as in the M5 competition: scaled pinball loss over
quantiles (uncertainty track), RMSSE (accuracy track), bias and interval coverage."""

from __future__ import annotations

import numpy as np

# The M5 uncertainty track's quantiles: median, and the 50/67/95/99% central intervals.
QUANTILES = np.array([0.005, 0.025, 0.165, 0.25, 0.5, 0.75, 0.835, 0.975, 0.995])


def scales(train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per series: mean |one-step naive error| (pinball scale) and mean squared one (RMSSE),
    over the whole in-sample (the issue's reference figures use the whole in-sample; M5
    starts at the first sale). 0 where undefined: such series are left out."""
    diff = np.diff(train, axis=1)
    if diff.shape[1] == 0:
        return np.zeros(len(train)), np.zeros(len(train))
    return np.abs(diff).mean(axis=1), (diff**2).mean(axis=1)


def pinball(actual: np.ndarray, q: np.ndarray, probs: np.ndarray = QUANTILES) -> np.ndarray:
    """Mean pinball loss per series over periods and quantiles; q is (series x h x probs)."""
    diff = actual[:, :, None] - q
    loss = np.maximum(probs * diff, (probs - 1.0) * diff)
    return loss.mean(axis=(1, 2))


def evaluate(
    train: np.ndarray, actual: np.ndarray, point: np.ndarray, q: np.ndarray
) -> dict[str, np.ndarray]:
    """Per-series metrics of one origin; series with an undefined scale are NaN (excluded)."""
    s_abs, s_sq = scales(train)
    ok = (s_abs > 0) & (s_sq > 0)
    nan = np.full(len(train), np.nan)
    spl = np.where(ok, pinball(actual, q) / np.where(ok, s_abs, 1.0), nan)
    mse = ((actual - point) ** 2).mean(axis=1)
    rmsse = np.where(ok, np.sqrt(mse / np.where(ok, s_sq, 1.0)), nan)
    lo80, hi80 = _interval(q, 0.10, 0.90)
    lo95, hi95 = _interval(q, 0.025, 0.975)
    return {
        "spl": spl,
        "rmsse": rmsse,
        "bias": (point - actual).mean(axis=1),
        "cov80": ((actual >= lo80) & (actual <= hi80)).mean(axis=1),
        "cov95": ((actual >= lo95) & (actual <= hi95)).mean(axis=1),
    }


def _interval(q: np.ndarray, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """Interval bounds read off the quantile grid (interpolated between its probabilities)."""

    def at(p: float) -> np.ndarray:
        j = np.searchsorted(QUANTILES, p)
        if QUANTILES[j] == p:
            return q[:, :, j]
        w = (p - QUANTILES[j - 1]) / (QUANTILES[j] - QUANTILES[j - 1])
        return q[:, :, j - 1] * (1 - w) + q[:, :, j] * w

    return at(lo), at(hi)
