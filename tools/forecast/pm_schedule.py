"""When a PM plan's kits will be drawn, as seen from an origin.

A plan's next services follow from its last one: from the last *scheduled* date when its
work orders carry `scheduled_for` (a fixed calendar: a service done late does not push the
next one back), else from when it was last done. A kit is drawn when its work order is
completed, a few hours and now and then days after the scheduled date; the plant's own
record of that lag (completed - scheduled, over past preventive work orders) turns the due
dates into a distribution of draw days, so a service due near the edge of a period counts
partly in the next one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stockwise.tools.forecast.usage import RunHours

DAY = pd.Timedelta(days=1)
MAX_SERVICES = 10_000  # per plan and horizon: a guard against a near-zero interval


@dataclass
class PlanSchedule:
    due: list[pd.Timestamp]  # scheduled dates from the origin on
    overdue: list[pd.Timestamp]  # scheduled before the origin, not completed by then
    note: str | None = None


def completion_lags(work_orders: pd.DataFrame, origin: pd.Timestamp) -> np.ndarray:
    """Days from scheduled to completed of the preventive work orders completed before
    `origin` (never negative: a job done early draws its kit on the day it is done)."""
    done = work_orders[
        (work_orders["wo_type"] == "preventive")
        & work_orders["scheduled_for"].notna()
        & (work_orders["completed_at"] < origin)
    ]
    lag = (done["completed_at"] - done["scheduled_for"]).dt.total_seconds() / 86400.0
    return np.clip(lag.to_numpy(dtype=float), 0.0, None)


def names_task(texts: pd.Series, task: object) -> pd.Series:
    """Which work-order texts name the plan's task (none when it has no task text): how
    two plans on one machine are told apart."""
    if not isinstance(task, str) or not task:
        return pd.Series(False, index=texts.index)
    return texts.fillna("").astype(str).str.contains(task, regex=False)


def plan_work_orders(plan: pd.Series, preventive: pd.DataFrame) -> pd.DataFrame:
    """The plan's work orders: preventive ones on its machine whose text names its task."""
    mine = preventive[preventive["equipment_id"] == plan["equipment_id"]]
    return mine[names_task(mine["description"], plan.get("description"))]


def last_done(
    plan: pd.Series, kit_items: set[str], preventive_uses: pd.DataFrame, origin: pd.Timestamp
) -> pd.Timestamp | None:
    """When the plan was last done as seen from `origin`: its `last_done_at` when that is
    not later, else the latest preventive work order on the machine that drew its kit."""
    recorded = plan["last_done_at"]
    if pd.notna(recorded) and recorded <= origin:
        return pd.Timestamp(recorded)
    uses = preventive_uses[
        (preventive_uses["equipment_id"] == plan["equipment_id"])
        & preventive_uses["item_id"].isin(kit_items)
        & (preventive_uses["day"] < origin)
    ]
    # Two plans on one machine may share kit items: the work order's text tells them apart.
    if "description" in uses:
        named = uses[names_task(uses["description"], plan.get("description"))]
        if len(named):
            uses = named
    if len(uses):
        return pd.Timestamp(uses["day"].max())
    return None


def due_dates(
    plan: pd.Series,
    last: pd.Timestamp | None,
    origin: pd.Timestamp,
    end: pd.Timestamp,
    hours: RunHours,
) -> tuple[list[pd.Timestamp], str | None]:
    """Services after `last` that fall in [origin, end), on the plan's interval in days or
    in run-hours projected at the machine's recent rate."""
    interval = float(plan["interval"])
    if plan["interval_unit"] == "run_hours":
        rate = hours.rate(plan["equipment_id"], origin)
        if rate <= 0:
            return (
                [],
                f"no recent run-hours on {plan['equipment_id']}: "
                f"plan {plan['plan_id']} not projected",
            )
        step = interval / rate
        if last is None:
            first = step
        elif last > origin:  # scheduled ahead: the interval runs from that date
            first = (last - origin) / DAY + step
        else:
            first = (interval - hours.between(plan["equipment_id"], last, origin)) / rate
    else:
        step = interval
        first = (last + pd.Timedelta(days=interval) - origin) / DAY if last is not None else step
    note = None
    if last is None:
        note = (
            f"plan {plan['plan_id']} has no record of when it was last done: "
            "assumed done at the forecast start"
        )
    # An overdue service is assumed done on the first day of the horizon.
    offset = max(float(first), 0.0)
    due: list[pd.Timestamp] = []
    while origin + pd.Timedelta(days=offset) < end and len(due) < MAX_SERVICES:
        due.append((origin + pd.Timedelta(days=offset)).normalize())
        offset += step
    return due, note


def plan_schedule(
    plan: pd.Series,
    kit_items: set[str],
    preventive_uses: pd.DataFrame,
    preventive_wos: pd.DataFrame,
    origin: pd.Timestamp,
    end: pd.Timestamp,
    hours: RunHours,
) -> PlanSchedule:
    """The plan's services due in [origin, end) and those overdue at `origin`, from the
    preventive work orders (any machine's: the plan's own are picked out here)."""
    plan_wos = plan_work_orders(plan, preventive_wos)
    seen = plan_wos[(plan_wos["created_at"] < origin) & plan_wos["scheduled_for"].notna()]
    if seen.empty:
        last = last_done(plan, kit_items, preventive_uses, origin)
        due, note = due_dates(plan, last, origin, end, hours)
        return PlanSchedule(due, [], note)
    open_at_origin = seen[~(seen["completed_at"] < origin)]
    due, note = due_dates(plan, seen["scheduled_for"].max().normalize(), origin, end, hours)
    ahead = open_at_origin["scheduled_for"] >= origin
    scheduled = [d.normalize() for d in open_at_origin.loc[ahead, "scheduled_for"] if d < end]
    overdue = sorted(pd.Timestamp(d) for d in open_at_origin.loc[~ahead, "scheduled_for"])
    return PlanSchedule(sorted(scheduled + due), overdue, note)


def drawn_in_window(
    schedule: PlanSchedule,
    lags: np.ndarray,
    origin: pd.Timestamp,
    start_days: float,
    horizon_days: float,
    rng: np.random.Generator,
    n: int,
) -> np.ndarray:
    """Samples of how many of the plan's services have their kit drawn in the window
    [origin + start_days, origin + horizon_days): due date plus a completion lag drawn
    from `lags` (none recorded: drawn on the due date; overdue: on the first day)."""
    count = np.zeros(n)
    for due in schedule.due:
        offset = (due - origin) / DAY
        day = np.floor(offset + (lags[rng.integers(0, len(lags), n)] if len(lags) else 0.0))
        count += (day >= start_days) & (day < horizon_days)
    for scheduled in schedule.overdue:
        # Already late by `elapsed` days: only the lags at least that long are still possible.
        elapsed = (origin - scheduled) / DAY
        later = lags[lags >= elapsed]
        if len(later):
            day = np.floor(later[rng.integers(0, len(later), n)] - elapsed)
        else:
            day = np.zeros(n)
        count += (day >= start_days) & (day < horizon_days)
    return count
