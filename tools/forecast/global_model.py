"""One quantile model for a whole collection of series: gradient-boosted trees (LightGBM)
trained across every series at once, as the M5 uncertainty track's leaders did.

A series that moved once or twice gives a per-series model almost nothing to fit; the
collection holds thousands of series in the same state, and what followed in them is the
evidence. Training rows are (series, cut, step): the series' features at a cut in the last
CUTS periods of the training window and its demand `step` periods later, for every step
that still lies in the window; at most MAX_ROWS of them, drawn at random. One model per
quantile level. (Cuts over the whole history were tried on the dev origins: worse on the
refinery, 0.300 against 0.279, and no better on car parts.)

Each series is measured in its own unit, its mean demand size (demand / mean nonzero
demand): a demand is then about 1 whatever the item, so the trees compare like with like.
Each row is weighted by unit / scale (scale: the mean absolute one-period change, the
scaled pinball loss's denominator), which makes the trees' quantile loss exactly the
scaled pinball loss a forecast is judged by.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Training cuts: the last CUTS periods of the training window, none with under a year behind.
CUTS = 6
MIN_CUT = 12
# Training rows drawn from all (series, cut, step): bounds the cost on large collections.
MAX_ROWS = 20_000
LAGS = 12
# The series' own quantiles among its features: the trees can start from its record.
FEATURE_LEVELS = np.array([0.005, 0.025, 0.165, 0.25, 0.5, 0.75, 0.835, 0.975, 0.995])
# Fewer series than this with a defined scale: no global model (a single item, a test).
MIN_SERIES = 200


@dataclass(frozen=True)
class Boosting:
    trees: int = 50
    learning_rate: float = 0.1
    leaves: int = 15
    min_leaf: int = 200
    seed: int = 0


# What every LightGBM model across a collection is run with: reproducible, and one thread:
# on shared cores OpenMP's waiting threads spin, and two threads took several times the
# CPU of one (the refinery backtest under load).
LIGHTGBM_COMMON = {"max_bin": 63, "deterministic": True, "num_threads": 1, "verbose": -1}


def demand_timing(moved: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row of `moved` (rows x periods, True where a period held demand): the number of
    periods with demand, the index of the last one (-1 if none) and of the first one (the
    period count if none)."""
    periods = moved.shape[1]
    idx = np.arange(periods)
    last = np.where(moved, idx, -1).max(axis=1, initial=-1)
    first = np.where(moved, idx, periods).min(axis=1, initial=periods)
    return moved.sum(axis=1), last, first


def features(history: np.ndarray, cut: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features of every row at `cut` (from history[:, :cut]), its scale and its unit (both 0
    where the row never moved or never changed: no features worth having)."""
    x = history[:, :cut]
    rows = len(x)
    scale = np.abs(np.diff(x, axis=1)).mean(axis=1) if cut > 1 else np.zeros(rows)
    moved = x > 0
    count, last, first = demand_timing(moved)
    unit = np.where(count > 0, x.sum(axis=1) / np.maximum(count, 1), 0.0)
    ok = (scale > 0) & (unit > 0)
    per = np.where(ok, unit, 1.0)[:, None]
    z = x / per
    lags = np.zeros((rows, LAGS))
    k = min(LAGS, cut)
    lags[:, LAGS - k :] = z[:, cut - k :]
    columns = [
        lags[:, ::-1],
        *(z[:, -min(w, cut) :].mean(axis=1, keepdims=True) for w in (3, 6, 12, 24)),
        z.mean(axis=1, keepdims=True),
        z.std(axis=1, keepdims=True),
        z.max(axis=1, keepdims=True, initial=0.0),
        (count / max(cut, 1))[:, None],
        moved[:, -min(12, cut) :].mean(axis=1, keepdims=True),
        count[:, None].astype(float),
        np.where(last >= 0, cut - 1 - last, cut)[:, None].astype(float),
        np.where(first < cut, cut - first, 0)[:, None].astype(float),
        np.quantile(z, FEATURE_LEVELS, axis=1, method="inverted_cdf").T if cut else z[:, :0],
        1.0 / per,  # the count a unit holds: how coarse the series' steps are
        (np.where(ok, scale, 0.0) / per[:, 0])[:, None],
    ]
    return np.hstack(columns), np.where(ok, scale, 0.0), np.where(ok, unit, 0.0)


def global_quantiles(
    history: np.ndarray,
    h: int,
    probs: np.ndarray,
    *,
    boosting: Boosting = Boosting(),
) -> tuple[np.ndarray, np.ndarray] | None:
    """Quantiles (rows x h x probs) of every row from one model per level trained across
    all rows, and the rows they hold for (a row that never moved or never changed takes
    another method's). None when the collection is too small or too short to train on."""
    import lightgbm as lgb  # imported here: the single-item path never needs it

    rows, periods = history.shape
    if rows < MIN_SERIES or periods <= MIN_CUT:
        return None
    cuts = [(cut, *features(history, cut)) for cut in range(max(periods - CUTS, MIN_CUT), periods)]
    now, scale, unit = features(history, periods)
    held = scale > 0
    if held.sum() < MIN_SERIES:
        return None
    # Rows kept at one rate for every (cut, step), so no month weighs more than another.
    total = sum((s > 0).sum() * min(h, periods - cut) for cut, _, s, _ in cuts)
    rate = min(1.0, MAX_ROWS / max(total, 1))
    rng = np.random.default_rng(boosting.seed)
    xs, ys, ws = [], [], []
    for cut, x, s, u in cuts:
        for step in range(1, min(h, periods - cut) + 1):
            keep = (s > 0) & (rng.random(rows) < rate)
            xs.append(np.hstack([x[keep], np.full((keep.sum(), 1), step)]))
            ys.append(history[keep, cut + step - 1] / u[keep])
            ws.append(u[keep] / s[keep])
    x, y, weight = np.vstack(xs), np.concatenate(ys), np.concatenate(ws)
    train = lgb.Dataset(
        x,
        y,
        weight=weight / weight.mean(),
        params={"max_bin": 63, "verbose": -1},
    )
    out = np.zeros((rows, h, len(probs)))
    ahead = np.vstack(
        [np.hstack([now[held], np.full((held.sum(), 1), step)]) for step in range(1, h + 1)]
    )
    for j, p in enumerate(probs):
        params = {
            "objective": "quantile",
            "alpha": float(p),
            "learning_rate": boosting.learning_rate,
            "num_leaves": boosting.leaves,
            "min_data_in_leaf": boosting.min_leaf,
            "feature_fraction": 0.8,
            "bagging_fraction": 0.5,
            "bagging_freq": 1,
            "seed": boosting.seed,
            **LIGHTGBM_COMMON,
        }
        model = lgb.train(params, train, num_boost_round=boosting.trees)
        pred = np.asarray(model.predict(ahead, num_threads=1)).reshape(h, -1).T
        out[held, :, j] = pred * unit[held, None]
    return np.sort(np.clip(out, 0.0, None), axis=2), held
