"""Rolling-origin backtest of probabilistic forecasts: any number of methods side by side.

A method takes the training matrix (series x periods) and the horizon and returns the point
forecast (series x h) and quantiles (series x h x QUANTILES). Forecasts of statsforecast's
models are computed once per origin and shared by every method that needs them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
from tqdm import tqdm

from evals.forecast.metrics import QUANTILES, evaluate
from stockwise.tools.forecast.periodic import CANDIDATES, forecast_periods, poisson_quantiles
from stockwise.tools.forecast.statistical import point_forecasts

Method = Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]]


class SharedPoints:
    """statsforecast forecasts memoised by training length (one origin = one length)."""

    def __init__(self, grain: str, n_jobs: int = 2) -> None:
        self.grain = grain
        self.n_jobs = n_jobs
        self.cache: dict[tuple[int, int, int], dict[str, np.ndarray]] = {}
        self.seconds = 0.0

    def __call__(
        self, train: np.ndarray, h: int, names: list[str] = CANDIDATES
    ) -> dict[str, np.ndarray]:
        key = (train.shape[0], train.shape[1], h)
        known = self.cache.setdefault(key, {})
        missing = [n for n in names if n not in known]
        if missing:
            start = time.perf_counter()
            known |= point_forecasts(train, h, missing, grain=self.grain, n_jobs=self.n_jobs)
            self.seconds += time.perf_counter() - start
        return {n: known[n] for n in names}


def standard_methods(points: SharedPoints) -> dict[str, Method]:
    def default(train: np.ndarray, h: int):
        points(train, h)  # every model of the origin in one fit, the baselines' too
        fc = forecast_periods(train, h, points)
        return fc.point, fc.quantiles

    def poisson(name: str) -> Method:
        def run(train: np.ndarray, h: int):
            point = points(train, h)[name]
            return point, poisson_quantiles(point, QUANTILES)

        return run

    def empirical(train: np.ndarray, h: int):
        q = np.quantile(train, QUANTILES, axis=1, method="inverted_cdf").T
        mean = train.mean(axis=1, keepdims=True)
        return np.repeat(mean, h, axis=1), np.repeat(q[:, None, :], h, axis=1)

    methods: dict[str, Method] = {"default (NB pool, global GBM, hurdle)": default}
    methods |= {f"{name}-Poisson": poisson(name) for name in CANDIDATES}
    methods["empirical quantiles"] = empirical
    return methods


@dataclass
class Row:
    method: str
    spl: float
    rmsse: float
    bias: float
    cov80: float
    cov95: float
    seconds: float


class Scores:
    """Each method's metrics per origin (per series, so a caller can split them by group) and
    its forecasting time, summed over the origins."""

    def __init__(self) -> None:
        self.metrics: dict[str, dict[str, list[np.ndarray]]] = {}
        self.seconds: dict[str, float] = {}

    def score(
        self,
        name: str,
        forecast: Callable[[], tuple[np.ndarray, np.ndarray]],
        train: np.ndarray,
        actual: np.ndarray,
    ) -> None:
        """Time `forecast()` (point, quantiles) and score it against `actual`."""
        start = time.perf_counter()
        point, q = forecast()
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
        for metric, values in evaluate(train, actual, point, q).items():
            self.metrics.setdefault(name, {}).setdefault(metric, []).append(values)

    def score_all(
        self, methods: dict[str, Method], train: np.ndarray, actual: np.ndarray, h: int
    ) -> None:
        for name, method in methods.items():
            self.score(name, partial(method, train, h), train, actual)

    def rows(self) -> list[Row]:
        """One row per method, in the order they were first scored: metrics averaged over
        every series and origin."""
        rows = []
        for name, metrics in self.metrics.items():
            mean = {k: float(np.nanmean(np.concatenate(v))) for k, v in metrics.items()}
            rows.append(
                Row(
                    name,
                    mean["spl"],
                    mean["rmsse"],
                    mean["bias"],
                    mean["cov80"],
                    mean["cov95"],
                    self.seconds[name],
                )
            )
        return rows


def run_backtest(
    history: np.ndarray, methods: dict[str, Method], *, h: int, origins: list[int]
) -> list[Row]:
    """Each origin `t` trains on periods [:t] and scores periods [t : t + h]."""
    scores = Scores()
    for t in tqdm(origins, desc="origins", unit="origin"):
        scores.score_all(methods, history[:, :t], history[:, t : t + h], h)
    return scores.rows()


def print_table(title: str, rows: list[Row], note: str = "") -> None:
    print(f"\n{title}")
    head = ("SPL", "RMSSE", "bias", "cov80", "cov95", "sec")
    print(f"{'method':42s} " + " ".join(f"{h:>7s}" for h in head))
    for r in rows:
        figures = f"{r.spl:7.4f} {r.rmsse:7.4f} {r.bias:+7.4f} {r.cov80:7.1%} {r.cov95:7.1%}"
        print(f"{r.method:42s} {figures} {r.seconds:7.1f}")
    if note:
        print(note)
