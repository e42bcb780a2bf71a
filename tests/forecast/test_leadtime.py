"""Lead-time demand from a history: sane on synthetic demand, and never a crash on bad input."""

from __future__ import annotations

import numpy as np
import pytest

from stockwise.tools.forecast.leadtime import (
    lead_time_distribution_from_history,
    lead_time_samples_batch,
)


def _coverage(draw_history, draw_future, lead: int, level: float, trials: int = 150) -> float:
    hits = 0
    for t in range(trials):
        rng = np.random.default_rng(100 + t)
        dist = lead_time_distribution_from_history(draw_history(rng), lead, n_samples=2000, seed=t)
        hits += draw_future(rng) <= dist.quantile(level)
    return hits / trials


def test_poisson_demand_mean_and_coverage():
    rate, lead = 0.5, 20
    dist = lead_time_distribution_from_history(
        np.random.default_rng(1).poisson(rate, 2000), lead, n_samples=8000
    )
    assert dist.mean == pytest.approx(rate * lead, rel=0.08)
    cover = _coverage(
        lambda r: r.poisson(rate, 365), lambda r: r.poisson(rate, lead).sum(), lead, 0.9
    )
    assert 0.84 <= cover <= 0.97


def test_compound_lumpy_demand_coverage():
    # Demand on one day in ten, sizes 1..20: the lumpy kind Poisson gets wrong.
    def draw(r, n):
        return (r.random(n) < 0.1) * r.integers(1, 21, n)

    cover = _coverage(lambda r: draw(r, 730), lambda r: draw(r, 30).sum(), 30, 0.95)
    assert 0.9 <= cover <= 0.995


def test_quantiles_vectorised_and_monotone():
    dist = lead_time_distribution_from_history(np.array([0, 3, 0, 0, 5, 1, 0, 2.0]), 6.5)
    probs = np.linspace(0, 1, 21)
    q = dist.quantile(probs)
    assert q.shape == probs.shape and np.all(np.diff(q) >= 0)
    assert isinstance(dist.quantile(0.9), float)
    assert dist.samples.shape == (4000,) and "bootstrap" in dist.method


@pytest.mark.parametrize(
    ("history", "note"),
    [
        ([], "no demand history"),
        ([0, 0, 0, 0], "no demand in 4 periods"),
        ([0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "only one demand"),
        ([1, 2], "short history"),
        ([np.nan, 3, -2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4], "only 2 demands"),
    ],
)
def test_bad_histories_give_a_finite_distribution_with_its_limits(history, note):
    dist = lead_time_distribution_from_history(np.array(history, dtype=float), 10)
    assert np.isfinite(dist.samples).all() and np.isfinite(dist.mean)
    assert np.isfinite(dist.quantile([0.5, 0.95])).all()
    assert any(note in n for n in dist.notes), dist.notes


def test_one_demand_history_only_draws_that_size():
    dist = lead_time_distribution_from_history(np.array([0] * 20 + [7.0] + [0] * 9), 30)
    assert set(np.unique(dist.samples)) <= {0.0, 7.0, 14.0, 21.0, 28.0, 35.0, 42.0, 49.0}
    assert dist.mean > 0


def test_batch_matches_rows_and_handles_long_lead_times():
    rng = np.random.default_rng(2)
    history = rng.poisson(3.0, (5, 200)).astype(float)  # dense: many demands per lead time
    lead = np.array([1, 10, 60, 0, 2.5])
    samples = lead_time_samples_batch(history, lead, n_samples=3000)
    assert samples.shape == (5, 3000)
    assert samples[3].max() == 0.0
    expected = history.mean(axis=1) * lead
    assert samples.mean(axis=1) == pytest.approx(expected, rel=0.1, abs=0.1)


@pytest.mark.parametrize("periods", [24, 90, 365, 730])
def test_demand_in_every_period_is_not_refused(periods):
    # The recency-weighted occurrence share of a history with demand in every period
    # summed to 1 + 2e-16 (24 periods does it) and the binomial draw refused it.
    from stockwise.tools.forecast.leadtime_stats import occurrence_probability

    history = np.full((3, periods), 2.0)
    assert (occurrence_probability(history) <= 1.0).all()
    samples = lead_time_samples_batch(history, np.array([2.0, 4.0, 6.0]), n_samples=200)
    assert np.allclose(samples.mean(axis=1), [4.0, 8.0, 12.0], rtol=0.05)
