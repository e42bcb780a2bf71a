"""Run-hours per machine from `equipment_usage`, with the gaps of a meter log filled.

A day without a reading is counted at the machine's average over its recorded days around
it, not as zero: a missing log says nothing about a stopped machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stockwise.tools.dataset.model import Dataset

RECENT_DAYS = 90  # window of the run-hour rate a projection uses
# Window of the breakdown rate: a year holds enough breakdowns per type and follows machines
# that age or get better (the whole history under-forecast the demo plant's last quarters).
RATE_DAYS = 365


@dataclass
class _Log:
    days: np.ndarray  # datetime64[D], sorted
    hours: np.ndarray


class RunHours:
    def __init__(self, dataset: Dataset) -> None:
        usage = dataset.equipment_usage
        self.logs: dict[str, _Log] = {}
        for eq, rows in usage.sort_values("date").groupby("equipment_id", sort=False):
            self.logs[str(eq)] = _Log(
                rows["date"].to_numpy().astype("datetime64[D]"),
                rows["run_hours"].to_numpy(dtype=float),
            )
        self.missing: dict[str, int] = {}

    def _window(self, eq: str, start, end) -> tuple[np.ndarray, int]:
        """Recorded hours in [start, end) and the number of days in that span."""
        log = self.logs.get(eq)
        s, e = np.datetime64(pd.Timestamp(start), "D"), np.datetime64(pd.Timestamp(end), "D")
        # np.timedelta64(...): numpy's stubs type a datetime64 difference as datetime.timedelta.
        span = max(int(np.timedelta64(e - s, "D").astype(int)), 0)
        if log is None:
            return np.zeros(0), span
        lo, hi = np.searchsorted(log.days, [s, e])
        return log.hours[lo:hi], span

    def rate(self, eq: str, origin: pd.Timestamp) -> float:
        """Average run-hours per day over the recorded days of the last 90 before `origin`."""
        hours, span = self._window(eq, origin - pd.Timedelta(days=RECENT_DAYS), origin)
        if len(hours) < span:
            self.missing[eq] = span - len(hours)
        if len(hours) == 0:
            log = self.logs.get(eq)
            before = log.hours[log.days < np.datetime64(origin, "D")] if log else np.zeros(0)
            return float(before[-RECENT_DAYS:].mean()) if len(before) else 0.0
        return float(hours.mean())

    def between(self, eq: str, start: pd.Timestamp, end: pd.Timestamp) -> float:
        """Run-hours in [start, end); missing days counted at the machine's recent rate."""
        hours, span = self._window(eq, start, end)
        gap = span - len(hours)
        return float(hours.sum()) + (gap * self.rate(eq, end) if gap > 0 else 0.0)

    def total_of(
        self, machines: set[str], origin: pd.Timestamp, since: pd.Timestamp | None = None
    ) -> float:
        """Run-hours of the machines over their logged span before `origin` (from `since`
        when later), gaps filled."""
        total = 0.0
        for eq in machines:
            log = self.logs.get(eq)
            if log is None or not len(log.days):
                continue
            first = pd.Timestamp(log.days[0])
            total += self.between(eq, max(first, since) if since is not None else first, origin)
        return total

    def notes_for(self, origin: pd.Timestamp) -> list[str]:
        if not self.missing:
            return []
        days = sum(self.missing.values())
        return [
            f"{days} missing run-hour days on {len(self.missing)} machine(s) in the 90 days "
            "before the forecast: filled at each machine's average"
        ]
