"""A hurdle model learned across a collection of series: the chance that a period holds
demand, from one gradient-boosted classifier trained on every series, and the size of that
demand, from what followed in series with as many demands behind them.

A series that moved once or twice says little about its own next demand; thousands of
series in the same state say more. Training rows are (series, cut, step): the series'
state at a cut in the last CUTS periods of the training window, and whether the period
`step` later, still in the window, held demand. The size of a next demand is the series'
own mean demand size times a ratio (next demand / mean size before it) whose distribution
is pooled over the same cuts, per group of series by how many periods held demand. A
period's quantiles are those of the mixture: nothing with chance 1 - p, else that size.
"""

from __future__ import annotations

import numpy as np

from stockwise.tools.forecast.global_model import (
    LIGHTGBM_COMMON,
    MIN_CUT,  # no cut with under a year behind it
    MIN_SERIES,  # fewer series than this that moved: no model (a single item, a test)
    demand_timing,
)

# Training cuts: the last CUTS periods of the window (the cost stays bounded on long
# histories; every cut of the dev origins lies within it).
CUTS = 24
# Size-ratio groups: series whose record holds 1, 2, ... GROUPS or more demands.
GROUPS = 6
RATIO_LEVELS = np.linspace(0.0005, 0.9995, 400)
# 25 trees at rate 0.2: on the dev origins the same figures as 100 at 0.05 (refinery 0.2785
# against 0.2784, car parts 0.3871 both) for 4 s of CPU over 7 origins instead of 11.
TREES = 25
LEARNING_RATE = 0.2


def state(history: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's state at the end of `history` (what the classifier sees) and its number
    of periods with demand."""
    rows, cut = history.shape
    moved = history > 0
    count, last, first = demand_timing(moved)
    since_first = np.where(first < cut, cut - first, 0)
    size = np.where(count > 0, history.sum(axis=1) / np.maximum(count, 1), 0.0)
    columns = [
        count,
        count / max(cut, 1),
        np.where(last >= 0, cut - 1 - last, cut),
        since_first,
        count / np.maximum(since_first, 1),  # the rate since the series' first demand
        np.full(rows, cut),
        *(moved[:, -w:].sum(axis=1) for w in (3, 6, 12, 24)),
        np.log1p(size),
    ]
    return np.column_stack(columns).astype(float), count


def _ratios(history: np.ndarray, cuts: range, h: int) -> np.ndarray:
    """Quantiles (GROUPS x RATIO_LEVELS) of next demand / mean demand size before it, per
    group of series by demand count at the cut (a group with no case takes all groups')."""
    periods = history.shape[1]
    found: list[list[np.ndarray]] = [[] for _ in range(GROUPS)]
    for cut in cuts:
        past = history[:, :cut]
        count = (past > 0).sum(axis=1)
        mean = past.sum(axis=1) / np.maximum(count, 1)
        group = np.minimum(count, GROUPS) - 1
        ahead = history[:, cut : min(cut + h, periods)]
        for g in range(GROUPS):
            sel = (group == g) & (count > 0)
            nxt = ahead[sel]
            found[g].append((nxt / mean[sel, None])[nxt > 0])
    pooled = [np.concatenate(f) for f in found]
    every = np.concatenate(pooled)
    if every.size == 0:
        return np.ones((GROUPS, len(RATIO_LEVELS)))
    return np.vstack([np.quantile(p if p.size else every, RATIO_LEVELS) for p in pooled])


def _demand_chance(history: np.ndarray, cuts: range, h: int, seed: int) -> np.ndarray:
    """Chance (rows x h) that each coming period holds demand, from one classifier trained
    on every series that had moved by each cut."""
    import lightgbm as lgb  # imported here: the single-item path never needs it

    periods = history.shape[1]
    xs, ys = [], []
    for cut in cuts:
        x, count = state(history[:, :cut])
        keep = count > 0
        for step in range(1, min(h, periods - cut) + 1):
            xs.append(np.column_stack([x[keep], np.full(keep.sum(), step)]))
            ys.append((history[keep, cut + step - 1] > 0).astype(float))
    params = {
        "objective": "binary",
        "learning_rate": LEARNING_RATE,
        "num_leaves": 15,
        "min_data_in_leaf": 200,
        "seed": seed,
        **LIGHTGBM_COMMON,
    }
    model = lgb.train(params, lgb.Dataset(np.vstack(xs), np.concatenate(ys)), TREES)
    now, _ = state(history)
    steps = [np.column_stack([now, np.full(len(now), s)]) for s in range(1, h + 1)]
    return np.asarray(model.predict(np.vstack(steps), num_threads=1)).reshape(h, -1).T


def hurdle_quantiles(
    history: np.ndarray, h: int, probs: np.ndarray, seed: int = 0
) -> tuple[np.ndarray, np.ndarray] | None:
    """Quantiles (rows x h x probs) of every row that has moved, and those rows; None when
    the collection is too small or too short to learn from."""
    rows, periods = history.shape
    count = (history > 0).sum(axis=1)
    held = count > 0
    if periods <= MIN_CUT or held.sum() < MIN_SERIES:
        return None
    cuts = range(max(periods - CUTS, MIN_CUT), periods)
    chance = _demand_chance(history, cuts, h, seed)
    ratios = _ratios(history, cuts, h)
    mean = history.sum(axis=1) / np.maximum(count, 1)
    table = ratios[np.clip(count, 1, GROUPS) - 1]  # rows x RATIO_LEVELS
    out = np.zeros((rows, h, len(probs)))
    for j, p in enumerate(probs):
        # Level within the sizes: the part of p above the chance of no demand.
        within = (p - (1.0 - chance)) / np.maximum(chance, 1e-12)
        at = np.clip(np.searchsorted(RATIO_LEVELS, np.clip(within, 0.0, 1.0)), 0, None)
        at = np.minimum(at, len(RATIO_LEVELS) - 1)
        size = np.round(np.take_along_axis(table, at, axis=1) * mean[:, None])
        out[:, :, j] = np.where(within > 0, size, 0.0)
    out[~held] = 0.0
    return np.maximum.accumulate(out, axis=2), held
