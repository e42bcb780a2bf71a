"""Which origins of a monthly backtest are for choosing and which for reporting.

Every choice made while building a forecaster (its method, its constants) is made on the
development origins; the figures a note quotes come from the report origins, whose scored
periods lie after every period a development origin scored. The report window is the last
`last` periods, the development window the `last` periods before it (shorter when the
history is: never an origin with fewer than MIN_TRAIN periods to train on).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

WINDOWS = ("report", "dev")
MIN_TRAIN = 12


def origins(length: int, h: int, last: int, step: int = 1, window: str = "report") -> list[int]:
    """Origins `t` (train on [:t], score [t : t + h]) whose scored periods lie within the
    window: the last `last` periods, or for "dev" the `last` periods before those."""
    end = length if window == "report" else length - last
    start = max(end - last, MIN_TRAIN)
    return list(range(start, end - h + 1, step))


def describe(origins_used: list[int], window: str, length: int, h: int, last: int) -> str:
    other = "dev" if window == "report" else "report"
    return (
        f"{window} origins {origins_used} (scored periods {origins_used[0]}.."
        f"{origins_used[-1] + h - 1} of 0..{length - 1}); choices are made on the dev "
        f"origins {origins(length, h, last, window='dev')}, figures quoted from the report "
        f"origins (`--window {other}` for the other)."
    )


def load_matrix(path: Path) -> tuple[np.ndarray, int]:
    """Series x months from a long `unique_id, ds, y` file (a missing month is no demand),
    and the number of negative months. A negative month is a return to stores larger than
    the month's issues: returns are not demand (data contract), and the month's issues are
    unknown but at least 0, so the month counts as 0 demand, in training and in scoring.
    Every month from the file's first to its last is a column, even one that no series
    reports (else the months around a gap would sit side by side as if consecutive)."""
    frame = pd.read_csv(path, usecols=["unique_id", "ds", "y"])
    frame["ds"] = pd.to_datetime(frame["ds"]).dt.to_period("M")
    wide = frame.pivot_table(index="unique_id", columns="ds", values="y", aggfunc="sum")
    months = pd.period_range(wide.columns.min(), wide.columns.max(), freq="M")
    values = wide.reindex(columns=months).fillna(0.0).to_numpy(dtype=float)
    return np.clip(values, 0.0, None), int((values < 0).sum())
