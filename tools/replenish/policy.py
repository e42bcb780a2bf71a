"""Recommended reorder points, safety stocks and order quantities for every item and site,
computed at once from the demand before a given date (so a simulation can fix the policy at
its start without seeing the future)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stockwise.tools.core.errors import InvalidArgumentError
from stockwise.tools.core.executor import BLOCK_ROWS, Executor, LocalExecutor, block_rng, blocks
from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.replenish.demand import DemandMatrix, daily_demand
from stockwise.tools.replenish.items import item_site_facts
from stockwise.tools.replenish.leadtime_demand import (
    lead_time_samples,
    reorder_point_cycle,
    reorder_point_fill_rate,
)

MEASURES = ("fill_rate", "cycle")
# Order quantity bounds, in days of demand: an EOQ outside them is usually a bad unit cost.
MIN_COVER_DAYS, MAX_COVER_DAYS = 7.0, 180.0
REVIEW_DAYS = 1


def service_targets(criticality: pd.Series, settings: Settings) -> np.ndarray:
    by_class = {
        "A": settings.service_level_a,
        "B": settings.service_level_b,
        "C": settings.service_level_c,
    }
    return criticality.map(by_class).fillna(settings.service_level_c).to_numpy(dtype=float)


def order_quantity(
    daily_demand: np.ndarray,
    unit_cost: np.ndarray,
    settings: Settings,
    moq: np.ndarray,
    multiple: np.ndarray,
) -> np.ndarray:
    """EOQ (sqrt(2 x yearly demand x order cost / holding cost per unit)), kept within
    7-180 days of demand, at least 1, then raised to the MOQ and rounded up to the multiple."""
    yearly = daily_demand * 365.0
    holding = np.maximum(unit_cost * settings.holding_rate, 1e-9)
    eoq = np.sqrt(2.0 * yearly * settings.order_cost / holding)
    qty = np.clip(eoq, daily_demand * MIN_COVER_DAYS, daily_demand * MAX_COVER_DAYS)
    qty = np.maximum(np.ceil(qty - 1e-9), 1.0)
    qty = np.where(np.isnan(moq), qty, np.maximum(qty, moq))
    step = np.where(np.isnan(multiple) | (multiple <= 0), 1.0, multiple)
    return np.ceil(qty / step - 1e-9) * step


def plan_policies(
    ds: Dataset,
    settings: Settings,
    *,
    as_of: pd.Timestamp | None = None,
    facts: pd.DataFrame | None = None,
    target: float | None = None,
    measure: str | None = None,
    method: str = "auto",
    history: DemandMatrix | None = None,
    executor: Executor | None = None,
    block_rows: int = BLOCK_ROWS,
) -> pd.DataFrame:
    """`facts` (from `item_site_facts`, default all rows) with the recommended policy added:
    avg_daily_demand, ltd_mean, ltd_method, lead_days, target_service, recommended_reorder_point,
    recommended_safety_stock, recommended_order_qty, current/recommended_value (the average
    stock each policy implies, safety stock + half an order, x unit cost) and note.

    Rows without a lead time get NaN recommendations and a note. `target` overrides the
    per-criticality targets (for trade-off curves). `history`, the demand of `facts`' rows
    over the history window before `as_of`, saves the ledger scan when the caller has it.
    The rows with demand are planned in blocks of `block_rows` by `executor` (this process
    by default, or a cluster), each with its own random stream: every executor gives the
    same figures.
    """
    return plans_for_targets(
        ds,
        settings,
        [target],
        as_of=as_of,
        facts=facts,
        measure=measure,
        method=method,
        history=history,
        executor=executor,
        block_rows=block_rows,
    )[0]


def plans_for_targets(
    ds: Dataset,
    settings: Settings,
    targets: list[float | None],
    *,
    as_of: pd.Timestamp | None = None,
    facts: pd.DataFrame | None = None,
    measure: str | None = None,
    method: str = "auto",
    history: DemandMatrix | None = None,
    executor: Executor | None = None,
    block_rows: int = BLOCK_ROWS,
) -> list[pd.DataFrame]:
    """`plan_policies` for several service targets (None = by criticality), sharing the
    lead-time demand samples."""
    measure = measure or settings.service_measure
    if measure not in MEASURES:
        raise InvalidArgumentError(f"service measure must be one of {MEASURES}, not {measure!r}")
    for target in targets:
        if target is not None and not 0.5 <= target < 1.0:
            raise InvalidArgumentError(f"a service target must be between 0.5 and 1, got {target}")
    as_of = pd.Timestamp(as_of if as_of is not None else ds.as_of).normalize()
    base = (item_site_facts(ds) if facts is None else facts).copy().reset_index(drop=True)
    days = settings.replenish_history_days
    if history is None:
        history = daily_demand(ds, base, as_of - pd.Timedelta(days=days), as_of)
    elif len(history.keys) != len(base) or len(history.days) != days:
        raise ValueError("history must hold one row per fact and the history window's days")
    base.attrs.update(
        demand_rows_used=history.rows_used, history_days=days, as_of=as_of, measure=measure
    )
    has_lead = ~base["lead_time_days"].isna().to_numpy()
    lead = np.maximum(np.ceil(base["lead_time_days"].fillna(1.0).to_numpy()), 1.0).astype(int)
    avg = history.values.mean(axis=1) if history.values.shape[1] else np.zeros(len(base))
    base["avg_daily_demand"] = avg
    base["lead_days"] = np.where(has_lead, lead, np.nan)
    qty = order_quantity(
        avg,
        base["unit_cost"].to_numpy(),
        settings,
        base["moq"].to_numpy(dtype=float),
        base["order_multiple"].to_numpy(dtype=float),
    )
    current_qty = base["current_reorder_qty"].to_numpy()
    if settings.order_qty_rule in ("current", "smaller"):
        keep = ~np.isnan(current_qty) & (current_qty > 0)
        smaller = np.minimum(qty, current_qty)
        chosen = current_qty if settings.order_qty_rule == "current" else smaller
        qty = np.where(keep, chosen, qty)
    active = has_lead & (avg > 0)
    # No demand in the window: nothing to plan from. A critical (A) item keeps its current
    # insurance stock (else one on the shelf); any other is bought when needed.
    idle = has_lead & (avg == 0)
    critical = (base["criticality"] == "A").to_numpy()
    insured = idle & critical
    current_rop = base["current_reorder_point"].to_numpy()
    has_current = ~np.isnan(current_rop) & ~np.isnan(current_qty) & (current_qty > 0)
    idle_rop = np.where(insured & has_current, current_rop, 0.0)
    idle_qty = np.where(insured, np.where(has_current, current_qty, 1.0), 0.0)
    qty = np.where(idle, idle_qty, qty)
    qty = np.where(has_lead, qty, np.nan)
    ltd_mean = np.full(len(base), np.nan)
    ltd_mean[idle] = 0.0
    methods = np.full(len(base), "", dtype=object)
    services = [
        np.full(len(base), target)
        if target is not None
        else service_targets(base["criticality"], settings)
        for target in targets
    ]
    points = [np.zeros(0)] * len(targets)
    if active.any():
        rows = np.flatnonzero(active)
        work = [
            PlanBlock(
                number=k,
                history=history.values[rows[part]],
                # Reviewed daily: the stock must last the lead time plus the day to the next
                # review.
                protection=lead[rows[part]] + REVIEW_DAYS,
                order_qty=qty[rows[part]],
                services=[service[rows[part]] for service in services],
            )
            for k, part in enumerate(blocks(len(rows), block_rows))
        ]
        done = (executor or LocalExecutor()).map(plan_block, work, method=method, measure=measure)
        ltd_mean[active] = np.concatenate([d.ltd_mean for d in done])
        methods[active] = [name for d in done for name in d.methods]
        points = [np.concatenate([d.points[t] for d in done]) for t in range(len(targets))]
    base["ltd_mean"] = ltd_mean
    base["ltd_method"] = methods
    base["recommended_order_qty"] = qty
    notes = _notes(base, has_lead, idle)
    cost = base["unit_cost"].to_numpy()
    current_value = implied_average_value(
        base["current_reorder_point"].to_numpy(), current_qty, ltd_mean, cost
    )
    plans = []
    for t, service in enumerate(services):
        plan = base.copy()
        plan.attrs.update(base.attrs)
        plan["target_service"] = service
        rop = np.full(len(plan), np.nan)
        if active.any():
            rop[active] = np.ceil(points[t] - 1e-9)
        # A critical item that moved keeps one on the shelf: a year with a single issue
        # bootstraps to a reorder point of 0, and the next breakdown would wait a lead time.
        rop[active & critical] = np.maximum(rop[active & critical], 1.0)
        rop[idle] = idle_rop[idle]
        plan["recommended_reorder_point"] = rop
        plan["recommended_safety_stock"] = rop - ltd_mean
        plan["recommended_value"] = implied_average_value(rop, qty, ltd_mean, cost)
        plan["current_value"] = current_value
        plan["note"] = notes
        plans.append(plan)
    return plans


@dataclass(frozen=True)
class PlanBlock:
    """One block of the rows with demand and a lead time: what their reorder points need."""

    number: int
    history: np.ndarray  # rows x days of demand
    protection: np.ndarray  # days the stock must last
    order_qty: np.ndarray
    services: list[np.ndarray]  # per service target, one per row


@dataclass(frozen=True)
class PlannedBlock:
    ltd_mean: np.ndarray
    methods: list[str]
    points: list[np.ndarray]  # per service target: the reorder point before rounding


def plan_block(block: PlanBlock, *, method: str, measure: str) -> PlannedBlock:
    """Lead-time demand samples and the reorder point for each service target, for one
    block. Runs wherever the executor puts it, so it reads nothing but its arguments."""
    samples, names = lead_time_samples(
        block.history, block.protection, method, rng=block_rng(0, block.number)
    )
    ltd_mean = samples.mean(axis=1)
    # Reviewed daily, stock is seen only after a day's demand, which can take it well below
    # the reorder point: cover that expected undershoot too.
    samples = samples + expected_undershoot(block.history)[:, None]
    if measure == "cycle":
        points = [reorder_point_cycle(samples, service) for service in block.services]
    else:
        points = [
            reorder_point_fill_rate(samples, service, block.order_qty) for service in block.services
        ]
    return PlannedBlock(ltd_mean, list(names), points)


def expected_undershoot(history: np.ndarray) -> np.ndarray:
    """Expected amount by which one day's demand overshoots the reorder point when it
    crosses it: (E[X^2] / E[X] - 1) / 2 over the days with demand (0 for unit demand)."""
    positive = np.where(history > 0, history, 0.0)
    days = np.maximum((history > 0).sum(axis=1), 1)
    first = positive.sum(axis=1) / days
    second = (positive**2).sum(axis=1) / days
    return np.maximum((second / np.maximum(first, 1e-12) - 1.0) / 2.0, 0.0)


def implied_average_value(rop, qty, ltd_mean, unit_cost) -> np.ndarray:
    """Average stock a reorder-point policy holds: safety stock (never below 0) plus half an
    order, valued at unit cost."""
    safety = np.maximum(np.nan_to_num(rop) - np.nan_to_num(ltd_mean), 0.0)
    return (safety + np.nan_to_num(qty) / 2.0) * unit_cost


def _notes(plan: pd.DataFrame, has_lead: np.ndarray, idle: np.ndarray) -> list[str]:
    notes = []
    for i, row in enumerate(plan.itertuples()):
        parts = []
        if not has_lead[i]:
            parts.append("no lead time on the item or its supplier: not planned")
        elif row.lead_time_days == 0:
            parts.append("lead time 0 days: planned with 1 day")
        if idle[i]:
            parts.append(
                "no demand in the history window: insurance stock kept (class A)"
                if row.criticality == "A"
                else "no demand in the history window: not stocked, buy when needed"
            )
        if row.criticality_recorded is None or pd.isna(row.criticality_recorded):
            parts.append("no criticality recorded: class C target used")
        notes.append("; ".join(parts))
    return notes
