"""The hurdle model learned across a collection of series (`hurdle_model.py`)."""

from __future__ import annotations

import numpy as np

from stockwise.tools.forecast import periodic
from stockwise.tools.forecast.hurdle_model import MIN_SERIES, hurdle_quantiles
from stockwise.tools.forecast.periodic import QUANTILES, forecast_periods
from stockwise.tools.forecast.statistical import point_forecasts


def _plant(rows: int = 600, periods: int = 36, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Half the series draw their own size (1..6) in a tenth of the months throughout; the
    other half drew in a third of the months of the first two years, then stopped."""
    rng = np.random.default_rng(seed)
    size = rng.integers(1, 7, rows).astype(float)
    chance = np.full((rows, periods), 0.1)
    chance[rows // 2 :, :24] = 1 / 3
    chance[rows // 2 :, 24:] = 0.0
    return (rng.random((rows, periods)) < chance) * size[:, None], size


def test_a_collection_too_small_or_too_short_gets_no_model():
    history, _ = _plant(rows=2 * (MIN_SERIES - 1))
    history[MIN_SERIES - 1 :] = 0.0  # under MIN_SERIES series ever moved
    assert hurdle_quantiles(history, 3, QUANTILES) is None
    assert hurdle_quantiles(_plant(periods=12)[0], 3, QUANTILES) is None


def test_the_collection_learns_which_series_stopped_and_their_sizes():
    history, size = _plant()
    history[:3] = 0.0  # never moved: left to another method, all zero
    q, held = hurdle_quantiles(history, 3, QUANTILES)
    assert np.array_equal(held, (history > 0).any(axis=1)) and held.mean() > 0.95
    assert q.shape == (len(history), 3, len(QUANTILES))
    assert not q[:3].any() and (np.diff(q, axis=2) >= 0).all()
    steady, stopped = np.flatnonzero(held[:300]), np.flatnonzero(held[300:]) + 300
    top = QUANTILES >= 0.975
    # A steady series' demand chance (a tenth) puts its own size at 97.5% and 99.5% and
    # nothing at 83.5%...
    assert (q[steady][:, :, QUANTILES <= 0.835] == 0).mean() > 0.95
    hit = np.abs(q[steady][:, :, top] - size[steady][:, None, None]) <= 1
    assert hit.mean() > 0.9
    # ...while one that stopped a year ago gets nothing at 97.5%, although a third of its
    # months held demand: its own record's quantiles would put its size there.
    assert (q[stopped][:, :, QUANTILES == 0.975] == 0).mean() > 0.75
    own = np.quantile(history[stopped], 0.975, axis=1, method="inverted_cdf")
    assert (own == size[stopped]).all()


def test_the_default_averages_its_quantiles_with_the_hurdle_model(monkeypatch):
    history, _ = _plant(rows=400, periods=30)
    history[0] = 0.0  # never moved
    history[1] = 2.0  # constant: no naive scale

    def points(t, k, names):
        return point_forecasts(t, k, names, n_jobs=1)

    monkeypatch.setattr(periodic, "HURDLE_WEIGHT", 0.0)
    before = forecast_periods(history, 3, points)
    monkeypatch.setattr(periodic, "HURDLE_WEIGHT", 0.5)
    after = forecast_periods(history, 3, points, before.calibration)
    hurdle_q, _ = hurdle_quantiles(history, 3, QUANTILES)
    rows = np.arange(2, len(history))
    expected = 0.5 * before.quantiles[rows] + 0.5 * hurdle_q[rows]
    assert np.allclose(after.quantiles[rows], expected)
    assert not np.allclose(after.quantiles[rows], before.quantiles[rows])
    assert np.array_equal(after.quantiles[:2], before.quantiles[:2])
    assert np.array_equal(after.point, before.point)  # RMSSE is the point's: unchanged
