"""Benchmark the stock tools with the ledger left in PostgreSQL against the embedded path
(the same plant from its folder, through the Parquet cache), each in a fresh process.

    python evals/bench_sql_ledger.py --folder /tmp/demo50 \
        --url 'postgresql://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dsw_scale50'

Load the folder into the database first (`write_dataset(folder, url)`, which also indexes the
ledger). Per path it prints: open time (wall and CPU), the process's peak RSS after every
question, and per tool the p50/p95 wall time of a call with nothing cached (every per-item
figure recomputed: in the database, or from the in-memory ledger arrays) and of a repeated
call. Figures, not a test: nothing here fails a build.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.open import open_dataset
from stockwise.tools.stock import cover, flow, levels, value, wip
from stockwise.tools.stock.index import stock_index

# Figures an index keeps once computed (cached_property or memo): dropped for a cold call.
CACHED = ("book_balance", "last_demand_ts", "demand_90d_by_item", "n_transactions")


def questions(ctx: ToolContext) -> dict[str, Callable[[], Any]]:
    items = ctx.dataset.items
    mro = items.loc[items["recorded_category"] == "mro", "item_id"].astype(str)
    item = mro.iloc[len(mro) // 2]
    return {
        "on_hand": lambda: levels.on_hand(ctx, levels.OnHandInput(item=item)),
        "movements_item": lambda: flow.movements(ctx, flow.MovementsInput(item=item)),
        "demand_item": lambda: flow.demand(ctx, flow.DemandInput(item=item)),
        "demand_category": lambda: flow.demand(ctx, flow.DemandInput(category="mro")),
        "value_by_category": lambda: value.inventory_value(ctx, value.InventoryValueInput()),
        "below_reorder_point": lambda: levels.below_reorder_point(
            ctx, levels.BelowReorderPointInput()
        ),
        "days_of_cover_item": lambda: cover.days_of_cover(ctx, cover.DaysOfCoverInput(item=item)),
        "run_out_within_30d": lambda: cover.run_out_within(ctx, cover.RunOutWithinInput(within=30)),
        "slow_moving_and_excess": lambda: value.slow_moving_and_excess(
            ctx, value.SlowMovingInput()
        ),
        "variance": lambda: value.variance(ctx, value.VarianceInput()),
        "wip_value": lambda: wip.wip_value(ctx, wip.WipValueInput()),
        "stalled_orders": lambda: wip.stalled_orders(ctx, wip.StalledInput()),
    }


def _forget(ctx: ToolContext) -> None:
    index = stock_index(ctx.dataset)
    for name in CACHED:
        index.__dict__.pop(name, None)
    index._memo.clear()


def _p(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)) * 1000, 1)


def measure(source: str, data_dir: str, repeat: int) -> dict:
    """In this (child) process: open `source` and time every question."""
    settings = Settings(dataset=source, data_dir=Path(data_dir))
    t0, c0 = time.perf_counter(), time.process_time()
    ds = open_dataset(settings, source)
    ctx = ToolContext(dataset=ds, settings=settings)
    index = stock_index(ds)
    if not ds.ledger:
        index.ledger  # noqa: B018 - the in-memory arrays, built once per process
    out: dict[str, Any] = {
        "open_s": round(time.perf_counter() - t0, 2),
        "open_cpu_s": round(time.process_time() - c0, 2),
        "ledger_in_database": bool(ds.ledger),
        "rows": ds.row_counts(),
        "tools": {},
    }
    for name, ask in questions(ctx).items():
        cold, warm = [], []
        for _ in range(repeat):
            _forget(ctx)
            t = time.perf_counter()
            ask()
            cold.append(time.perf_counter() - t)
            t = time.perf_counter()
            ask()
            warm.append(time.perf_counter() - t)
        out["tools"][name] = {
            "cold_p50_ms": _p(cold, 50),
            "cold_p95_ms": _p(cold, 95),
            "warm_p50_ms": _p(warm, 50),
        }
        print(name, out["tools"][name], file=sys.stderr, flush=True)  # progress
    out["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out["cpu_s"] = round(time.process_time() - c0, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", help="The plant as files: the embedded path's baseline.")
    parser.add_argument("--url", help="The same plant in PostgreSQL.")
    parser.add_argument("--data-dir", default="/tmp/stockwise-bench/data")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.data_dir, args.repeat)))
        return
    results = {}
    for label, source in (("embedded", args.folder), ("postgresql", args.url)):
        if not source:
            continue
        run = subprocess.run(
            [sys.executable, __file__, "--measure", source, "--data-dir", args.data_dir]
            + ["--repeat", str(args.repeat)],
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        results[label] = json.loads(run.stdout.strip().splitlines()[-1])
        print(label, json.dumps(results[label], indent=1), flush=True)


if __name__ == "__main__":
    main()
