"""The pool of the negative binomial with a series' own record, and what validation picks."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from stockwise.tools.forecast import pooled
from stockwise.tools.forecast.discrete import nb_mean_size
from stockwise.tools.forecast.periodic import (
    INTERVAL_BOUNDS,
    LEVEL_GRID,
    QUANTILES,
    calibrate,
    dispersion,
    forecast_periods,
    nb_quantiles,
    widen,
)
from stockwise.tools.forecast.pooled import (
    demand_groups,
    grid_quantiles,
    own_cdf,
    pooled_quantiles,
    record_start,
)


def test_the_own_record_starts_at_the_first_demand_and_spans_at_least_three_periods():
    history = np.array(
        [
            [0, 0, 0, 2, 0, 1, 0, 0],  # first demand in period 3: record of 5 periods
            [0, 0, 0, 0, 0, 0, 0, 4],  # first demand last period: still 3 periods
            [0, 0, 0, 0, 0, 0, 0, 0],  # never moved: its last 3 periods, all zero
        ],
        dtype=float,
    )
    assert list(record_start(history)) == [3, 5, 5]
    cdf = own_cdf(history, support=4)
    assert cdf[0].tolist() == pytest.approx([3 / 5, 4 / 5, 1.0, 1.0, 1.0])
    assert cdf[1].tolist() == pytest.approx([2 / 3, 2 / 3, 2 / 3, 2 / 3, 1.0])
    assert cdf[2].tolist() == [1.0] * 5


def test_groups_count_the_periods_with_demand():
    history = np.zeros((7, 40))
    for row, moved in enumerate([0, 1, 2, 3, 5, 12, 30]):
        history[row, :moved] = 1.0
    assert demand_groups(history).tolist() == [0, 0, 1, 2, 3, 4, 5]


def test_weight_zero_is_the_negative_binomial_and_weight_one_the_own_record():
    rng = np.random.default_rng(3)
    history = rng.poisson(0.5, (20, 24)) * rng.integers(1, 6, (20, 24))
    history = history.astype(float)
    mean = np.repeat(history.mean(axis=1, keepdims=True), 4, axis=1)
    disp = np.full(20, 2.5)
    model = pooled_quantiles(history, mean, disp, np.zeros(len(QUANTILES)), QUANTILES)
    assert np.array_equal(model, nb_quantiles(mean, disp, QUANTILES))
    own = pooled_quantiles(history, mean, disp, np.ones(len(QUANTILES)), QUANTILES)
    for row in range(20):
        record = history[row, record_start(history)[row] :]
        want = np.quantile(record, QUANTILES, method="inverted_cdf")
        assert np.array_equal(own[row, 0], want)
        assert np.array_equal(own[row, 3], want)  # the record does not change over h


def test_a_pool_quantile_lies_between_its_parts_and_chunking_changes_nothing(monkeypatch):
    rng = np.random.default_rng(8)
    history = (rng.poisson(0.3, (50, 30)) * rng.integers(1, 40, (50, 30))).astype(float)
    mean = rng.uniform(0.1, 8.0, (50, 3))
    disp = rng.uniform(1.0, 12.0, 50)
    half = pooled_quantiles(history, mean, disp, np.full(len(QUANTILES), 0.5), QUANTILES)
    model = pooled_quantiles(history, mean, disp, np.zeros(len(QUANTILES)), QUANTILES)
    own = pooled_quantiles(history, mean, disp, np.ones(len(QUANTILES)), QUANTILES)
    low, high = np.minimum(model, own), np.maximum(model, own)
    assert np.all(low <= half) and np.all(half <= high)
    monkeypatch.setattr(pooled, "ROW_CHUNK", 7)
    again = pooled_quantiles(history, mean, disp, np.full(len(QUANTILES), 0.5), QUANTILES)
    assert np.array_equal(half, again)


def _brute_force(history, mean, disp, weight, levels, support):
    """The pool's quantiles read off its CDF on every count up to `support`."""
    mu, size = (a[..., None] for a in nb_mean_size(mean, disp))
    model = stats.nbinom.cdf(np.arange(support + 1), size, size / (size + mu))
    cdf = (1 - weight) * model + weight * own_cdf(history, support)[:, None, :]
    return (cdf[..., None] < np.asarray(levels) - 1e-12).sum(axis=2)


@pytest.mark.parametrize("weight", [0.0, 0.3, 0.6, 1.0])
def test_quantiles_above_the_dense_grid_equal_the_full_grid(monkeypatch, weight):
    """Series with single demands in the thousands and repeated large values (empty
    segments between equal record values): with a dense grid of only 8 counts nearly every
    quantile is found segment by segment, and must equal the one read off every count."""
    rng = np.random.default_rng(5)
    history = np.zeros((40, 24))
    history[:, -12:] = rng.poisson(0.4, (40, 12)) * rng.choice([1, 5, 60, 60, 2000], (40, 12))
    history[0, -1] = 2000.0  # a single demand, last period
    mean = np.maximum(history.mean(axis=1, keepdims=True), 0.01) * rng.uniform(0.5, 2, (40, 2))
    disp = dispersion(history)
    levels = np.array([0.005, 0.165, 0.5, 0.835, 0.9, 0.975, 0.995])
    monkeypatch.setattr(pooled, "DENSE_TOP", 8)
    got = pooled_quantiles(history, mean, disp, np.full(len(levels), weight), levels)
    want = _brute_force(history, mean, disp, weight, levels, 60_000)
    assert (got > 8).mean() > 0.2  # the segment path is exercised
    assert np.array_equal(got, want)


def test_a_demand_of_ten_million_needs_no_grid_up_to_it():
    """A series whose one demand was 10 million: its quantiles come out exact (scipy's
    inverse for the model, the record value for the pool) without a CDF over every count up
    to it, which would not fit in memory."""
    history = np.zeros((1, 40))
    history[0, -5] = 1e7
    mean = np.full((1, 6), 0.5)
    disp = dispersion(history)
    q = grid_quantiles(history, mean, disp, (0.0, 0.6), LEVEL_GRID)
    mu, size = nb_mean_size(mean, disp)
    want = stats.nbinom.ppf(LEVEL_GRID, size[0, 0], size[0, 0] / (size[0, 0] + mu[0, 0]))
    assert np.array_equal(q[0, 0, 0], want)
    # The record (40% of the pool) holds one 1e7 among its 5 periods: the pool's top levels
    # sit at the record value, not between.
    assert q[1, 0, 0, -1] == 1e7


def _mean_points(train, h, names):
    return dict.fromkeys(names, np.repeat(train.mean(axis=1, keepdims=True), h, axis=1))


def test_series_that_moved_once_lately_lean_on_their_own_record():
    """400 items were introduced 6 periods before the validation window and moved once
    then; in the validation window they move every other period. Over 54 periods the
    model's mean is tiny and its 83.5% quantile 0; validation moves that quantile to a
    demand, through the pool's weight or its level. The interval bounds stay the model's,
    at levels no wider than nominal."""
    rng = np.random.default_rng(11)
    periods, h = 60, 6
    history = np.zeros((400, periods))
    history[:, periods - 2 * h] = 1.0  # the one demand before validation
    history[:, periods - h :] = rng.random((400, h)) < 0.5
    cal = calibrate(history, h, _mean_points)
    group = demand_groups(history[:, :-h])[0]
    j = list(QUANTILES).index(0.835)
    train = history[:, :-h]
    mean = _mean_points(train, h, ["IMAPA"])["IMAPA"]
    disp = widen(dispersion(train), cal.dispersion_factor)
    model = pooled_quantiles(train, mean, disp, np.zeros(len(QUANTILES)), QUANTILES)
    chosen = pooled_quantiles(train, mean, disp, cal.weights[group], cal.levels[group])
    assert (model[:, :, j] == 0).all()
    assert (chosen[:, :, j] == 1).all()
    for bound in INTERVAL_BOUNDS:
        assert (cal.weights[:, list(QUANTILES).index(bound)] == 0).all()
    assert (cal.levels[:, list(QUANTILES).index(0.975)] <= 0.975).all()
    assert (cal.levels[:, list(QUANTILES).index(0.025)] >= 0.025).all()


def test_too_few_series_keep_the_model_as_it_is():
    rng = np.random.default_rng(2)
    history = (rng.random((5, 40)) < 0.3).astype(float)
    cal = calibrate(history, 6, _mean_points)
    assert (cal.weights == 0).all()
    assert (cal.levels == QUANTILES).all()
    fc = forecast_periods(history, 6, _mean_points, cal)
    disp = widen(dispersion(history), cal.dispersion_factor)
    assert np.array_equal(fc.quantiles, nb_quantiles(fc.point, disp, QUANTILES))


def test_repeated_rows_and_flat_points_are_computed_once_with_the_same_result():
    """Rows with the same history, point and dispersion share one computation, and a point
    flat over the horizon one period's: the quantiles equal the ones read off every count."""
    rng = np.random.default_rng(11)
    distinct = (rng.poisson(0.4, (6, 20)) * rng.integers(1, 9, (6, 20))).astype(float)
    history = distinct[rng.integers(0, 6, 30)]  # 30 rows, at most 6 distinct
    mean = np.repeat(np.maximum(history.mean(axis=1, keepdims=True), 0.05), 4, axis=1)
    disp = dispersion(history)
    for weight in (0.0, 0.4):
        got = pooled_quantiles(history, mean, disp, np.full(len(QUANTILES), weight), QUANTILES)
        want = _brute_force(history, mean, disp, weight, QUANTILES, 400)
        assert np.array_equal(got, want)
    grid = grid_quantiles(history, mean, disp, (0.0, 0.4), LEVEL_GRID)
    assert grid.shape == (2, 30, 4, len(LEVEL_GRID))
    assert np.array_equal(grid[1], _brute_force(history, mean, disp, 0.4, LEVEL_GRID, 400))
