"""Speed: recommendations for every item of a scale-20 demo plant, the cost-aware plan
for a store fill of 90% and for a budget of 7 M (`stockwise reorder --fill/--budget`,
measured in process time), and a 12-month simulation of 10,000 items (loop over days,
numpy across items)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.load import load_dataset
from stockwise.tools.replenish import (
    RecommendReorderInput,
    ServiceLevelsInput,
    plan_service_levels,
    recommend_reorder,
)
from stockwise.tools.replenish.backtest import plannable, window
from stockwise.tools.replenish.demand import daily_demand
from stockwise.tools.replenish.policy import plan_policies
from stockwise.tools.replenish.simulate import simulate

N_SIMULATED = 10_000


def speed(args) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(demo_scale=20)
    if args.data is not None:
        folder = Path(args.data)
    else:
        from stockwise.assistant.startup import dataset_source

        folder = Path(dataset_source(settings))
    clock = time.perf_counter()
    ds = load_dataset(folder)
    print(
        f"loaded {folder}: {len(ds.items):,} items, {len(ds.stock_levels):,} item-sites, "
        f"{len(ds.transactions):,} transactions ({time.perf_counter() - clock:.1f} s)"
    )
    clock = time.perf_counter()
    import stockwise.tools.forecast.leadtime  # noqa: F401  (the forecasting module: once a process)

    print(f"forecasting module imported in {time.perf_counter() - clock:.1f} s (once a process)")
    clock = time.perf_counter()
    result = recommend_reorder(ToolContext(ds, settings), RecommendReorderInput(limit=100000))
    took = time.perf_counter() - clock
    print(
        f"recommendations for every item-site: {result.total_rows:,} rows in {took:.1f} s "
        f"(limit 60 s: {'ok' if took <= 60 else 'TOO SLOW'})"
    )
    for label, goal in (("--fill 0.9", {"fill": 0.9}), ("--budget 7M", {"budget": 7e6})):
        clock, cpu = time.perf_counter(), time.process_time()
        planned = plan_service_levels(ToolContext(ds, settings), ServiceLevelsInput(**goal))
        took, took_cpu = time.perf_counter() - clock, time.process_time() - cpu
        print(
            f"cost-aware plan {label} for every item-site: {planned.rows_planned:,} rows in "
            f"{took_cpu:.1f} s process, {took:.1f} s wall (limit 60 s: "
            f"{'ok' if took_cpu <= 60 else 'TOO SLOW'} in process time; wall time is "
            "inflated on a shared machine)"
        )
    start, end = window(ds, 12)
    plan = plannable(plan_policies(ds, settings, as_of=start))
    demand = daily_demand(ds, plan, start, end).values
    # Repeat the plant's item-sites up to 10,000 rows when it has fewer.
    rows = np.resize(np.arange(len(plan)), N_SIMULATED)
    clock = time.perf_counter()
    outcome = simulate(
        demand[rows],
        plan["recommended_reorder_point"].to_numpy()[rows],
        plan["recommended_order_qty"].to_numpy()[rows],
        plan["lead_days"].to_numpy()[rows],
        plan["unit_cost"].to_numpy()[rows],
        (plan["recommended_reorder_point"] + plan["recommended_order_qty"]).to_numpy()[rows],
    )
    took = time.perf_counter() - clock
    fill = outcome.served.sum() / max(outcome.demand.sum(), 1e-9)
    print(
        f"simulation: {N_SIMULATED:,} items x {demand.shape[1]} days in {took:.2f} s "
        f"(limit 30 s: {'ok' if took <= 30 else 'TOO SLOW'}); fill rate {fill:.3f}"
    )
