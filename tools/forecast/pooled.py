"""Demand per period as a linear pool of two distributions on the counts 0, 1, 2, ...

The negative binomial around the point forecast knows the model's level and the series'
dispersion; the series' own record since its first demand knows how often and how much it
actually moved. A series with a single demand in four years gives the model almost nothing
to fit, and there its own record carries more weight; with dozens of demands the model
wins. The pool's cumulative distribution is (1 - w) F_nb + w F_own, and its quantiles are
read off that CDF on the integers. Weights and levels are chosen per demand-count group on
a validation window (`periodic.calibrate`); this module only computes.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from scipy import stats

from stockwise.tools.forecast.discrete import nb_mean_size, nb_ppf

# Groups of series by how many periods held demand: 0-1, 2, 3-4, 5-8, 9-16, 17 and more.
GROUP_EDGES = (1, 2, 4, 8, 16)
N_GROUPS = len(GROUP_EDGES) + 1
# A record that began last period still spans this many periods: one demand in three
# periods, not a certainty of demand every period.
MIN_RECORD = 3
# Cells of the CDF grid (rows x horizon x counts) handled at once.
GRID_CELLS = 2_000_000
_EPS = 1e-12


def demand_groups(history: np.ndarray) -> np.ndarray:
    """Group index per row from the number of periods with demand."""
    return np.digitize((history > 0).sum(axis=1), GROUP_EDGES, right=True)


def record_start(history: np.ndarray) -> np.ndarray:
    """Index of each row's first demand (at most MIN_RECORD periods before the end)."""
    periods = history.shape[1]
    moved = history > 0
    first = np.where(moved.any(axis=1), moved.argmax(axis=1), periods)
    return np.maximum(np.minimum(first, periods - MIN_RECORD), 0)


def own_cdf(history: np.ndarray, support: int) -> np.ndarray:
    """Empirical CDF (rows x support + 1) of each row's periods since its first demand."""
    counts = np.arange(support + 1)
    in_record = np.arange(history.shape[1])[None, :] >= record_start(history)[:, None]
    at_or_below = (history[:, :, None] <= counts) & in_record[:, :, None]
    return at_or_below.sum(axis=1) / in_record.sum(axis=1)[:, None]


def nb_cdf(mean: np.ndarray, disp: np.ndarray, support: int) -> np.ndarray:
    """CDF (rows x h x support + 1) of the negative binomial with variance disp x mean."""
    mu, size = (a[:, :, None] for a in nb_mean_size(mean, disp))
    return stats.nbinom.cdf(np.arange(support + 1), size, size / (size + mu))


def supports(history: np.ndarray, mean: np.ndarray, disp: np.ndarray, top: float) -> np.ndarray:
    """Per row, the largest count a quantile up to level `top` of either part can take: a
    pool's quantile lies between its parts' quantiles, so its CDF grid needs no more."""
    nb_top = nb_ppf(*nb_mean_size(mean, disp), np.array([top]))[:, :, 0].max(axis=1)
    return np.maximum(history.max(axis=1, initial=0.0), nb_top).astype(int)


def chunks(support: np.ndarray, h: int) -> list[tuple[slice, int]]:
    """Consecutive row ranges whose CDF grids stay within GRID_CELLS, with their support."""
    out, lo, top = [], 0, 0
    for i, k in enumerate(support.tolist()):
        if i > lo and (i - lo + 1) * h * (max(top, k) + 1) > GRID_CELLS:
            out.append((slice(lo, i), top))
            lo, top = i, k
        else:
            top = max(top, k)
    if len(support):
        out.append((slice(lo, len(support)), top))
    return out


def _parts(
    history: np.ndarray, mean: np.ndarray, disp: np.ndarray, top: float
) -> Iterator[tuple[slice, np.ndarray, np.ndarray]]:
    """Per chunk of rows: the rows, the negative binomial's CDF and the own record's CDF,
    on counts enough for every quantile up to level `top`."""
    for part, support in chunks(supports(history, mean, disp, top), mean.shape[1]):
        own = own_cdf(history[part], support)[:, None, :]
        yield part, nb_cdf(mean[part], disp[part], support), own


def _quantile(cdf: np.ndarray, level: np.ndarray | float) -> np.ndarray:
    """The CDF rises along the counts, so a level's quantile is how many counts lie below
    it (`level`: one, or one per row of `cdf`)."""
    return (cdf < np.reshape(level, (-1, 1, 1)) - _EPS).sum(axis=2)


def pooled_quantiles(
    history: np.ndarray,
    mean: np.ndarray,
    disp: np.ndarray,
    weights: np.ndarray,
    levels: np.ndarray,
) -> np.ndarray:
    """Quantiles (rows x h x L) of the pool, with a weight and a level per row and quantile
    (`weights`, `levels`: rows x L, or one row of L shared by all rows)."""
    rows, h = mean.shape
    weights = np.broadcast_to(np.asarray(weights, float), (rows, np.shape(levels)[-1]))
    levels = np.broadcast_to(np.asarray(levels, float), weights.shape)
    out = np.zeros((rows, h, levels.shape[1]))
    for part, model, own in _parts(history, mean, disp, float(levels.max(initial=0.0))):
        mine, at = weights[part], levels[part]
        for w in np.unique(mine):
            cdf = (1.0 - w) * model + w * own
            for j in range(levels.shape[1]):
                hit = mine[:, j] == w
                if hit.any():
                    out[part][hit, :, j] = _quantile(cdf[hit], at[hit, j])
    return out


def grid_quantiles(
    history: np.ndarray,
    mean: np.ndarray,
    disp: np.ndarray,
    weights: tuple[float, ...],
    grid: np.ndarray,
) -> np.ndarray:
    """Quantiles (weights x rows x h x grid) of the pool at every weight and grid level:
    what the calibration scores against the validation window."""
    rows, h = mean.shape
    out = np.zeros((len(weights), rows, h, len(grid)), dtype=np.int32)
    for part, model, own in _parts(history, mean, disp, float(grid.max())):
        for i, w in enumerate(weights):
            cdf = (1.0 - w) * model + w * own
            for j, p in enumerate(grid):
                out[i, part, :, j] = _quantile(cdf, p)
    return out
