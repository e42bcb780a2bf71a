"""Demand per period as a linear pool of two distributions on the counts 0, 1, 2, ...

The negative binomial around the point forecast knows the model's level and the series'
dispersion; the series' own record since its first demand knows how often and how much it
actually moved. A series with a single demand in four years gives the model almost nothing
to fit, and there its own record carries more weight; with dozens of demands the model
wins. The pool's cumulative distribution is (1 - w) F_nb + w F_own, and its quantiles are
the smallest counts where that CDF reaches each level. Weights and levels are chosen per
demand-count group on a validation window (`periodic.calibrate`); this module only computes.

No quantile costs more than a fixed amount of work, however large the series' counts: the
pool's CDF is laid out on the counts 0..DENSE_TOP only (where nearly every quantile of
spare-parts demand lies), and a quantile above that is found segment by segment: between
two consecutive values of the own record F_own is constant, so the pool reaches a level
inside a segment exactly where the negative binomial reaches a shifted level, which scipy
inverts in closed form. That costs one CDF value per distinct record value and one inverse
per quantile, not one CDF value per count up to the series' largest demand.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from stockwise.tools.forecast.discrete import nb_mean_size

# Groups of series by how many periods held demand: 0-1, 2, 3-4, 5-8, 9-16, 17 and more.
GROUP_EDGES = (1, 2, 4, 8, 16)
N_GROUPS = len(GROUP_EDGES) + 1
# A record that began last period still spans this many periods: one demand in three
# periods, not a certainty of demand every period.
MIN_RECORD = 3
# Counts laid out densely; quantiles above are found per segment of the own record.
DENSE_TOP = 64
# Rows handled at once: bounds the dense grid (rows x h x DENSE_TOP + 1) in memory.
ROW_CHUNK = 2048
# Slack on the CDF comparison: a level that sits exactly on a CDF value must not move one
# count up on rounding error.
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


def own_record(history: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's record since its first demand, sorted (rows x periods, +inf after the
    record's end), and its length."""
    in_record = np.arange(history.shape[1])[None, :] >= record_start(history)[:, None]
    values = np.sort(np.where(in_record, history, np.inf), axis=1)
    return values, in_record.sum(axis=1)


def own_cdf(history: np.ndarray, support: int) -> np.ndarray:
    """Empirical CDF (rows x support + 1) of each row's periods since its first demand."""
    values, length = own_record(history)
    below = (values[:, :, None] <= np.arange(support + 1)).sum(axis=1)
    return below / length[:, None]


def nb_cdf(mean: np.ndarray, disp: np.ndarray, support: int) -> np.ndarray:
    """CDF (rows x h x support + 1) of the negative binomial with variance disp x mean, by
    the recurrence of its mass function (support is at most DENSE_TOP here)."""
    mu, size = nb_mean_size(mean, disp)
    odds = mu / (size + mu)
    pmf = np.exp(size * np.log1p(-odds))
    out = np.empty((*mu.shape, support + 1))
    out[..., 0] = pmf
    for k in range(1, support + 1):
        pmf = pmf * odds * (k - 1 + size) / k
        out[..., k] = out[..., k - 1] + pmf
    return np.minimum(out, 1.0)


def _below(cdf: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """How many counts of each cell's CDF (cells x counts) lie below each level (L,): each
    CDF value is placed among the sorted levels once, and the counts below a level are a
    running sum over those places (cells x L, in the levels' order)."""
    order = np.argsort(levels, kind="stable")
    place = np.searchsorted(levels[order] - _EPS, cdf, side="right")
    width = len(levels) + 1
    flat = (np.arange(len(cdf))[:, None] * width + place).ravel()
    below = np.bincount(flat, minlength=len(cdf) * width).reshape(len(cdf), width)
    out = np.empty((len(cdf), len(levels)), dtype=np.int64)
    out[:, order] = np.cumsum(below, axis=1)[:, :-1]
    return out


def _dense_quantiles(cdf: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Per cell (rows x h), how many counts have a CDF below each level (levels: L shared
    by all rows, or rows x L, shared over h): the quantile where the grid reaches the level,
    else the grid's length."""
    rows, h, width = cdf.shape
    if levels.ndim == 1:
        return _below(cdf.reshape(rows * h, width), levels).reshape(rows, h, len(levels))
    out = np.zeros((rows, h, levels.shape[1]), dtype=np.int64)
    sets, which = np.unique(levels, axis=0, return_inverse=True)
    for s, wanted in enumerate(sets):
        mine = which.ravel() == s
        cells = cdf[mine].reshape(-1, width)
        out[mine] = _below(cells, wanted).reshape(-1, h, len(wanted))
    return out


def _segments(record: np.ndarray, length: np.ndarray, top: int):
    """Per row, the segments of counts above `top` on which F_own is constant: starts (top
    + 1, then each record value above it), ends (the next start - 1; +inf for the last)
    and F_own on each, all rows x (periods + 1)."""
    above = np.sort(np.where(record > top + 1, record, np.inf), axis=1)
    starts = np.concatenate([np.full((len(record), 1), top + 1.0), above], axis=1)
    ends = np.concatenate([starts[:, 1:] - 1.0, np.full((len(record), 1), np.inf)], axis=1)
    own = (record[:, None, :] <= starts[:, :, None]).sum(axis=2) / length[:, None]
    return starts, ends, own


def _tail_quantiles(
    history: np.ndarray,
    mean: np.ndarray,
    disp: np.ndarray,
    weight: float,
    beyond: tuple[np.ndarray, np.ndarray, np.ndarray],
    levels: np.ndarray,
    top: int,
) -> np.ndarray:
    """The quantiles above `top`, for the (row, period, level) triples in `beyond`. The
    first segment whose end the pool's CDF reaches holds the quantile: the larger of its
    start and the negative binomial's quantile at (level - w F_own) / (1 - w)."""
    row, k, j = beyond
    record, length = own_record(history)
    starts, ends, own = _segments(record, length, top)
    cells, cell = np.unique(np.stack([row, k]), axis=1, return_inverse=True)
    cell = cell.ravel()
    mu, size = (a[cells[0], cells[1]] for a in nb_mean_size(mean, disp))
    n, p = size[:, None], (size / (size + mu))[:, None]
    cell_ends = ends[cells[0]]
    finite = np.isfinite(cell_ends)
    model = np.where(finite, stats.nbinom.cdf(np.where(finite, cell_ends, 0.0), n, p), 1.0)
    target = (levels[j] if levels.ndim == 1 else levels[row, j]) - _EPS
    reached = (1.0 - weight) * model[cell] + weight * own[row] >= target[:, None]
    reached &= ends[row] >= starts[row]  # a repeated record value leaves empty segments
    reached[:, -1] = True  # both CDFs are 1 at infinity
    seg = reached.argmax(axis=1)
    start, end, at = starts[row, seg], ends[row, seg], own[row, seg]
    if weight >= 1.0:
        return start
    shifted = np.clip((target - weight * at) / (1.0 - weight), 0.0, 1.0)
    inside = stats.nbinom.ppf(shifted, n[cell, 0], p[cell, 0])
    return np.clip(np.nan_to_num(inside, nan=end), start, end)


def _pool_one_weight(
    history: np.ndarray,
    mean: np.ndarray,
    disp: np.ndarray,
    weight: float,
    levels: np.ndarray,
    cdfs: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Quantiles (rows x h x L) of the pool at one weight; `levels`: L shared by all rows,
    or rows x L; `cdfs`: the dense negative binomial and own CDFs, when already built."""
    top = DENSE_TOP
    model, own = cdfs or (nb_cdf(mean, disp, top), None)
    cdf = (1.0 - weight) * model
    if weight > 0:
        own = own_cdf(history, top) if own is None else own
        cdf = cdf + weight * own[:, None, :]
    out = _dense_quantiles(cdf, levels)
    row, period, level = np.nonzero(out > top)
    if len(row):
        out[row, period, level] = _tail_quantiles(
            history, mean, disp, weight, (row, period, level), levels, top
        )
    return out


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
    first, copy_of, flat = _distinct(history, mean, disp, weights, levels)
    if len(first) < rows or (flat and h > 1):
        mine = mean[first, :1] if flat else mean[first]
        q = pooled_quantiles(history[first], mine, disp[first], weights[first], levels[first])
        return np.broadcast_to(q[copy_of], (rows, h, levels.shape[1])).copy()
    out = np.zeros((rows, h, levels.shape[1]))
    for lo in range(0, rows, ROW_CHUNK):
        part = slice(lo, lo + ROW_CHUNK)
        mine = weights[part]
        for w in np.unique(mine):
            q = _pool_one_weight(history[part], mean[part], disp[part], float(w), levels[part])
            hit = np.broadcast_to((mine == w)[:, None, :], q.shape)
            out[part][hit] = q[hit]
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
    first, copy_of, flat = _distinct(history, mean, disp)
    if len(first) < rows or (flat and h > 1):
        mine = mean[first, :1] if flat else mean[first]
        q = grid_quantiles(history[first], mine, disp[first], weights, grid)
        return np.broadcast_to(q[:, copy_of], (len(weights), rows, h, len(grid))).copy()
    out = np.zeros((len(weights), rows, h, len(grid)), dtype=np.int32)
    for lo in range(0, rows, ROW_CHUNK):
        part = slice(lo, lo + ROW_CHUNK)
        levels = np.asarray(grid, float)
        cdfs = (nb_cdf(mean[part], disp[part], DENSE_TOP), own_cdf(history[part], DENSE_TOP))
        for i, w in enumerate(weights):
            out[i, part] = _pool_one_weight(history[part], mean[part], disp[part], w, levels, cdfs)
    return out


def _distinct(
    history: np.ndarray, mean: np.ndarray, disp: np.ndarray, *per_row: np.ndarray
) -> tuple[np.ndarray, np.ndarray, bool]:
    """The pool's quantiles are a function of a row's history, point, dispersion (and any
    per-row weights and levels) alone: the first row of each distinct combination, every
    row's distinct combination, and whether the point is flat over the horizon (as every
    intermittent-demand model's is), in which case one period stands for all. On sparse
    data a third or more of the rows repeat another, so this is work not done."""
    flat = mean.shape[1] > 0 and bool((mean == mean[:, :1]).all())
    point = mean[:, :1] if flat else mean
    key = np.concatenate([history, point, disp[:, None], *per_row], axis=1)
    _, first, copy_of = np.unique(key, axis=0, return_index=True, return_inverse=True)
    return first, copy_of.ravel(), flat
