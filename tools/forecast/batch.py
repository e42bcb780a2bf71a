"""Forecast every MRO item of a dataset at once. The draws many items share (how often
each PM plan's kit is drawn, how often each past breakdown repeats) are made once; the
items are then forecast in blocks (kit and breakdown parts times those draws, plus a
vectorised bootstrap of the rest of their demand), in this process or on a cluster
(`tools/core/executor.py`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from tqdm import tqdm

from stockwise.tools.core.executor import BLOCK_ROWS, Executor, LocalExecutor, block_rng, blocks
from stockwise.tools.forecast.combined import ForecastData
from stockwise.tools.forecast.leadtime_stats import lead_time_samples_batch
from stockwise.tools.forecast.maintenance import kit_coverage, uncovered
from stockwise.tools.forecast.pm_schedule import (
    completion_lags,
    drawn_in_window,
    plan_schedule,
)
from stockwise.tools.forecast.usage import RATE_DAYS

SUMMARY_QUANTILES = (0.5, 0.9, 0.95)


def mro_items(data: ForecastData) -> tuple[list[str], set[str]]:
    """MRO items (recorded as MRO, in a PM kit, or issued to work orders) and, among them,
    those tied to maintenance."""
    ds = data.dataset
    issues = data.issues.frame
    on_wo = issues.loc[issues["ref_type"] == "work_order", ["item_id", "ref_id"]]
    corrective = set(data.work_orders.loc[data.work_orders["wo_type"] == "corrective", "wo_id"])
    linked = set(ds.pm_plan_parts["item_id"]) | set(
        on_wo.loc[on_wo["ref_id"].isin(corrective), "item_id"]
    )
    recorded = set(ds.items.loc[ds.items["recorded_category"] == "mro", "item_id"])
    items = sorted(recorded | linked | set(on_wo["item_id"]))
    return items, linked & set(items)


def demand_matrix(data: ForecastData, items: list[str], end: pd.Timestamp) -> sparse.csr_matrix:
    """Daily demand (items x days, sparse) from the first transaction day to `end` (excluded)."""
    frame = data.issues.frame
    frame = frame[frame["item_id"].isin(items)]
    days = max(int((end - data.issues.start).days), 1)
    row = pd.Index(items).get_indexer(frame["item_id"])
    col = (frame["day"] - data.issues.start).dt.days.to_numpy()
    keep = (col >= 0) & (col < days)
    qty = frame["qty"].to_numpy(dtype=float)[keep]
    # Duplicate (item, day) cells are summed when the matrix is built.
    return sparse.csr_matrix((qty, (row[keep], col[keep])), shape=(len(items), days))


def _planned(
    data: ForecastData,
    items: list[str],
    origin: pd.Timestamp,
    horizon_days: float,
    rng: np.random.Generator,
    n: int,
):
    """The kit quantities (items x plans, sparse) and samples of how many times each plan's
    kit is drawn over the horizon (plans x n), so planned demand is their product; and the
    past preventive issues the plans account for, by (item_id, wo_id)."""
    ds = data.dataset
    kits = ds.pm_plan_parts
    issues = data.issues.frame
    wos = data.work_orders
    preventive = wos[(wos["wo_type"] == "preventive") & (wos["created_at"] < origin)]
    prev = issues[(issues["ref_type"] == "work_order") & (issues["day"] < origin)].merge(
        preventive[["wo_id", "equipment_id", "description"]], left_on="ref_id", right_on="wo_id"
    )
    lags = completion_lags(preventive, origin)
    end = origin + pd.Timedelta(days=horizon_days)
    index = pd.Index(items)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    qty: list[np.ndarray] = []
    draws: list[np.ndarray] = []
    by_machine = dict(tuple(preventive.groupby("equipment_id")))
    for _, plan in ds.pm_plans.iterrows():
        kit = kits[kits["plan_id"] == plan["plan_id"]]
        if kit.empty:
            continue
        machine_wos = by_machine.get(plan["equipment_id"], preventive.iloc[:0])
        schedule = plan_schedule(
            plan,
            set(kit["item_id"]),
            prev,
            machine_wos,
            origin,
            end,
            data.hours,
        )
        kit_rows = index.get_indexer(kit["item_id"])
        ok = kit_rows >= 0
        rows.append(kit_rows[ok])
        cols.append(np.full(int(ok.sum()), len(draws)))
        qty.append(kit["qty"].to_numpy(dtype=float)[ok])
        draws.append(drawn_in_window(schedule, lags, origin, 0.0, horizon_days, rng, n))
    kit_qty = _sparse(rows, cols, qty, (len(items), len(draws)))
    drawn = np.array(draws).reshape(len(draws), n)
    return kit_qty, drawn, kit_coverage(prev, ds.pm_plans, kits)


def _sparse(rows: list, cols: list, values: list, shape: tuple[int, int]) -> sparse.csr_matrix:
    if not rows:
        return sparse.csr_matrix(shape)
    return sparse.csr_matrix(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))), shape=shape
    )


def _unplanned(
    data: ForecastData, items: list[str], origin: pd.Timestamp, horizon: float, n: int, seed: int
):
    """Breakdown demand as the parts each past corrective work order drew (items x orders,
    sparse) and samples of how many times each order is repeated over the horizon (orders x
    n): per equipment type, Poisson(rate x projected run-hours) breakdowns, each drawing the
    parts of a random past corrective work order of that type."""
    wos = data.work_orders
    wos = wos[(wos["wo_type"] == "corrective") & (wos["created_at"] < origin)]
    issues = data.issues.frame
    used = issues[
        (issues["ref_type"] == "work_order")
        & issues["ref_id"].isin(set(wos["wo_id"]))
        & (issues["day"] < origin)
    ]
    used = used[used["item_id"].isin(items)]
    rng = np.random.default_rng(seed)
    equipment = data.dataset.equipment
    index = pd.Index(items)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    qty: list[np.ndarray] = []
    picks: list[np.ndarray] = []
    offset = 0
    for etype, type_wos in wos.groupby("equipment_type"):
        machines = set(equipment.loc[equipment["equipment_type"] == etype, "equipment_id"])
        since = origin - pd.Timedelta(days=RATE_DAYS)
        hours = data.hours.total_of(machines, origin, since)
        if hours <= 0:
            continue
        lam = (
            int((type_wos["created_at"] >= since).sum())
            / hours
            * sum(data.hours.rate(m, origin) for m in machines)
            * horizon
        )
        wo_index = pd.Index(type_wos["wo_id"])
        mine = used[used["ref_id"].isin(wo_index)]
        if mine.empty or lam <= 0:
            continue
        # Parts per work order is sparse (a breakdown draws a few of the plant's items): a
        # dense items x work-orders product was most of the time at scale 20.
        rows.append(index.get_indexer(mine["item_id"]))
        cols.append(offset + wo_index.get_indexer(mine["ref_id"]))
        qty.append(mine["qty"].to_numpy(dtype=float))
        count = rng.poisson(lam, n)
        picked = np.zeros((len(wo_index), n))
        sample = np.repeat(np.arange(n), count)
        np.add.at(picked, (rng.integers(0, len(wo_index), len(sample)), sample), 1.0)
        picks.append(picked)
        offset += len(wo_index)
    parts = _sparse(rows, cols, qty, (len(items), offset))
    repeats = np.concatenate(picks) if picks else np.zeros((0, n))
    taken = used.groupby(["item_id", "ref_id"])["qty"].sum().rename_axis(["item_id", "wo_id"])
    return parts, repeats, taken


@dataclass(frozen=True)
class ForecastBlock:
    """One block of items and what their forecast needs beyond the shared draws."""

    number: int
    item_ids: list[str]
    kit_qty: sparse.csr_matrix  # items x plans
    breakdown_parts: sparse.csr_matrix  # items x corrective orders
    rest_demand: sparse.csr_matrix  # items x days: demand the maintenance model leaves


def forecast_block(
    block: ForecastBlock,
    *,
    plan_draws: np.ndarray,
    order_repeats: np.ndarray,
    horizon_days: float,
    n_samples: int,
    seed: int,
) -> pd.DataFrame:
    """The summary rows of one block: planned + breakdowns + a bootstrap of the rest. Runs
    wherever the executor puts it, so it reads nothing but its arguments."""
    planned = np.asarray(block.kit_qty @ plan_draws)
    unplanned = np.asarray(block.breakdown_parts @ order_repeats)
    residual = lead_time_samples_batch(
        block.rest_demand.toarray(),
        np.array([horizon_days]),
        n_samples=n_samples,
        rng=block_rng(seed, block.number),
    )
    samples = planned + unplanned + residual
    q = np.quantile(samples, SUMMARY_QUANTILES, axis=1)
    columns = {"item_id": block.item_ids, "mean": samples.mean(axis=1)}
    columns |= {f"p{round(p * 100)}": q[k] for k, p in enumerate(SUMMARY_QUANTILES)}
    columns |= {
        "planned": planned.mean(axis=1),
        "breakdowns": unplanned.mean(axis=1),
        "other": residual.mean(axis=1),
    }
    return pd.DataFrame(columns)


def forecast_all_mro(
    data: ForecastData,
    horizon_days: float,
    *,
    n_samples: int = 1000,
    seed: int = 0,
    origin: pd.Timestamp | None = None,
    progress: bool = True,
    executor: Executor | None = None,
    block_rows: int = BLOCK_ROWS,
) -> pd.DataFrame:
    """One row per MRO item: mean and quantiles of demand over the horizon: planned (PM
    kits due) + breakdowns + a bootstrap of the rest.

    The plans' and breakdowns' draws are made here, once; the items are then cut into
    blocks of `block_rows`, each forecast by `executor` (this process by default, or a
    cluster) with its own random stream, so every executor gives the same figures."""
    origin = (origin if origin is not None else data.issues.as_of).normalize()
    items, linked = mro_items(data)
    steps = tqdm(total=3, desc="forecasting MRO items", disable=not progress)
    rng = np.random.default_rng(seed + 2)
    kit_qty, plan_draws, covered = _planned(data, items, origin, horizon_days, rng, n_samples)
    steps.update()
    parts, repeats, corrective = _unplanned(data, items, origin, horizon_days, n_samples, seed)
    steps.update()
    rest = ForecastData(data.dataset, data.issues, data.hours, data.work_orders)
    # What the maintenance model accounts for leaves the rest of each item's demand.
    rest_frame = uncovered(data.issues.frame, pd.concat([covered, corrective]))
    rest.issues = type(data.issues)(rest_frame, data.issues.start, data.issues.as_of)
    rest_demand = demand_matrix(rest, items, origin)
    work = [
        ForecastBlock(k, items[rows], kit_qty[rows], parts[rows], rest_demand[rows])
        for k, rows in enumerate(blocks(len(items), block_rows))
    ]
    frames = (executor or LocalExecutor()).map(
        forecast_block,
        work,
        plan_draws=plan_draws,
        order_repeats=repeats,
        horizon_days=horizon_days,
        n_samples=n_samples,
        seed=seed + 1,
    )
    steps.update()
    steps.close()
    if not frames:
        return forecast_block(
            ForecastBlock(0, [], kit_qty, parts, rest_demand),
            plan_draws=plan_draws,
            order_repeats=repeats,
            horizon_days=horizon_days,
            n_samples=n_samples,
            seed=seed + 1,
        )
    return pd.concat(frames, ignore_index=True)
