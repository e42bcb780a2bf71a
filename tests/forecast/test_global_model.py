"""The quantile model trained across a collection of series (`global_model.py`)."""

from __future__ import annotations

import numpy as np

from stockwise.tools.forecast.global_model import MIN_SERIES, global_quantiles
from stockwise.tools.forecast.periodic import QUANTILES


def _collection(rows: int, periods: int, seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Demand of `size` (1..6, per series) in a tenth of the months, else nothing."""
    rng = np.random.default_rng(seed)
    size = rng.integers(1, 7, rows).astype(float)
    history = (rng.random((rows, periods)) < 0.1) * size[:, None]
    return history, size


def test_a_collection_too_small_to_learn_from_gets_no_model():
    history, _ = _collection(MIN_SERIES - 1, 36)
    assert global_quantiles(history, 3, QUANTILES) is None
    history, _ = _collection(400, 12)  # no cut has a year behind it
    assert global_quantiles(history, 3, QUANTILES) is None


def test_the_collection_teaches_each_series_its_own_size_and_chance():
    history, size = _collection(400, 36)
    history[:5] = 0.0  # never moved: no scale, left to another method
    q, held = global_quantiles(history, 3, QUANTILES)
    assert not held[:5].any() and held[5:].mean() > 0.95
    q = q[held]
    assert q.shape == (held.sum(), 3, len(QUANTILES))
    assert (q >= 0).all() and (np.diff(q, axis=2) >= 0).all()
    # A demand in a tenth of the months: nothing at the median and the 75% level, the
    # series' own size at 97.5% and 99.5%, even where its record holds one or two demands.
    assert (q[:, :, QUANTILES <= 0.75] < 0.5).mean() > 0.97
    top = q[:, :, QUANTILES >= 0.975]
    assert (np.abs(top - size[held][:, None, None]) < 0.5).mean() > 0.9
