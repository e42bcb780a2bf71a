"""The pmf walk that replaces scipy's ppf for small counts must give scipy's quantiles."""

from __future__ import annotations

import numpy as np
from scipy import stats

from stockwise.tools.forecast.discrete import MAX_WALK, nb_ppf, poisson_ppf

LEVELS = np.array([0.005, 0.025, 0.1, 0.165, 0.25, 0.5, 0.75, 0.835, 0.9, 0.975, 0.995])


def test_poisson_matches_scipy_from_tiny_to_beyond_the_walk():
    mean = np.array([[1e-9, 0.01, 0.3, 1.0, 2.5], [7.0, 19.9, 60.0, 180.0, 400.0]])
    got = poisson_ppf(mean, LEVELS)
    want = stats.poisson.ppf(LEVELS[None, None, :], mean[:, :, None])
    assert got.shape == (2, 5, len(LEVELS))
    np.testing.assert_array_equal(got, want)
    # The largest means went to scipy, the rest were walked.
    assert mean.max() + 8 * np.sqrt(mean.max()) > MAX_WALK


def test_negative_binomial_matches_scipy():
    rng = np.random.default_rng(7)
    mean = rng.gamma(0.6, 3.0, size=(40, 6))
    size = rng.uniform(0.2, 20.0, size=(40, 6))
    got = nb_ppf(mean, size, LEVELS)
    n, m = size[:, :, None], np.maximum(mean, 1e-12)[:, :, None]
    want = stats.nbinom.ppf(LEVELS[None, None, :], n, n / (n + m))
    np.testing.assert_array_equal(got, want)


def test_a_level_exactly_on_a_cdf_value_stays_at_that_count():
    # P(X = 0) for Poisson(ln 2) is exactly 0.5: the median is 0, not 1.
    assert poisson_ppf(np.array([np.log(2.0)]), np.array([0.5]))[0, 0] == 0
