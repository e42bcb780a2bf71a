"""Issue 21's bad input: all-zero series, a single demand, negative months, months missing
from the middle, series shorter than the horizon. Each forecast states its limits and no NaN
reaches a forecast or a benchmark table."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stockwise.tools.forecast.periodic import QUANTILES, forecast_periods
from stockwise.tools.forecast.statistical import point_forecasts

# evals/ is not installed with the package: the benchmark is this checkout's.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
monthly_benchmark = importlib.import_module("evals.forecast.monthly").monthly_benchmark
load_matrix = importlib.import_module("evals.forecast.protocol").load_matrix


def _points(train, h, names):
    return point_forecasts(train, h, names, n_jobs=1)


def _bad_rows(periods: int) -> np.ndarray:
    rng = np.random.default_rng(3)
    history = rng.poisson(0.5, (40, periods)).astype(float) * rng.integers(1, 5, (40, periods))
    history[0] = 0.0  # never moved
    history[1] = 0.0
    history[1, periods // 2] = 6.0  # a single demand
    history[2, 3] = -4.0  # a return larger than the month's issues
    history[3, 5] = np.nan  # a month missing from the middle
    return history


def _check(fc, rows: int, h: int) -> None:
    assert fc.quantiles.shape == (rows, h, len(QUANTILES))
    assert np.isfinite(fc.quantiles).all() and np.isfinite(fc.point).all()
    assert (fc.quantiles >= 0).all() and (fc.point >= 0).all()
    assert np.all(np.diff(fc.quantiles, axis=2) >= 0)


def test_zero_single_negative_and_missing_months_give_finite_forecasts():
    history = _bad_rows(30)
    fc = forecast_periods(history, 4, _points)
    _check(fc, 40, 4)
    assert fc.classes[0] == "no_demand" and not fc.point[0].any() and not fc.quantiles[0].any()
    # One demand of 6 in 30 months: mostly nothing, but the top quantile allows it again.
    assert fc.quantiles[1, :, 4].max() == 0 and fc.quantiles[1, :, -1].max() >= 1


@pytest.mark.parametrize("periods", [0, 1, 2, 5])
def test_a_history_shorter_than_the_horizon_states_its_limits(periods):
    history = _bad_rows(30)[:, -periods:] if periods else np.zeros((40, 0))
    fc = forecast_periods(history, 6, _points)
    _check(fc, 40, 6)
    assert any("history under" in note for note in fc.calibration.notes), fc.calibration.notes


def _write(tmp_path: Path, frame: pd.DataFrame) -> Path:
    path = tmp_path / "demand.csv"
    frame.to_csv(path, index=False)
    return path


def test_a_month_no_series_reports_stays_a_month_and_returns_count_as_zero(tmp_path):
    months = pd.date_range("2020-01-01", periods=6, freq="MS")
    rows = [("a", m, v) for m, v in zip(months, [1, 0, -3, 2, 0, 4], strict=True)]
    rows += [("b", m, 1) for m in months[3:]]  # starts late
    frame = pd.DataFrame(rows, columns=["unique_id", "ds", "y"])
    frame = frame[frame.ds != months[4]]  # nobody reports May
    matrix, negative = load_matrix(_write(tmp_path, frame))
    assert matrix.shape == (2, 6) and negative == 1
    assert matrix.tolist() == [[1, 0, 0, 2, 0, 4], [0, 0, 0, 1, 0, 1]]


def test_benchmark_on_bad_series_prints_no_nan(tmp_path, capsys):
    history = np.nan_to_num(_bad_rows(30))
    months = pd.date_range("2020-01-01", periods=30, freq="MS")
    frame = pd.DataFrame(
        {
            "unique_id": np.repeat(np.arange(len(history)), 30),
            "ds": np.tile(months, len(history)),
            "y": history.ravel(),
        }
    )
    monthly_benchmark("bad", _write(tmp_path, frame), h=3, last=6, n_jobs=1)
    out = capsys.readouterr().out
    assert "nan" not in out.lower()
    assert "negative months (returns above the month's issues) counted as 0 demand: 1" in out


def test_benchmark_shorter_than_its_window_says_so(tmp_path):
    months = pd.date_range("2020-01-01", periods=8, freq="MS")
    frame = pd.DataFrame({"unique_id": "a", "ds": months, "y": [0, 1, 0, 0, 2, 0, 1, 0]})
    with pytest.raises(SystemExit, match="too few"):
        monthly_benchmark("short", _write(tmp_path, frame), h=6, last=12, n_jobs=1)
