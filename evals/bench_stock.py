"""Benchmark the stock tools against the same questions written as straightforward pandas.

    python evals/bench_stock.py --scale 1
    python evals/bench_stock.py --scale 20            # uses /tmp/demo20 when it is there
    python evals/bench_stock.py --dataset PATH --repeat 30

Prints the dataset's load time and peak memory (measured in a fresh subprocess, so one
number is not inflated by the other), the stock index's build time, and p50/p95 latency
of each tool beside a pandas baseline run in the same process, with the speed-up and
whether both gave the same answer. Figures, not a test: nothing here fails a build.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.dataset.open import open_dataset
from stockwise.tools.dataset.schema import DEMAND_TXN_TYPES, OPEN_ORDER_STATUSES
from stockwise.tools.stock import cover, flow, levels, value, wip
from stockwise.tools.stock.index import StockIndex, stock_index

DAY = pd.Timedelta(days=1)
BENCH_DATA = Path("/tmp/stockwise-bench/data")
TARGETS = {
    "on_hand": 5.0,
    "demand_item": 200.0,
    "demand_category": 200.0,
    "value_by_category": 200.0,
}


# --- where the data comes from ---------------------------------------------------------------
def dataset_path(args: argparse.Namespace) -> Path:
    if args.dataset:
        return Path(args.dataset)
    scale = f"{args.scale:g}"
    for candidate in (Path(f"/tmp/demo{scale}"), Path(f"/tmp/stockwise-bench/demo-scale{scale}")):
        if (candidate / "items.parquet").exists() or (candidate / "items.csv").exists():
            return candidate
    from stockwise.demo.generator import generate_demo

    out = Path(f"/tmp/stockwise-bench/demo-scale{scale}")
    print(f"generating the demo plant at scale {scale} into {out} (once) ...", flush=True)
    generate_demo(out, scale=args.scale, seed=42, fmt="parquet")
    return out


def bench_settings(path: Path) -> Settings:
    """Settings whose data dir (the Parquet cache of validated tables) is the bench's own."""
    return Settings(dataset=str(path), data_dir=BENCH_DATA)


def measure_open(path: Path) -> dict:
    """In this (child) process: open the dataset as every command does (validate and cache
    on first use, read the cache after), its peak memory, then the stock index on top."""
    t0 = time.perf_counter()
    ds = open_dataset(bench_settings(path), path)
    open_s = time.perf_counter() - t0
    open_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    index = StockIndex(ds)
    index.ledger  # noqa: B018 - the transaction arrays are built on first use
    index_s = time.perf_counter() - t0
    return {
        "open_s": open_s,
        "open_peak_mib": open_peak,
        "from_cache": bool(ds.meta.get("from_cache")),
        "index_s": index_s,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rows": ds.row_counts(),
    }


def open_in_subprocess(path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--measure-open", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- the baseline: each question as a person would write it in pandas ------------------------
class Pandas:
    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.as_of = ds.as_of

    def on_hand(self, item: str) -> float:
        sl = self.ds.stock_levels
        return float(sl.loc[sl["item_id"] == item, "on_hand_qty"].sum())

    def demand_item(self, item: str, start: pd.Timestamp, end: pd.Timestamp) -> float:
        tx = self.ds.transactions
        rows = tx[
            (tx["item_id"] == item)
            & tx["txn_type"].isin(DEMAND_TXN_TYPES)
            & (tx["ts"] >= start)
            & (tx["ts"] < end + DAY)
        ]
        return float(-rows["qty"].sum())

    def demand_category(self, category: str, start: pd.Timestamp, end: pd.Timestamp) -> float:
        tx, items = self.ds.transactions, self.ds.items
        rows = tx[
            tx["txn_type"].isin(DEMAND_TXN_TYPES) & (tx["ts"] >= start) & (tx["ts"] < end + DAY)
        ]
        cat = rows["item_id"].map(items.set_index("item_id")["recorded_category"]).astype(object)
        return float(-rows.loc[cat == category, "qty"].sum())

    def movements(self, item: str, start: pd.Timestamp, end: pd.Timestamp) -> int:
        tx = self.ds.transactions
        rows = tx[(tx["item_id"] == item) & (tx["ts"] >= start) & (tx["ts"] < end + DAY)]
        return len(rows.sort_values("ts", ascending=False))

    def below_rop(self) -> int:
        sl = self.ds.stock_levels
        return int((sl["reorder_point"].notna() & (sl["on_hand_qty"] <= sl["reorder_point"])).sum())

    def _demand_90d(self) -> pd.Series:
        tx = self.ds.transactions
        rows = tx[
            tx["txn_type"].isin(DEMAND_TXN_TYPES)
            & (tx["ts"] > self.as_of - 90 * DAY)
            & (tx["ts"] <= self.as_of)
        ]
        return -rows.groupby("item_id", observed=True)["qty"].sum()

    def cover(self, item: str) -> float | None:
        demand = self._demand_90d().get(item, 0.0)
        return None if demand <= 0 else self.on_hand(item) / (demand / 90)

    def run_out_lead_time(self, criticality: str) -> int:
        items = self.ds.items.set_index("item_id")
        lead = items["lead_time_days"].fillna(
            items["supplier_id"].map(self.ds.suppliers.set_index("supplier_id")["lead_time_days"])
        )
        on_hand = self.ds.stock_levels.groupby("item_id", observed=True)["on_hand_qty"].sum()
        frame = pd.DataFrame({"on_hand": on_hand, "demand": self._demand_90d()}).fillna(0)
        frame = frame.join(items[["criticality"]]).join(lead.rename("lead"))
        frame = frame[(frame["criticality"] == criticality) & (frame["demand"] > 0)]
        return int((frame["on_hand"] / (frame["demand"] / 90) < frame["lead"]).sum())

    def value_by_category(self) -> dict[str, float]:
        frame = self.ds.stock_levels.merge(self.ds.items, on="item_id")
        frame["value"] = frame["on_hand_qty"] * frame["unit_cost"]
        return (
            frame.groupby(frame["recorded_category"].fillna("unclassified"))["value"]
            .sum()
            .to_dict()
        )

    def slow(self, days: int) -> int:
        tx = self.ds.transactions
        rows = tx[tx["txn_type"].isin(DEMAND_TXN_TYPES) & (tx["ts"] <= self.as_of)]
        last = rows.groupby("item_id", observed=True)["ts"].max()
        on_hand = self.ds.stock_levels.groupby("item_id", observed=True)["on_hand_qty"].sum()
        quiet = last.reindex(on_hand.index).isna() | (
            last.reindex(on_hand.index) <= self.as_of - days * DAY
        )
        return int(((on_hand > 0) & quiet).sum())

    def variance(self) -> int:
        tx = self.ds.transactions
        book = (
            tx[tx["ts"] <= self.as_of].groupby(["item_id", "site_id"], observed=True)["qty"].sum()
        )
        sl = self.ds.stock_levels.join(book.rename("book"), on=["item_id", "site_id"])
        return int(((sl["on_hand_qty"] - sl["book"].fillna(0)).abs() >= 1e-6).sum())

    def open_wip_by_stage(self) -> dict[str, int]:
        orders = self.ds.production_orders
        open_orders = orders[orders["status"].isin(OPEN_ORDER_STATUSES)]
        progress = self.ds.order_progress
        current = progress.loc[progress.groupby("order_id")["stage_seq"].idxmax()]
        stages = open_orders.merge(current, on="order_id", how="left")["stage"].fillna(
            "not started"
        )
        return stages.value_counts().to_dict()

    def wip_value(self) -> float:
        orders = self.ds.production_orders
        open_ids = orders.loc[orders["status"].isin(OPEN_ORDER_STATUSES), "order_id"]
        tx = self.ds.transactions
        issues = tx[(tx["txn_type"] == "issue_production") & tx["ref_id"].isin(open_ids)]
        cost = issues["item_id"].map(self.ds.items.set_index("item_id")["unit_cost"]).astype(float)
        material = -(issues["qty"] * cost).sum()
        done = self.ds.order_progress
        done = done[done["finished_at"].notna() & done["order_id"].isin(open_ids)]
        done = done.merge(orders[["order_id", "product_item_id"]], on="order_id").merge(
            self.ds.routings, on=["product_item_id", "stage_seq"], how="left"
        )
        conversion = (
            done["qty_good"].fillna(0)
            * done["std_hours_per_unit"].fillna(0)
            * (done["labor_rate"].fillna(0) + done["overhead_rate"].fillna(0))
        ).sum()
        return float(material + conversion)

    def stalled(self, factor: float = 3.0) -> int:
        orders, progress = self.ds.production_orders, self.ds.order_progress
        done = progress[progress["finished_at"].notna()].merge(
            orders[["order_id", "product_item_id"]], on="order_id"
        )
        done["days"] = (done["finished_at"] - done["started_at"]).dt.total_seconds() / 86400
        by_product = done.groupby(["product_item_id", "stage_seq"])["days"].agg(["median", "size"])
        by_stage = done.groupby("stage")["days"].agg(["median", "size"])
        current = progress.loc[progress.groupby("order_id")["stage_seq"].idxmax()]
        open_orders = orders[orders["status"].isin(OPEN_ORDER_STATUSES)]
        frame = open_orders.merge(current, on="order_id")
        frame = frame[frame["finished_at"].isna()]
        frame = frame.join(by_product, on=["product_item_id", "stage_seq"])
        frame = frame.join(by_stage, on="stage", rsuffix="_stage")
        typical = frame["median"].where(
            frame["size"] >= 3, frame["median_stage"].where(frame["size_stage"] >= 3)
        )
        days = (self.as_of - frame["started_at"]).dt.total_seconds() / 86400
        return int((days / typical > factor).sum())


# --- timing ------------------------------------------------------------------------------------
def timed(call: Callable[[int], object], repeat: int) -> tuple[list[float], object]:
    first = call(0)  # warm: the index, caches and the code path are built once per dataset
    times = []
    for i in range(repeat):
        t0 = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - t0) * 1000)
    return times, first


def same(a: object, b: object) -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        keys = set(a) | set(b)
        return "yes" if all(same(a.get(k, 0), b.get(k, 0)) == "yes" for k in keys) else "NO"
    if a is None or b is None:
        return "yes" if a is b else "NO"
    if isinstance(a, int | float) and isinstance(b, int | float):
        return "yes" if abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b)) else "NO"
    return "n/a"


def sample_items(ds: Dataset, index: StockIndex, n: int = 20) -> list[str]:
    """Items with stock and movements, spread over the catalogue (seeded)."""
    counts = np.diff(index.tx_offsets)
    candidates = np.flatnonzero((counts > 0) & (index.on_hand_by_item > 0))
    rng = np.random.default_rng(7)
    chosen = rng.choice(candidates, size=min(n, len(candidates)), replace=False)
    return [str(index.items["item_id"].iat[c]) for c in chosen]


def run(ds: Dataset, repeat: int) -> list[dict]:
    ctx = ToolContext(dataset=ds, settings=Settings())
    index = stock_index(ds)
    base = Pandas(ds)
    picks = sample_items(ds, index)
    end = ds.as_of.normalize()
    start = end - 89 * DAY
    year = end - 364 * DAY
    mro = "mro"

    def pick(i: int) -> str:
        return picks[i % len(picks)]

    def day(ts: pd.Timestamp) -> str:
        return f"{ts:%Y-%m-%d}"

    cases: list[tuple[str, Callable[[int], object], Callable[[int], object]]] = [
        (
            "find_items",
            lambda i: (
                levels.find_items(
                    ctx,
                    levels.FindItemsInput(
                        query=str(index.items["description"].iat[index.item_ids.get_loc(pick(i))])
                    ),
                )
                .items[0]
                .score
            ),
            lambda i: float(
                ds.items["description"]
                .str.contains(
                    str(index.items["description"].iat[index.item_ids.get_loc(pick(i))]).split()[0],
                    case=False,
                    regex=False,
                )
                .sum()
            ),
        ),
        (
            "on_hand",
            lambda i: levels.on_hand(ctx, levels.OnHandInput(item=pick(i))).items[0].on_hand,
            lambda i: base.on_hand(pick(i)),
        ),
        (
            "demand_item",
            lambda i: (
                flow.demand(
                    ctx, flow.DemandInput(item=pick(i), start=day(year), end=day(end))
                ).demand
            ),
            lambda i: base.demand_item(pick(i), year, end),
        ),
        (
            "demand_category",
            lambda i: (
                flow.demand(
                    ctx, flow.DemandInput(category=mro, start=day(start), end=day(end))
                ).demand
            ),
            lambda i: base.demand_category(mro, start, end),
        ),
        (
            "movements",
            lambda i: (
                flow.movements(
                    ctx, flow.MovementsInput(item=pick(i), start=day(start), end=day(end))
                ).count
            ),
            lambda i: base.movements(pick(i), start, end),
        ),
        (
            "below_reorder_point",
            lambda i: levels.below_reorder_point(ctx, levels.BelowReorderPointInput()).count,
            lambda i: base.below_rop(),
        ),
        (
            "days_of_cover",
            lambda i: (
                cover.days_of_cover(ctx, cover.DaysOfCoverInput(item=pick(i))).cover.days_of_cover
            ),
            lambda i: base.cover(pick(i)),
        ),
        (
            "run_out_within",
            lambda i: cover.run_out_within(ctx, cover.RunOutWithinInput(criticality="A")).count,
            lambda i: base.run_out_lead_time("A"),
        ),
        (
            "value_by_category",
            lambda i: {
                g.key: g.value
                for g in value.inventory_value(ctx, value.InventoryValueInput(by="category")).groups
            },
            lambda i: base.value_by_category(),
        ),
        (
            "slow_moving_and_excess",
            lambda i: value.slow_moving_and_excess(ctx, value.SlowMovingInput(days=180)).slow_count,
            lambda i: base.slow(180),
        ),
        (
            "variance",
            lambda i: value.variance(ctx, value.VarianceInput()).count,
            lambda i: base.variance(),
        ),
        (
            "open_wip_orders",
            lambda i: wip.open_wip_orders(ctx, wip.OpenWipInput()).by_stage,
            lambda i: base.open_wip_by_stage(),
        ),
        (
            "wip_value",
            lambda i: wip.wip_value(ctx, wip.WipValueInput()).total_value,
            lambda i: base.wip_value(),
        ),
        (
            "stalled_orders",
            lambda i: wip.stalled_orders(ctx, wip.StalledInput()).count,
            lambda i: base.stalled(),
        ),
    ]
    rows = []
    for name, tool_call, pandas_call in cases:
        tool_ms, tool_answer = timed(tool_call, repeat)
        pandas_ms, pandas_answer = timed(pandas_call, max(3, repeat // 5))
        rows.append(
            {
                "tool": name,
                "p50_ms": float(np.percentile(tool_ms, 50)),
                "p95_ms": float(np.percentile(tool_ms, 95)),
                "pandas_p50_ms": float(np.percentile(pandas_ms, 50)),
                "pandas_p95_ms": float(np.percentile(pandas_ms, 95)),
                "same_answer": "n/a" if name == "find_items" else same(tool_answer, pandas_answer),
            }
        )
    return rows


def print_report(path: Path, load: dict, rows: list[dict], first_query_s: float) -> None:
    cold, warm = load["cold"], load["warm"]
    tx = cold["rows"].get("transactions", 0)
    print(f"\ndataset {path}: {cold['rows'].get('items', 0):,} items, {tx:,} transactions")
    print(
        f"first open (read + validate + write Parquet cache) {cold['open_s']:.1f} s, peak "
        f"{cold['open_peak_mib']:,.0f} MiB; open from cache {warm['open_s']:.1f} s, peak "
        f"{warm['open_peak_mib']:,.0f} MiB"
    )
    print(
        f"stock index build {warm['index_s']:.1f} s (peak with index {warm['peak_mib']:,.0f} "
        f"MiB); first question needing transactions in this process {first_query_s:.1f} s"
    )
    head = f"{'tool':24} {'p50 ms':>9} {'p95 ms':>9} {'pandas p50':>11} {'pandas p95':>11} "
    print(head + f"{'speed-up':>9} {'same':>5}")
    for r in rows:
        ratio = r["pandas_p50_ms"] / r["p50_ms"] if r["p50_ms"] else float("nan")
        print(
            f"{r['tool']:24} {r['p50_ms']:9.2f} {r['p95_ms']:9.2f} {r['pandas_p50_ms']:11.2f} "
            f"{r['pandas_p95_ms']:11.2f} {ratio:8.1f}x {r['same_answer']:>5}"
        )
    by_name = {r["tool"]: r for r in rows}
    for name, limit in TARGETS.items():
        got = by_name[name]["p50_ms"]
        print(
            f"target {name} p50 <= {limit:g} ms: {got:.2f} ms {'ok' if got <= limit else 'MISSED'}"
        )
    peak = max(cold["peak_mib"], warm["peak_mib"])
    for label, seconds in (("first open", cold["open_s"]), ("open from cache", warm["open_s"])):
        print(
            f"target load <= 60 s ({label}): {seconds:.1f} s {'ok' if seconds <= 60 else 'MISSED'}"
        )
    print(f"target peak <= 4 GiB: {peak:,.0f} MiB {'ok' if peak <= 4096 else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--dataset", help="A dataset folder or SQL URL instead of the demo.")
    parser.add_argument("--repeat", type=int, default=30, help="Timed calls per tool.")
    parser.add_argument("--json", dest="json_out", help="Also write the figures here.")
    parser.add_argument("--measure-open", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_open:
        print(json.dumps(measure_open(Path(args.measure_open))))
        return
    path = dataset_path(args)
    shutil.rmtree(BENCH_DATA / "cache", ignore_errors=True)  # the first open starts cold
    load = {"cold": open_in_subprocess(path), "warm": open_in_subprocess(path)}
    ds = open_dataset(bench_settings(path), path)
    t0 = time.perf_counter()
    stock_index(ds).ledger  # noqa: B018
    first_query_s = time.perf_counter() - t0
    rows = run(ds, args.repeat)
    print_report(path, load, rows, first_query_s)
    if args.json_out:
        Path(args.json_out).write_text(
            json.dumps({"dataset": str(path), "load": load, "tools": rows}, indent=2)
        )


if __name__ == "__main__":
    main()
