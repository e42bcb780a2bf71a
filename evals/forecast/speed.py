"""Time to forecast every MRO item of a dataset (the issue's target: scale 20 in <= 60 s)."""

from __future__ import annotations

import time
from pathlib import Path

from stockwise.tools.dataset.load import load_dataset
from stockwise.tools.forecast.batch import forecast_all_mro, mro_items
from stockwise.tools.forecast.combined import load_forecast_data


def speed(data_dir: Path, horizon_days: int = 90) -> None:
    start = time.perf_counter()
    dataset = load_dataset(data_dir)
    loaded = time.perf_counter()
    cpu = time.process_time()
    data = load_forecast_data(dataset)
    items, linked = mro_items(data)
    table = forecast_all_mro(data, horizon_days)
    done = time.perf_counter()
    cpu = time.process_time() - cpu
    print(
        f"{len(items)} MRO items ({len(linked)} tied to maintenance), "
        f"{len(dataset.transactions):,} transactions: forecast {horizon_days} days ahead in "
        f"{done - loaded:.1f} s wall, {cpu:.1f} s CPU of this process (on a shared machine the "
        f"CPU time is the one to compare; dataset load {loaded - start:.1f} s, not counted); "
        f"NaN in results: {int(table.isna().sum().sum())}."
    )
