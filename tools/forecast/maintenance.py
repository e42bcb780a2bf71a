"""Maintenance-driven demand of an MRO item: planned (PM plans x their part kits, on
calendar or run-hour intervals) and unplanned (breakdowns per 1,000 run-hours per equipment
type, times the parts a corrective work order of that type draws).

Everything is computed as seen from `origin`: only work orders, usage and issues before it
are read, so the backtest can stand at any past day.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stockwise.tools.dataset.model import Dataset
from stockwise.tools.forecast.history import DemandIssues
from stockwise.tools.forecast.pm_schedule import (
    PlanSchedule,
    completion_lags,
    drawn_in_window,
    plan_schedule,
)
from stockwise.tools.forecast.usage import RATE_DAYS, RunHours

DAY = pd.Timedelta(days=1)


@dataclass
class PlannedService:
    plan_id: str
    equipment_id: str
    qty_each: float
    due: list[pd.Timestamp]  # scheduled in the window (an overdue service: the first day)
    drawn: np.ndarray = field(default_factory=lambda: np.zeros(1))  # services drawn, samples

    @property
    def qty(self) -> float:
        return self.qty_each * len(self.due)


@dataclass
class MaintenanceDemand:
    planned: list[PlannedService] = field(default_factory=list)
    unplanned_samples: np.ndarray = field(default_factory=lambda: np.zeros(1))
    expected_failures: float = 0.0
    failure_rates: dict[str, float] = field(default_factory=dict)  # type -> per 1,000 h
    # Quantity of the item's past issues the model accounts for, by (item_id, wo_id).
    covered: pd.Series = field(default_factory=lambda: no_coverage())
    notes: list[str] = field(default_factory=list)

    @property
    def planned_qty(self) -> float:
        """Kit quantity of the services scheduled in the window."""
        return float(sum(p.qty for p in self.planned))

    @property
    def planned_samples(self) -> np.ndarray:
        """Kit quantity drawn in the window: a service running late may fall out of it, an
        earlier one still open may fall in."""
        return sum((p.qty_each * p.drawn for p in self.planned), np.zeros(1))

    @property
    def unplanned_mean(self) -> float:
        return float(np.mean(self.unplanned_samples))

    @property
    def applies(self) -> bool:
        return bool(len(self.covered)) or bool(self.planned) or bool(self.failure_rates)


def no_coverage() -> pd.Series:
    index = pd.MultiIndex.from_arrays([[], []], names=["item_id", "wo_id"])
    return pd.Series([], index=index, dtype=float)


def kit_coverage(preventive: pd.DataFrame, plans: pd.DataFrame, kits: pd.DataFrame) -> pd.Series:
    """Of each item issued on a preventive work order, the quantity its machine's plan kit
    accounts for, by (item_id, wo_id). Anything beyond the kit on the same work order (a
    consumable drawn for the job besides the kit) is not the plan's and stays with the rest
    of the item's demand. A plan whose task the work order's text names is the one it
    followed; otherwise the machine's largest kit of the item.

    `preventive` holds issues on preventive work orders: item_id, wo_id, equipment_id,
    description (the work order's) and qty.
    """
    if preventive.empty or kits.empty:
        return no_coverage()
    issued = preventive.groupby(["item_id", "wo_id", "equipment_id"], as_index=False).agg(
        qty=("qty", "sum"), text=("description", "first")
    )
    tasks = plans.reindex(columns=["plan_id", "equipment_id", "description"])
    kit = kits.merge(tasks.rename(columns={"description": "task"}), on="plan_id")
    pairs = issued.merge(kit.rename(columns={"qty": "kit_qty"}), on=["equipment_id", "item_id"])
    if pairs.empty:
        return no_coverage()
    pairs["named"] = [
        isinstance(task, str) and bool(task) and isinstance(text, str) and task in text
        for task, text in zip(pairs["task"], pairs["text"], strict=True)
    ]
    pairs = pairs.sort_values(["named", "kit_qty"], kind="stable")
    pairs = pairs.drop_duplicates(["item_id", "wo_id"], keep="last")
    covered = np.minimum(pairs["qty"].to_numpy(float), pairs["kit_qty"].to_numpy(float))
    index = pd.MultiIndex.from_frame(pairs[["item_id", "wo_id"]])
    return pd.Series(covered, index=index)


def uncovered(issues: pd.DataFrame, covered: pd.Series) -> pd.DataFrame:
    """`issues` (item_id, ref_id, qty) less the quantities `covered` by (item, work order),
    taken from each work order's first issues; rows left with nothing are dropped."""
    if covered.empty or issues.empty:
        return issues
    key = pd.MultiIndex.from_arrays([issues["item_id"], issues["ref_id"]])
    cover = covered.reindex(key).fillna(0.0).to_numpy()
    qty = issues["qty"].to_numpy(dtype=float)
    drawn = issues.groupby(["item_id", "ref_id"], dropna=False, sort=False)["qty"].cumsum()
    before = np.nan_to_num(drawn.to_numpy(dtype=float) - qty)
    left = qty - np.clip(cover - before, 0.0, qty)
    return issues.assign(qty=left)[left > 1e-9]


def work_orders_with_type(dataset: Dataset) -> pd.DataFrame:
    """Work orders that happened (not cancelled), with their machine's type and site."""
    wos = dataset.work_orders
    wos = wos.loc[
        wos["status"] != "cancelled",
        ["wo_id", "equipment_id", "wo_type", "created_at", "scheduled_for", "completed_at"]
        + ["description"],
    ]
    return wos.merge(
        dataset.equipment[["equipment_id", "equipment_type", "site_id"]], on="equipment_id"
    )


@dataclass
class PlanDue:
    """One PM plan listing the item: its kit quantity and its services as seen from the
    origin (due up to the model's horizon, and overdue)."""

    plan_id: str
    equipment_id: str
    qty_each: float
    schedule: PlanSchedule


@dataclass
class BreakdownType:
    """Breakdowns of one equipment type that drew the item."""

    equipment_type: str
    rate: float  # breakdowns per run-hour over the last RATE_DAYS
    sizes: np.ndarray  # the item's quantity per corrective work order of the type
    hours_per_day: float  # projected run-hours a day of the type's machines (the site's)


@dataclass
class MaintenanceModel:
    """What an item's maintenance demand over [origin, origin + horizon_days) follows from,
    before anything is sampled: the plans and their schedules, the completion lags, the
    breakdown rates and sizes, what the model accounts for of past issues. Built once per
    (item, site, origin, horizon); any window inside the horizon is sampled from it."""

    origin: pd.Timestamp
    horizon_days: float
    plans: list[PlanDue] = field(default_factory=list)
    lags: np.ndarray = field(default_factory=lambda: np.zeros(0))
    breakdowns: list[BreakdownType] = field(default_factory=list)
    covered: pd.Series = field(default_factory=lambda: no_coverage())
    notes: list[str] = field(default_factory=list)


def plan_dues(
    dataset: Dataset,
    item_id: str,
    site_id: str | None,
    origin: pd.Timestamp,
    horizon_days: float,
    hours: RunHours,
    preventive_uses: pd.DataFrame,
    work_orders: pd.DataFrame,
) -> tuple[list[PlanDue], list[str]]:
    """The item's kits on every plan listing it, with the plan's services due before
    origin + horizon_days and those overdue at the origin."""
    end = origin + pd.Timedelta(days=horizon_days)
    kits = dataset.pm_plan_parts
    plans = dataset.pm_plans.merge(
        dataset.equipment[["equipment_id", "site_id"]], on="equipment_id"
    )
    if site_id is not None:
        plans = plans[plans["site_id"] == site_id]
    mine = kits[kits["item_id"] == item_id]
    preventive = work_orders[work_orders["wo_type"] == "preventive"]
    out, notes = [], []
    for _, plan in plans[plans["plan_id"].isin(mine["plan_id"])].iterrows():
        kit_items = set(kits.loc[kits["plan_id"] == plan["plan_id"], "item_id"])
        schedule = plan_schedule(
            plan,
            kit_items,
            preventive_uses,
            preventive,
            origin,
            end,
            hours,
        )
        if schedule.note:
            notes.append(schedule.note)
        qty = float(mine.loc[mine["plan_id"] == plan["plan_id"], "qty"].sum())
        out.append(PlanDue(str(plan["plan_id"]), str(plan["equipment_id"]), qty, schedule))
    return out, notes


def planned_services(
    model: MaintenanceModel,
    start_days: float,
    horizon_days: float,
    rng: np.random.Generator,
    n_samples: int,
) -> list[PlannedService]:
    """The model's kits due in the window [origin + start_days, origin + horizon_days), with
    samples of how many are drawn in it."""
    origin = model.origin
    first = (origin + pd.Timedelta(days=start_days)).normalize()
    end = origin + pd.Timedelta(days=horizon_days)
    out = []
    for plan in model.plans:
        schedule = plan.schedule
        if horizon_days < model.horizon_days:
            # The services a schedule built up to `end` holds (its due dates are whole days
            # from a whole-day origin, so `< end` keeps exactly those).
            schedule = PlanSchedule([d for d in schedule.due if d < end], schedule.overdue)
        drawn = drawn_in_window(schedule, model.lags, origin, start_days, horizon_days, rng,
                                n_samples)  # fmt: skip
        shown = [d for d in schedule.due if d >= first]
        if start_days == 0:  # overdue services are shown as due on the first day
            shown = [origin] * len(schedule.overdue) + shown
        out.append(PlannedService(plan.plan_id, plan.equipment_id, plan.qty_each, shown, drawn))
    return out


def compound_poisson(rng: np.random.Generator, lam: float, sizes: np.ndarray, n: int) -> np.ndarray:
    """Samples of the sum of Poisson(lam) draws from `sizes` (bootstrap of sizes)."""
    if lam <= 0 or len(sizes) == 0:
        return np.zeros(n)
    count = rng.poisson(lam, n)
    top = int(count.max(initial=0))
    picks = sizes[rng.integers(0, len(sizes), size=(n, max(top, 1)))]
    mask = np.arange(max(top, 1))[None, :] < count[:, None]
    return (picks * mask).sum(axis=1)


def maintenance_model(
    dataset: Dataset,
    issues: DemandIssues,
    hours: RunHours,
    item_id: str,
    site_id: str | None,
    origin: pd.Timestamp,
    horizon_days: float,
    *,
    work_orders: pd.DataFrame | None = None,
) -> MaintenanceModel:
    """The item's maintenance model up to origin + horizon_days, seen from origin."""
    wos = work_orders if work_orders is not None else work_orders_with_type(dataset)
    wos = wos[wos["created_at"] < origin]
    item_issues = issues.of_item(item_id)
    item_issues = item_issues[
        (item_issues["day"] < origin) & (item_issues["ref_type"] == "work_order")
    ]
    on_wo = item_issues.merge(wos, left_on="ref_id", right_on="wo_id", suffixes=("", "_eq"))
    model = MaintenanceModel(origin, horizon_days)
    preventive = on_wo[on_wo["wo_type"] == "preventive"]
    model.plans, model.notes = plan_dues(
        dataset, item_id, site_id, origin, horizon_days, hours, preventive, wos
    )
    model.lags = completion_lags(wos[wos["wo_type"] == "preventive"], origin)
    # Preventive issues are accounted for up to the kit, and only on machines whose plans
    # list the item; the item's other use stays in the statistical remainder.
    plans = dataset.pm_plans[dataset.pm_plans["plan_id"].isin({p.plan_id for p in model.plans})]
    covered = [kit_coverage(preventive, plans, dataset.pm_plan_parts)]
    corrective = wos[wos["wo_type"] == "corrective"]
    used = on_wo[on_wo["wo_type"] == "corrective"]
    equipment = dataset.equipment
    if site_id is not None:
        equipment = equipment[equipment["site_id"] == site_id]
    for etype in sorted(set(used["equipment_type"])):
        type_wos = corrective[corrective["equipment_type"] == etype]
        since = origin - pd.Timedelta(days=RATE_DAYS)
        recent = type_wos[type_wos["created_at"] >= since]
        type_hours = hours.total_of(
            set(
                dataset.equipment.loc[dataset.equipment["equipment_type"] == etype, "equipment_id"]
            ),
            origin,
            since,
        )
        if type_hours <= 0:
            model.notes.append(f"no run-hours recorded for {etype}: its breakdowns not projected")
            continue
        per_wo = used[used["equipment_type"] == etype].groupby("wo_id")["qty"].sum()
        sizes = per_wo.reindex(type_wos["wo_id"], fill_value=0.0).to_numpy(dtype=float)
        machines = equipment.loc[equipment["equipment_type"] == etype, "equipment_id"]
        per_day = sum(hours.rate(m, origin) for m in machines)
        model.breakdowns.append(BreakdownType(etype, len(recent) / type_hours, sizes, per_day))
        covered.append(per_wo.set_axis(pd.MultiIndex.from_product([[item_id], per_wo.index])))
    model.covered = pd.concat(covered) if len(covered) > 1 else covered[0]
    return model


def sample_maintenance(
    model: MaintenanceModel,
    hours: RunHours,
    start_days: float,
    horizon_days: float,
    *,
    n_samples: int = 4000,
    seed: int = 0,
) -> MaintenanceDemand:
    """Demand in the window [origin + start_days, origin + horizon_days) of the model
    (horizon_days at most the model's; below it, a whole number of days)."""
    if horizon_days > model.horizon_days or (
        horizon_days < model.horizon_days and not float(horizon_days).is_integer()
    ):
        raise ValueError(
            f"window to day {horizon_days} is not within the model's {model.horizon_days} days"
        )
    window = horizon_days - start_days
    rng = np.random.default_rng(seed)
    result = MaintenanceDemand(notes=list(model.notes), covered=model.covered)
    result.planned = planned_services(model, start_days, horizon_days, rng, n_samples)
    total = np.zeros(n_samples)
    for kind in model.breakdowns:
        lam = kind.rate * (kind.hours_per_day * window)
        result.failure_rates[kind.equipment_type] = kind.rate * 1000.0
        result.expected_failures += lam
        total += compound_poisson(rng, lam, kind.sizes, n_samples)
    result.unplanned_samples = total
    result.notes += hours.notes_for(model.origin)
    return result


def maintenance_demand(
    dataset: Dataset,
    issues: DemandIssues,
    hours: RunHours,
    item_id: str,
    site_id: str | None,
    origin: pd.Timestamp,
    horizon_days: float,
    *,
    n_samples: int = 4000,
    seed: int = 0,
    work_orders: pd.DataFrame | None = None,
    start_days: float = 0.0,
) -> MaintenanceDemand:
    """Demand in the window [origin + start_days, origin + horizon_days), seen from origin."""
    model = maintenance_model(
        dataset, issues, hours, item_id, site_id, origin, horizon_days, work_orders=work_orders
    )
    return sample_maintenance(
        model, hours, start_days, horizon_days, n_samples=n_samples, seed=seed
    )
