"""Quantile forecasts per period for many series: the project's default statistical method.

Per demand class, IMAPA gives way to the point model (SBA, TSB, ADIDA) that scored a clearly
lower scaled pinball loss on a rolling-origin validation window, when its squared error
there is no worse. Demand around the point is negative binomial with the series' own
dispersion (variance / mean of its history), which fits lumpy count data better than
Poisson, pooled with the series' own record since its first demand (`pooled.py`). Per group
of series by how many periods held demand, the same validation window chooses the pool's
weight and the level of each quantile: a series seen to move once trusts its own record
more than a model fitted to one point. The bounds of the 95% interval come from the model
alone, and their levels may be pulled in on that evidence but never pushed out: the top of
a short record is the largest demand seen, not a 97.5% bound, and on counts the
pinball-best upper bound of a sparse series sits above its nominal level, which would make
the interval wider than it says.

In a collection of series (a benchmark, a plant's whole catalogue), each quantile is then
averaged half and half with that of one LightGBM quantile model trained across every
series (`global_model.py`): what followed in thousands of series that moved once says more
about the next one than its own single demand does. That blend is averaged half and half
with a hurdle model learned the same way (`hurdle_model.py`: the chance of demand from one
classifier across the collection, the size from the series' mean size and pooled ratios).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from stockwise.tools.forecast.classify import classify
from stockwise.tools.forecast.discrete import nb_mean_size, nb_ppf, poisson_ppf
from stockwise.tools.forecast.global_model import global_quantiles
from stockwise.tools.forecast.hurdle_model import hurdle_quantiles
from stockwise.tools.forecast.pooled import (
    N_GROUPS,
    demand_groups,
    grid_quantiles,
    pooled_quantiles,
)

QUANTILES = np.array([0.005, 0.025, 0.165, 0.25, 0.5, 0.75, 0.835, 0.975, 0.995])
CANDIDATES = ["CrostonClassic", "CrostonSBA", "TSB", "ADIDA", "IMAPA", "AutoETS"]
# The default's own candidates: the intermittent-demand models (ETS and classic Croston
# never beat these on intermittent validation windows, and ETS is the slow one).
DEFAULT_CANDIDATES = ["CrostonSBA", "TSB", "ADIDA", "IMAPA"]
FALLBACK_MODEL = "IMAPA"
# Another model replaces IMAPA for a class only when clearly better on validation, and not
# worse in RMSSE there: a small win on one window is mostly noise, and on car parts every
# switch made on SPL alone cost RMSSE on later origins.
CLEAR_WIN = 0.03
DISPERSION_GRID = (0.8, 1.0, 1.25, 1.5)
POOL_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.6)
LEVEL_GRID = np.union1d(np.linspace(0.001, 0.999, 100), QUANTILES)
# The 95% interval's bounds are read off the model alone, at a level that may only move
# inwards: (lowest, highest) level each may take.
INTERVAL_BOUNDS = {0.025: (0.025, 1.0), 0.975: (0.0, 0.975)}
# In a collection large enough to learn from, each quantile is this blend of the global
# model's and the pool's (chosen on the dev origins of car parts and the refinery: the
# global model alone won on car parts and lost on the refinery, half and half won on both).
GLOBAL_WEIGHT = 0.5
# ...and that blend is then averaged half and half with the hurdle model learned across the
# collection (`hurdle_model.py`; chosen on the dev origins of car parts and the refinery:
# better than the blend before it on both, and than the hurdle model alone on the refinery).
HURDLE_WEIGHT = 0.5
# A group calibrates on its own only with this many validation series; smaller groups take
# the choice made on all series together, and fewer series than this keep the model as is.
MIN_GROUP_ROWS = 30

PointFn = Callable[[np.ndarray, int, list[str]], dict[str, np.ndarray]]


def dispersion(history: np.ndarray) -> np.ndarray:
    """Variance / mean per row (at least 1: a count is never less dispersed than Poisson)."""
    if history.shape[1] == 0:
        return np.ones(len(history))
    mean = history.mean(axis=1)
    var = history.var(axis=1)
    return np.maximum(var / np.maximum(mean, 1e-9), 1.0)


def nb_quantiles(mean: np.ndarray, disp: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Quantiles (rows x h x probs) of a negative binomial with the given mean and
    variance = disp x mean (Poisson where disp is 1)."""
    if mean.shape[1] > 1 and (mean == mean[:, :1]).all():
        # A point flat over the horizon (every intermittent model's) has one distribution.
        return np.repeat(nb_quantiles(mean[:, :1], disp, probs), mean.shape[1], axis=1)
    return nb_ppf(*nb_mean_size(mean, disp), probs)


def poisson_quantiles(mean: np.ndarray, probs: np.ndarray = QUANTILES) -> np.ndarray:
    return poisson_ppf(np.maximum(mean, 1e-9), probs)


def widen(disp: np.ndarray, factor: float) -> np.ndarray:
    """Scale the over-dispersion (the part above Poisson) by `factor`."""
    return 1.0 + (disp - 1.0) * factor


def _spl(actual: np.ndarray, q: np.ndarray, scale: np.ndarray) -> float:
    return float((_pinball(actual, q, QUANTILES).mean(axis=1) / scale).mean())


def _scale(history: np.ndarray) -> np.ndarray:
    diff = np.abs(np.diff(history, axis=1))
    return diff.mean(axis=1) if diff.shape[1] else np.zeros(len(history))


def _rmsse(actual: np.ndarray, point: np.ndarray, history: np.ndarray) -> float:
    """Mean RMSSE over the rows whose in-sample one-step naive error is not zero."""
    scale = (np.diff(history, axis=1) ** 2).mean(axis=1)
    ok = scale > 0
    return float(np.sqrt(((actual[ok] - point[ok]) ** 2).mean(axis=1) / scale[ok]).mean())


def _pinball(actual: np.ndarray, q: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Mean pinball loss per row and quantile level (rows x probs)."""
    diff = actual[:, :, None] - q
    return np.maximum(probs * diff, (probs - 1.0) * diff).mean(axis=1)


def _nominal() -> np.ndarray:
    return np.tile(QUANTILES, (N_GROUPS, 1))


@dataclass
class Calibration:
    """What the validation window chose: a point model per class; per demand-count group
    (rows) and quantile (columns), the pool weight and the level read off the pool."""

    model_by_class: dict[str, str] = field(default_factory=dict)
    weights: np.ndarray = field(default_factory=lambda: np.zeros((N_GROUPS, len(QUANTILES))))
    levels: np.ndarray = field(default_factory=_nominal)
    dispersion_factor: float = 1.0
    notes: list[str] = field(default_factory=list)

    def model_for(self, demand_class: str) -> str:
        return self.model_by_class.get(demand_class, FALLBACK_MODEL)


def calibrate(history: np.ndarray, h: int, points: PointFn) -> Calibration:
    """Choose the model per class, the dispersion, and per group the pool weights and
    quantile levels on the last `h` periods."""
    if history.shape[1] < 2 * h + 2:
        return Calibration(notes=[f"history under {2 * h + 2} periods: IMAPA, nominal levels"])
    train, actual = history[:, :-h], history[:, -h:]
    scale = _scale(train)
    ok = scale > 0
    if not ok.any():
        return Calibration(notes=["no validation series with demand: IMAPA, nominal levels"])
    classes = classify(train)
    disp = dispersion(train)
    fc = points(train, h, DEFAULT_CANDIDATES)
    chosen = _models_by_class(train, actual, fc, classes, disp, scale, ok)
    point = np.stack([fc[chosen.get(c, FALLBACK_MODEL)][i] for i, c in enumerate(classes)])
    factor_loss = {
        k: _spl(actual[ok], nb_quantiles(point[ok], widen(disp[ok], k), QUANTILES), scale[ok])
        for k in DISPERSION_GRID
    }
    factor = min(factor_loss, key=factor_loss.__getitem__)
    weights, levels, notes = _pool_levels(
        train[ok], actual[ok], point[ok], widen(disp[ok], factor), scale[ok]
    )
    return Calibration(chosen, weights, levels, factor, notes)


def _models_by_class(
    train: np.ndarray,
    actual: np.ndarray,
    fc: dict[str, np.ndarray],
    classes: np.ndarray,
    disp: np.ndarray,
    scale: np.ndarray,
    ok: np.ndarray,
) -> dict[str, str]:
    """Per class, the model that replaces IMAPA on the validation window, if any."""
    chosen: dict[str, str] = {}
    for cls in np.unique(classes[ok]):
        rows = ok & (classes == cls)
        loss = {
            name: (
                _pinball(
                    actual[rows], nb_quantiles(f[rows], disp[rows], QUANTILES), QUANTILES
                ).mean(axis=1)
                / scale[rows]
            ).mean()
            for name, f in fc.items()
        }
        best = min(loss, key=loss.__getitem__)
        # ...and never at the cost of the point forecast's squared error on that window.
        if loss[best] < (1 - CLEAR_WIN) * loss[FALLBACK_MODEL] and _rmsse(
            actual[rows], fc[best][rows], train[rows]
        ) <= _rmsse(actual[rows], fc[FALLBACK_MODEL][rows], train[rows]):
            chosen[str(cls)] = best
    return chosen


def _within(values: np.ndarray, lowest: float, highest: float) -> np.ndarray:
    return (values >= lowest) & (values <= highest)


def _pool_levels(
    train: np.ndarray, actual: np.ndarray, point: np.ndarray, disp: np.ndarray, scale: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Per group and quantile, the (weight, level) pair with the least validation pinball
    loss; groups too small to judge take the all-series choice."""
    weights, levels = np.zeros((N_GROUPS, len(QUANTILES))), _nominal()
    if len(train) < MIN_GROUP_ROWS:
        return weights, levels, [f"under {MIN_GROUP_ROWS} validation series: pool off"]
    groups = demand_groups(train)
    members = [groups == g for g in range(N_GROUPS)] + [np.ones(len(train), bool)]
    # Mean over each member set's rows, as one product: member sets x rows.
    share = np.stack(members).astype(float)
    share /= np.maximum(share.sum(axis=1, keepdims=True), 1.0)
    # Each row's loss is divided by its scale before the mean over its member set.
    share /= scale[None, :]
    # loss[w, member set, quantile, level]
    loss = np.zeros((len(POOL_WEIGHTS), len(members), len(QUANTILES), len(LEVEL_GRID)))
    grids = grid_quantiles(train, point, disp, POOL_WEIGHTS, LEVEL_GRID)
    window_mean = actual.mean(axis=1)[:, None]
    for i, grid in enumerate(grids):
        # pinball_p(d) = p d + max(-d, 0) with d = actual - quantile: the two means over
        # the window serve every p.
        mean_diff = share @ (window_mean - grid.mean(axis=1))
        over = grid - actual[:, :, None]
        under = share @ np.maximum(over, 0.0, out=over).mean(axis=1)
        for j, p in enumerate(QUANTILES):
            loss[i, :, j] = p * mean_diff + under
    for j, p in enumerate(QUANTILES):
        allowed = np.ones((len(POOL_WEIGHTS), len(LEVEL_GRID)), bool)
        if float(p) in INTERVAL_BOUNDS:
            allowed &= _within(LEVEL_GRID, *INTERVAL_BOUNDS[float(p)])
            allowed[1:] = False  # POOL_WEIGHTS[0] = 0: the model alone
        for g in range(N_GROUPS):
            m = g if members[g].sum() >= MIN_GROUP_ROWS else N_GROUPS
            table = np.where(allowed, loss[:, m, j], np.inf)
            best_w, best_level = np.unravel_index(np.argmin(table), table.shape)
            weights[g, j], levels[g, j] = POOL_WEIGHTS[best_w], LEVEL_GRID[best_level]
    return weights, levels, []


@dataclass
class PeriodForecast:
    point: np.ndarray  # rows x h
    quantiles: np.ndarray  # rows x h x len(QUANTILES)
    classes: np.ndarray
    models: np.ndarray
    calibration: Calibration
    # Rows whose quantiles come from the model trained across the collection.
    learned: np.ndarray


def forecast_periods(
    history: np.ndarray,
    h: int,
    points: PointFn,
    calibration: Calibration | None = None,
) -> PeriodForecast:
    """Point and quantile forecasts `h` periods ahead for every row of `history`. In a
    collection large enough to learn from (`global_model.MIN_SERIES`), the quantiles of
    every series that moved are averaged with those of one model trained across all of
    them, and the result with the hurdle model learned across them (`hurdle_model.py`);
    the point forecast stays the class model's."""
    history = np.clip(np.nan_to_num(np.atleast_2d(np.asarray(history, float))), 0.0, None)
    cal = calibration or calibrate(history, h, points)
    classes = classify(history)
    fc = points(history, h, DEFAULT_CANDIDATES)
    models = np.array([cal.model_for(c) for c in classes], dtype=object)
    point = np.zeros((len(history), h))
    for name in set(models):
        rows = models == name
        point[rows] = fc[name][rows]
    point[classes == "no_demand"] = 0.0
    groups = demand_groups(history)
    disp = widen(dispersion(history), cal.dispersion_factor)
    q = pooled_quantiles(history, point, disp, cal.weights[groups], cal.levels[groups])
    learned = np.zeros(len(history), bool)
    collective = global_quantiles(history, h, QUANTILES)
    if collective is not None:
        global_q, learned = collective
        q[learned] = (1 - GLOBAL_WEIGHT) * q[learned] + GLOBAL_WEIGHT * global_q[learned]
    q = np.nan_to_num(np.maximum.accumulate(q, axis=2))
    hurdle = hurdle_quantiles(history, h, QUANTILES)
    if hurdle is not None:
        hurdle_q, moved = hurdle
        rows = moved & (_scale(history) > 0)
        q[rows] = (1 - HURDLE_WEIGHT) * q[rows] + HURDLE_WEIGHT * hurdle_q[rows]
        learned |= rows
    return PeriodForecast(point, q, classes, models, cal, learned)
