"""Forecast every MRO item of a dataset at once: items tied to maintenance (in a PM kit or
drawn by corrective work orders) one by one through the maintenance model, the rest in one
vectorised bootstrap over a demand matrix."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from tqdm import tqdm

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


def demand_matrix(data: ForecastData, items: list[str], end: pd.Timestamp) -> np.ndarray:
    """Daily demand (items x days) from the first transaction day to `end` (excluded)."""
    frame = data.issues.frame
    frame = frame[frame["item_id"].isin(items)]
    days = max(int((end - data.issues.start).days), 1)
    row = pd.Index(items).get_indexer(frame["item_id"])
    col = (frame["day"] - data.issues.start).dt.days.to_numpy()
    keep = (col >= 0) & (col < days)
    out = np.zeros((len(items), days))
    np.add.at(out, (row[keep], col[keep]), frame["qty"].to_numpy()[keep])
    return out


def _planned(
    data: ForecastData,
    items: list[str],
    origin: pd.Timestamp,
    horizon_days: float,
    rng: np.random.Generator,
    n: int,
):
    """Samples of the kit quantity drawn per item over the horizon (items x n), and the past
    preventive issues the plans account for, by (item_id, wo_id)."""
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
    planned = np.zeros((len(items), n))
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
        drawn = drawn_in_window(schedule, lags, origin, 0.0, horizon_days, rng, n)
        rows = index.get_indexer(kit["item_id"])
        ok = rows >= 0
        planned[rows[ok]] += kit["qty"].to_numpy(dtype=float)[ok, None] * drawn[None, :]
    return planned, kit_coverage(prev, ds.pm_plans, kits)


def _unplanned(
    data: ForecastData, items: list[str], origin: pd.Timestamp, horizon: float, n: int, seed: int
):
    """Breakdown demand samples (items x n): per equipment type, Poisson(rate x projected
    run-hours) breakdowns, each drawing the parts of a random past corrective work order."""
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
    out = np.zeros((len(items), n))
    equipment = data.dataset.equipment
    index = pd.Index(items)
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
        qty = sparse.csr_matrix(
            (
                mine["qty"].to_numpy(dtype=float),
                (index.get_indexer(mine["item_id"]), wo_index.get_indexer(mine["ref_id"])),
            ),
            shape=(len(items), len(wo_index)),
        )
        count = rng.poisson(lam, n)
        picks = np.zeros((len(wo_index), n))
        sample = np.repeat(np.arange(n), count)
        np.add.at(picks, (rng.integers(0, len(wo_index), len(sample)), sample), 1.0)
        out += qty @ picks
    return out, used.groupby(["item_id", "ref_id"])["qty"].sum().rename_axis(["item_id", "wo_id"])


def forecast_all_mro(
    data: ForecastData,
    horizon_days: float,
    *,
    n_samples: int = 1000,
    seed: int = 0,
    origin: pd.Timestamp | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """One row per MRO item: mean and quantiles of demand over the horizon: planned (PM
    kits due) + breakdowns + a bootstrap of the rest, all items at once."""
    origin = (origin if origin is not None else data.issues.as_of).normalize()
    items, linked = mro_items(data)
    steps = tqdm(total=3, desc="forecasting MRO items", disable=not progress)
    rng = np.random.default_rng(seed + 2)
    planned, covered = _planned(data, items, origin, horizon_days, rng, n_samples)
    steps.update()
    unplanned, corrective = _unplanned(data, items, origin, horizon_days, n_samples, seed)
    steps.update()
    frame = data.issues.frame
    rest = ForecastData(data.dataset, data.issues, data.hours, data.work_orders)
    # What the maintenance model accounts for leaves the rest of each item's demand.
    rest_frame = uncovered(frame, pd.concat([covered, corrective]))
    rest_issues = type(data.issues)(rest_frame, data.issues.start, data.issues.as_of)
    rest.issues = rest_issues
    residual = lead_time_samples_batch(
        demand_matrix(rest, items, origin),
        np.array([horizon_days]),
        n_samples=n_samples,
        seed=seed + 1,
    )
    steps.update()
    steps.close()
    samples = planned + unplanned + residual
    q = np.quantile(samples, SUMMARY_QUANTILES, axis=1)
    columns = {"item_id": items, "mean": samples.mean(axis=1)}
    columns |= {f"p{round(p * 100)}": q[k] for k, p in enumerate(SUMMARY_QUANTILES)}
    columns |= {
        "planned": planned.mean(axis=1),
        "breakdowns": unplanned.mean(axis=1),
        "other": residual.mean(axis=1),
    }
    return pd.DataFrame(columns)
