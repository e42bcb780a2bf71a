"""Quantiles of Poisson and negative binomial demand for many series at once.

scipy's `ppf` inverts a continuous approximation element by element; for the small means of
spare-parts demand it is much faster to walk the probability mass function up from zero for
all elements together and read every quantile level off the running CDF. Elements whose
upper tail reaches beyond `MAX_WALK` counts go to scipy. Results equal scipy's.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

MAX_WALK = 256
# Slack on the CDF comparison: the running sum carries rounding error of about 1e-15 per
# step, which must not push a level that sits exactly on a CDF value one count up.
_EPS = 1e-12


def nb_ppf(mean: np.ndarray, size: np.ndarray | None, probs: np.ndarray) -> np.ndarray:
    """Quantiles (mean.shape + probs.shape) of a negative binomial with the given mean and
    size (shape) parameter, variance = mean + mean^2 / size; Poisson where size is None."""
    mean = np.maximum(np.asarray(mean, dtype=float), 1e-12)
    probs = np.asarray(probs, dtype=float)
    shape = mean.shape
    mu = mean.ravel()
    r = None if size is None else np.broadcast_to(np.asarray(size, float), shape).ravel()
    out = np.zeros((mu.size, probs.size))
    # Rough upper end of the needed range: mean + 8 standard deviations.
    var = mu if r is None else mu + mu**2 / r
    walk = mu + 8.0 * np.sqrt(var) + 8.0 < MAX_WALK
    if walk.any():
        out[walk] = _walk(mu[walk], None if r is None else r[walk], probs)
    if (~walk).any():
        m = mu[~walk][:, None]
        if r is None:
            out[~walk] = stats.poisson.ppf(probs[None, :], m)
        else:
            n = r[~walk][:, None]
            out[~walk] = stats.nbinom.ppf(probs[None, :], n, n / (n + m))
    return out.reshape(*shape, probs.size)


def nb_mean_size(mean: np.ndarray, disp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean (rows x h) and size of the negative binomial with variance disp x mean, disp
    given per row; a hair above Poisson where disp is 1, so the size stays finite."""
    mu = np.maximum(np.asarray(mean, float), 1e-9)
    var = np.maximum(mu * np.asarray(disp, float)[:, None], mu * (1 + 1e-6))
    return mu, mu**2 / (var - mu)


def poisson_ppf(mean: np.ndarray, probs: np.ndarray) -> np.ndarray:
    return nb_ppf(mean, None, probs)


def _walk(mu: np.ndarray, r: np.ndarray | None, probs: np.ndarray) -> np.ndarray:
    """Quantiles by accumulating the pmf from k = 0 until every level is reached. Each step
    works only on the elements with a level still pending: most spare-parts cells are done
    after a count or two, so the walk's cost follows the cells that need it, not the
    largest one times all."""
    if r is None:
        pmf = np.exp(-mu)
        ratio = mu
    else:
        odds = mu / (r + mu)
        pmf = np.exp(r * np.log1p(-odds))
        ratio = odds
    cdf = pmf.copy()
    out = np.zeros((mu.size, probs.size))
    pending = cdf[:, None] < probs[None, :] - _EPS
    live = np.nonzero(pending.any(axis=1))[0]
    pmf, cdf, ratio, pending = pmf[live], cdf[live], ratio[live], pending[live]
    size = None if r is None else r[live]
    k = 0
    while live.size and k < MAX_WALK:
        k += 1
        pmf = pmf * ratio / k if size is None else pmf * ratio * (k - 1 + size) / k
        cdf = cdf + pmf
        out[live] += pending  # a level still pending after step k - 1 is at least k
        pending &= cdf[:, None] < probs[None, :] - _EPS
        keep = pending.any(axis=1)
        if not keep.all():
            live, pmf, cdf, ratio, pending = (a[keep] for a in (live, pmf, cdf, ratio, pending))
            if size is not None:
                size = size[keep]
    return out
