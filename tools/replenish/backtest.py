"""Replaying a policy on the plant's own history: the window, the items, the policy fixed at
the window's start, and the figures per group and criticality class; trade-off curves."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stockwise.tools.core.errors import InvalidArgumentError
from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.replenish.demand import daily_demand
from stockwise.tools.replenish.items import GROUPS
from stockwise.tools.replenish.policy import plan_policies
from stockwise.tools.replenish.simulate import SimulationOutcome, simulate

CLASSES = ("A", "B", "C")
POLICIES = ("current", "recommended", "given")


@dataclass
class Backtest:
    """A policy replayed over [start, end) for the rows of `plan`."""

    policy: str
    plan: pd.DataFrame
    outcome: SimulationOutcome
    start: pd.Timestamp
    end: pd.Timestamp

    def _codes(self, group: str | None, klass: str | None) -> list[int]:
        groups = GROUPS if group is None else (group,)
        classes = CLASSES if klass is None else (klass,)
        return [group_code(g, c) for g in groups for c in classes]

    def figures(self, group: str | None = None, klass: str | None = None) -> dict:
        critical = (self.plan["criticality"] == "A").to_numpy()
        return self.outcome.totals(critical, self._codes(group, klass))

    def table(self) -> pd.DataFrame:
        """Figures per group and class, plus per-group and overall totals."""
        rows = []
        for group in (*GROUPS, None):
            for klass in (*CLASSES, None):
                fig = self.figures(group, klass)
                if fig["items"]:
                    rows.append({"group": group or "all", "criticality": klass or "all", **fig})
        return pd.DataFrame(rows)


def group_code(group: str | None, klass: str) -> int:
    g = GROUPS.index(group) if group in GROUPS else len(GROUPS)
    return g * len(CLASSES) + CLASSES.index(klass if klass in CLASSES else "C")


def window(ds: Dataset, months: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    if not 1 <= months <= 60:
        raise InvalidArgumentError(f"simulate between 1 and 60 months, not {months}")
    end = ds.as_of.normalize() + pd.Timedelta(days=1)
    return end - pd.DateOffset(months=months), end


def policy_arrays(plan: pd.DataFrame, policy: str) -> tuple[np.ndarray, np.ndarray]:
    if policy == "current":
        return (
            plan["current_reorder_point"].to_numpy(dtype=float),
            plan["current_reorder_qty"].to_numpy(dtype=float),
        )
    return (
        plan["recommended_reorder_point"].to_numpy(dtype=float),
        plan["recommended_order_qty"].to_numpy(dtype=float),
    )


def plannable(plan: pd.DataFrame) -> pd.DataFrame:
    """Rows both policies can be replayed on: a lead time, a current reorder point and
    quantity, and a recommendation."""
    ok = (
        plan["lead_days"].notna()
        & plan["current_reorder_point"].notna()
        & (plan["current_reorder_qty"] > 0)
        & plan["recommended_reorder_point"].notna()
    )
    return plan[ok].reset_index(drop=True)


def backtest(
    ds: Dataset,
    settings: Settings,
    facts: pd.DataFrame,
    policy: str,
    months: int = 12,
    *,
    target: float | None = None,
    plan: pd.DataFrame | None = None,
    demand: np.ndarray | None = None,
) -> Backtest:
    """Replay `policy` on the last `months` of demand for `facts`, the policy computed from
    the history before the window (no look-ahead). Each item starts with reorder point +
    order quantity on hand (a full cycle), so each policy is judged in its own steady state.
    `plan` (from plan_policies at the window start) may be given, `policy="given"` then
    reads its recommended columns as the policy to replay."""
    if policy not in POLICIES:
        raise InvalidArgumentError(f"policy must be one of {', '.join(POLICIES)}, not {policy!r}")
    start, end = window(ds, months)
    if plan is None:
        plan = plannable(plan_policies(ds, settings, as_of=start, facts=facts, target=target))
    if demand is None:
        demand = daily_demand(ds, plan, start, end).values
    rop, qty = policy_arrays(plan, policy)
    codes = np.array(
        [group_code(g, c) for g, c in zip(plan["group"], plan["criticality"], strict=True)]
    )
    outcome = simulate(
        demand,
        rop,
        qty,
        plan["lead_days"].to_numpy(dtype=float),
        plan["unit_cost"].to_numpy(dtype=float),
        np.nan_to_num(rop) + np.nan_to_num(qty),
        codes,
    )
    return Backtest(policy=policy, plan=plan, outcome=outcome, start=start, end=end)
