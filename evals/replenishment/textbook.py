"""The textbook reorder point the project is measured against: Croston-SBA mean demand
per month, normal lead-time demand with the SBA one-step RMSE, and the reorder point from
the normal loss function for a fill-rate target (Silver, Pyke & Thomas, ch. 6-7)."""

from __future__ import annotations

import numpy as np
from scipy import stats

ALPHA = 0.1


def croston_sba(history: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """SBA forecast per row after the whole history, and the in-sample one-step RMSE."""
    rows, length = history.shape
    first = np.argmax(history > 0, axis=1)
    has = (history > 0).any(axis=1)
    size = np.where(has, history[np.arange(rows), first], 0.0)
    interval = np.where(has, first + 1.0, 1.0)
    since = np.zeros(rows)
    errors, counted = np.zeros(rows), np.zeros(rows)
    for t in range(length):
        forecast = (1 - ALPHA / 2) * size / interval
        started = has & (t > first)
        errors += np.where(started, (history[:, t] - forecast) ** 2, 0.0)
        counted += started
        since += 1
        hit = (history[:, t] > 0) & started
        size = np.where(hit, size + ALPHA * (history[:, t] - size), size)
        interval = np.where(hit, interval + ALPHA * (since - interval), interval)
        since = np.where(hit | (has & (t == first)), 0.0, since)
    mean = np.where(has, (1 - ALPHA / 2) * size / interval, 0.0)
    rmse = np.sqrt(errors / np.maximum(counted, 1))
    return mean, rmse


def normal_loss_inverse(target_loss: np.ndarray) -> np.ndarray:
    """z with G(z) = E[(Z - z)+] = target_loss, for the standard normal."""
    grid = np.linspace(-4.0, 6.0, 4001)
    loss = stats.norm.pdf(grid) - grid * stats.norm.sf(grid)  # decreasing in z
    return np.interp(target_loss, loss[::-1], grid[::-1])


def textbook_rop(
    mean: np.ndarray, rmse: np.ndarray, qty: np.ndarray, target: float, protection: np.ndarray
) -> np.ndarray:
    """Reorder point per row: expected shortage per cycle (normal, over `protection`
    periods) at most (1 - target) x order quantity."""
    sigma = rmse * np.sqrt(protection)
    allowed = (1 - target) * qty
    z = normal_loss_inverse(np.where(sigma > 0, allowed / np.maximum(sigma, 1e-12), 10.0))
    return np.maximum(np.ceil(mean * protection + z * sigma - 1e-9), 0.0)
