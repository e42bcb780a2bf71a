"""Point forecasts of many series at once with statsforecast's intermittent-demand models
(Croston, SBA, TSB, ADIDA, IMAPA) and AutoETS, on both cores."""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsforecast import StatsForecast
from statsforecast.models import (
    ADIDA,
    IMAPA,
    TSB,
    AutoETS,
    CrostonClassic,
    CrostonSBA,
    Naive,
)

FREQ = {"month": "MS", "week": "W-MON", "day": "D"}
SEASON = {"month": 12, "week": 52, "day": 7}


def make_models(names: list[str], grain: str = "month") -> list:
    season = SEASON[grain]
    factory = {
        "CrostonClassic": lambda: CrostonClassic(),
        "CrostonSBA": lambda: CrostonSBA(),
        "TSB": lambda: TSB(alpha_d=0.1, alpha_p=0.1),
        "ADIDA": lambda: ADIDA(),
        "IMAPA": lambda: IMAPA(),
        # A seasonal ETS needs two seasons; on short histories a non-seasonal one.
        "AutoETS": lambda: AutoETS(season_length=1),
        "SeasonalETS": lambda: AutoETS(season_length=season),
    }
    return [factory[n]() for n in names]


def point_forecasts(
    history: np.ndarray,
    h: int,
    names: list[str],
    *,
    grain: str = "month",
    n_jobs: int = 2,
) -> dict[str, np.ndarray]:
    """Forecast every row of `history` (rows x periods) `h` periods ahead with each model.

    Returns model name -> (rows x h) array, clipped at zero (demand is never negative), NaN
    (a model that failed on a series) replaced by the series' mean.
    """
    rows, length = history.shape
    # A row that never moved forecasts 0 under every model: only the others are fitted (on
    # spare-parts data a fifth of the rows or more, so as much of the fitting time).
    moved = np.nonzero((history != 0).any(axis=1))[0] if length else np.arange(0)
    if len(moved) < rows:
        out = {n: np.zeros((rows, h)) for n in names}
        if len(moved):
            fitted = point_forecasts(history[moved], h, names, grain=grain, n_jobs=n_jobs)
            for n in names:
                out[n][moved] = fitted[n]
        return out
    # Every model here is a deterministic function of the series, so rows with the same
    # history share one fit: sparse spare-parts rows repeat often (a single demand of 1 in
    # a given month), half of the refinery's moving rows are copies of another.
    distinct, copy_of = np.unique(history, axis=0, return_inverse=True)
    if len(distinct) < rows:
        fitted = point_forecasts(distinct, h, names, grain=grain, n_jobs=n_jobs)
        return {n: fitted[n][copy_of.ravel()] for n in names}
    dates = pd.date_range("2000-01-03", periods=length, freq=FREQ[grain])
    df = pd.DataFrame(
        {
            "unique_id": np.repeat(np.arange(rows), length),
            "ds": np.tile(dates, rows),
            "y": history.ravel().astype(float),
        }
    )
    sf = StatsForecast(
        models=make_models(names, grain), freq=FREQ[grain], n_jobs=n_jobs, fallback_model=Naive()
    )
    fc = sf.forecast(df=df, h=h)
    fc = fc.sort_values(["unique_id", "ds"])
    mean = history.mean(axis=1, keepdims=True)
    out = {}
    for name in names:
        alias = "AutoETS" if name == "SeasonalETS" else name
        values = fc[alias].to_numpy(dtype=float).reshape(rows, h)
        values = np.where(np.isfinite(values), values, np.broadcast_to(mean, values.shape))
        out[name] = np.clip(values, 0.0, None)
    return out
