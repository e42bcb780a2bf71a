"""Forecasting every MRO item (or planning every reorder point, `--job plan`) in this
process vs on a local Dask cluster: time per item, CPU time (this process and the
workers' processes) and the machine's load, and whether the two give the same figures.

    python evals/bench_executor.py --scale 20 --workers 2

The demo plant of that scale is generated in STOCKWISE_DATA_DIR on first use. The cluster
is `STOCKWISE_EXECUTOR=dask-local:N` (N worker processes, one thread each); its start is
timed apart, since a service opens it once.
"""

from __future__ import annotations

import argparse
import importlib
import os
import time
from typing import Any

import pandas as pd
import psutil

from stockwise.demo.ensure import ensure_demo
from stockwise.tools.core.executor import BLOCK_ROWS, LocalExecutor, open_executor
from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.open import open_dataset
from stockwise.tools.forecast.batch import forecast_all_mro
from stockwise.tools.forecast.combined import load_forecast_data
from stockwise.tools.replenish.policy import plan_policies


class Timed:
    """An executor that records how long its blocks took (the part a cluster spreads)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.cpu = 0.0
        self.blocks = 0
        self.shared_mb = 0.0
        self.parts_mb = 0.0

    def map(self, fn, parts, **shared):  # type: ignore[no-untyped-def]
        start, cpu = time.perf_counter(), time.process_time()
        out = self.inner.map(fn, parts, **shared)
        self.seconds += time.perf_counter() - start
        self.cpu += time.process_time() - cpu
        self.blocks += len(parts)
        self.shared_mb += sum(getattr(v, "nbytes", 0) for v in shared.values()) / 1e6
        self.parts_mb += sum(_nbytes(p) for p in parts) / 1e6
        return out


def _nbytes(block: Any) -> int:
    """Bytes of a block's arrays: sparse (data, indices, row pointers) and dense."""
    total = 0
    for value in vars(block).values():
        if hasattr(value, "indptr"):
            total += value.data.nbytes + value.indices.nbytes + value.indptr.nbytes
        elif hasattr(value, "nbytes"):
            total += value.nbytes
    return total


def _cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def _run(job, executor, worker_pids: list[int]):  # type: ignore[no-untyped-def]
    timed = Timed(executor)
    load = os.getloadavg()[0]
    cpu, workers = time.process_time(), _cpu(worker_pids)
    start = time.perf_counter()
    table = job(timed)
    wall = time.perf_counter() - start
    cpu, workers = time.process_time() - cpu, _cpu(worker_pids) - workers
    return table, {
        "wall": wall,
        "blocks_wall": timed.seconds,
        "cpu": cpu,
        "workers_cpu": workers,
        "load": (load + os.getloadavg()[0]) / 2,
        "blocks": timed.blocks,
        "blocks_cpu": timed.cpu,
        "shared_mb": timed.shared_mb,
        "parts_mb": timed.parts_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--horizon", type=int, default=90)
    parser.add_argument("--block-rows", type=int, default=BLOCK_ROWS)
    parser.add_argument(
        "--job",
        choices=("forecast", "plan"),
        default="forecast",
        help="forecast every MRO item, or plan every item and site's reorder point",
    )
    args = parser.parse_args()

    settings = Settings(demo_scale=args.scale)
    start = time.perf_counter()
    dataset = open_dataset(settings, ensure_demo(settings))
    data = load_forecast_data(dataset) if args.job == "forecast" else None

    def job(executor):  # type: ignore[no-untyped-def]
        if data is not None:
            return forecast_all_mro(
                data, args.horizon, progress=False, executor=executor, block_rows=args.block_rows
            )
        return plan_policies(dataset, settings, executor=executor, block_rows=args.block_rows)

    print(
        f"scale {args.scale:g}: {len(dataset.items):,} items, "
        f"{len(dataset.transactions):,} movements; opened and forecast data built in "
        f"{time.perf_counter() - start:.0f} s (not counted below)"
    )

    local, here = _run(job, LocalExecutor(), [])
    start = time.perf_counter()
    cluster = open_executor(f"dask-local:{args.workers}")
    # A service opens its cluster once: the workers' first imports (pandas, scipy, the
    # forecaster) belong to the start, not to the job.
    for module in ("stockwise.tools.forecast.batch", "stockwise.tools.replenish.policy"):
        cluster.client.run(importlib.import_module, module)
    started = time.perf_counter() - start
    try:
        pids = list(cluster.client.run(os.getpid).values())
        remote, there = _run(job, cluster, pids)
    finally:
        cluster.close()
    pd.testing.assert_frame_equal(remote, local, check_exact=True)

    items = len(local)
    what = (
        f"{items:,} MRO items forecast {args.horizon} days ahead"
        if data is not None
        else f"{items:,} item-site rows planned"
    )
    print(
        f"{what}, {here['blocks']} blocks of {args.block_rows}; the cluster "
        f"({args.workers} worker processes) started and imported the jobs' modules in "
        f"{started:.1f} s (not counted)"
    )
    print("| | wall | of which blocks | CPU (this process + workers) | per item (wall) | load |")
    print("|---|---|---|---|---|---|")
    for name, run in (("in-process", here), (f"Dask, {args.workers} workers", there)):
        cpu = run["cpu"] + run["workers_cpu"]
        print(
            f"| {name} | {run['wall']:.1f} s | {run['blocks_wall']:.1f} s | "
            f"{cpu:.1f} s ({run['cpu']:.1f} + {run['workers_cpu']:.1f}) | "
            f"{run['wall'] / items * 1000:.2f} ms | {run['load']:.1f} |"
        )
    print(
        f"in-process, the blocks took {here['blocks_cpu']:.1f} s of CPU, the rest (in the "
        f"driver) {here['cpu'] - here['blocks_cpu']:.1f} s; sent to every worker once: "
        f"{there['shared_mb']:.0f} MB; the blocks' arrays: "
        f"{there['parts_mb']:.0f} MB in all"
    )
    print("same figures on both: yes (every column, exactly)")


if __name__ == "__main__":
    main()
