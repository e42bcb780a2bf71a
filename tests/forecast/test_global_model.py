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


def test_bad_rows_in_a_large_collection_give_finite_ordered_forecasts():
    from stockwise.tools.forecast.periodic import forecast_periods
    from stockwise.tools.forecast.statistical import point_forecasts

    history, _ = _collection(300, 30)
    history[0] = 0.0  # never moved
    history[1] = 0.0
    history[1, 20] = 6.0  # a single demand
    history[2] = 3.0  # constant: no naive scale
    history[3, 5] = -4.0  # a return larger than the month's issues
    history[4, 7] = np.nan  # a month missing from the middle
    fc = forecast_periods(history, 4, lambda t, k, names: point_forecasts(t, k, names, n_jobs=1))
    assert np.isfinite(fc.quantiles).all() and (fc.quantiles >= 0).all()
    assert (np.diff(fc.quantiles, axis=2) >= 0).all()
    assert not fc.learned[[0, 2]].any() and fc.learned[[1, 3, 4]].all()
    assert not fc.quantiles[0].any()
