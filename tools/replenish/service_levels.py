"""The `plan_service_levels` agent tool: reorder points for the whole store chosen for a
store-wide fill rate at the least stock value, or the most fill for a budget, and how
that compares with the plant's current reorder points."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, field_validator

from stockwise.tools.core.contract import cli, fills, optional_number
from stockwise.tools.core.errors import InvalidArgumentError
from stockwise.tools.core.results import MAX_EVIDENCE_IDS, ToolResult
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.replenish.selection import Group, Site, select_rows
from stockwise.tools.replenish.service_comparison import ReplayComparison, compare_with_current

if TYPE_CHECKING:
    import numpy as np

    from stockwise.tools.replenish.cost_aware import StorePlanner
    from stockwise.tools.replenish.store_history import StoreHistory

# Critical (class A) items keep a reorder point whose own expected fill is at least this,
# whatever the store target: the greedy would otherwise leave a dear critical spare bare.
CRITICAL_FLOOR = 0.5
MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "b": 1e9}
AMOUNT = re.compile(r"(\d+(?:[.,]\d+)*)\s*(k|thousand|mn|million|m|b)?\b(?!\s*%)", re.IGNORECASE)
PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")


def parse_amount(text: str) -> float | None:
    """7M, 7 m, 7.5 million, 700k, 7,000,000 -> a number; None when there is none."""
    for number, unit in AMOUNT.findall(text):
        digits = number.replace(",", "") if unit or number.count(",") else number
        try:
            value = float(digits.replace(",", "."))
        except ValueError:
            continue
        value *= MULTIPLIERS.get(unit.lower(), 1.0) if unit else 1.0
        # A bare small number is a count or a year, not a budget.
        if unit or value >= 1000:
            return value
    return None


class ServiceLevelsInput(BaseModel):
    fill: float | None = optional_number(
        "Store-wide fill rate to reach at the least stock value (0.9 = 90%).",
        cli("--fill"), ge=0.5, le=0.999,
    )  # fmt: skip
    budget: float | None = Field(
        None,
        gt=0,
        description="Average stock value to spend for the most fill, e.g. 7000000 or '7M'.",
        json_schema_extra=cli("--budget"),
    )
    question: str | None = Field(
        None,
        description="The question as asked: a budget (7M) or a fill rate (90%) in it is used "
        "when fill and budget are not given; with neither, the current policy is compared.",
        json_schema_extra=fills("question") | cli("--question"),
    )
    group: Group = None
    site_id: Site = None
    limit: int = Field(
        20, ge=1, le=100000, description="Most item rows listed (largest change first)."
    )

    @field_validator("budget", mode="before")
    @classmethod
    def _budget(cls, value: Any) -> Any:
        if isinstance(value, str):
            parsed = parse_amount(value)
            if parsed is None:
                raise ValueError(f"budget {value!r} is not an amount (try 7000000 or 7M)")
            return parsed
        return value

    @field_validator("fill", mode="before")
    @classmethod
    def _fill(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().endswith("%"):
            return float(value.strip()[:-1]) / 100.0
        return value


class ServiceLevelRow(BaseModel):
    item_id: str
    site_id: str
    criticality: str
    unit_cost: float
    current_reorder_point: float | None
    recommended_reorder_point: float
    order_qty: float
    expected_fill: float | None = Field(description="the item's own expected fill; None: no demand")
    value_change: float = Field(description="expected average stock value, new - current")


class ServiceLevelsResult(ToolResult):
    goal: str = Field(description="what the reorder points were chosen for")
    reachable: bool = Field(
        description="False when the history says the fill asked for is out of reach"
    )
    expected_fill: float = Field(description="store fill the plan is expected to reach")
    stock_value: float = Field(description="expected average stock value of the plan")
    current_expected_fill: float | None
    current_stock_value: float | None
    rows_planned: int
    rows_without_history: int = Field(
        description="rows with no demand: modelled from the store's silent items that "
        "started, never below their current reorder point"
    )
    replay: ReplayComparison | None = Field(
        None,
        description="the last 12 months replayed: current policy vs this one fitted before them",
    )
    rows: list[ServiceLevelRow]
    notes: list[str]


def _goal(args: ServiceLevelsInput) -> tuple[str, float | None, float | None]:
    fill, budget = args.fill, args.budget
    if fill is not None and budget is not None:
        raise InvalidArgumentError("give a fill rate or a budget, not both")
    if fill is None and budget is None and args.question:
        percent = PERCENT.search(args.question)
        if percent:
            fill = float(percent.group(1)) / 100.0
        else:
            budget = parse_amount(args.question)
    if fill is not None and not 0.5 <= fill <= 0.999:
        raise InvalidArgumentError(
            f"a store fill rate must be between 50% and 99.9%, not {fill:.1%}"
        )
    if fill is not None:
        return "fill", fill, None
    if budget is not None:
        return "budget", None, budget
    return "compare", None, None


def _planner(store: StoreHistory) -> StorePlanner:
    from stockwise.tools.replenish.cost_aware import StorePlanner

    return StorePlanner(
        store.monthly, store.lead_months, store.qty, store.price, current=store.current,
        klass=store.klass, critical_floor=CRITICAL_FLOOR,
    )  # fmt: skip


def plan_service_levels(ctx: ToolContext, args: ServiceLevelsInput) -> ServiceLevelsResult:
    """Reorder points for every item chosen together: the least stock value for a
    store-wide fill rate (`fill`), or the most fill for an average stock value (`budget`,
    e.g. "what fill rate can we have for 7 M?"); with neither, how this compares with the
    current reorder points ("how does your policy compare with our current Min/Max?"),
    replayed on the last 12 months. Items with little demand and a low price get more
    service, dear ones less; critical (A) items keep a floor. Monthly review; the order
    quantity is the current one (else the EOQ)."""
    import numpy as np

    from stockwise.tools.replenish.items import item_site_facts, store_evidence
    from stockwise.tools.replenish.store_history import store_history

    ds = ctx.dataset
    mode, fill, budget = _goal(args)
    facts = select_rows(ds, item_site_facts(ds), group=args.group, site_id=args.site_id)
    store = store_history(ds, ctx.settings, facts)
    if not len(store.facts):
        raise InvalidArgumentError("nothing to plan: the selected items have no lead time")
    if store.monthly.shape[1] < 3:
        raise InvalidArgumentError(
            f"{store.monthly.shape[1]} months of demand history: need at least 3 to plan"
        )
    planner = _planner(store)
    # Curves are built for the setting the goal needs (each costs a pass over all rows).
    setting = planner.calibration.choose(0.9).setting
    notes = [planner.calibration.note] if planner.calibration.note else []
    replay = None
    reachable = True
    if mode == "compare":
        replay, note = compare_with_current(store, _planner)
        notes += note
        fill = replay.current_fill if replay is not None else None
        if fill is None:
            curves = planner.curves(setting)
            cur_fill, _ = curves.at(store.current)
            modelled_fill = _weighted(cur_fill, curves.mean_demand, planner.modelled)
            fill = planner.calibration.achieved(setting, modelled_fill)
        fill = float(min(max(fill, 0.5), 0.999))
    if fill is not None:
        rop, choice = planner.for_fill(fill)
        setting = choice.setting
        reachable = choice.reachable
        goal = f"store fill {fill:.1%} at the least stock value"
        if not reachable:
            notes.append(f"{fill:.1%} is out of reach on this history: planned for "
                         f"{choice.predicted_fill:.1%}, the most it supports")  # fmt: skip
    else:
        assert budget is not None
        rop, _, _ = planner.for_budget(budget)
        goal = f"the most fill for an average stock value of {budget:,.0f}"
        setting = planner.calibration.setting_for_budget(budget)[0]
    curves = planner.curves(setting)
    new_fill, new_stock = curves.at(rop)
    cur_fill, cur_stock = curves.at(store.current)
    modelled = planner.modelled
    kept = planner.kept_value()
    value = float((np.where(modelled, new_stock, 0.0) * store.price).sum()) + kept
    current_value = float((np.where(modelled, cur_stock, 0.0) * store.price).sum()) + kept
    calibration = planner.calibration
    expected = calibration.achieved(setting, _weighted(new_fill, curves.mean_demand, modelled))
    if mode != "budget" and reachable:
        expected = float(fill or expected)  # the calibration chose the settings for it
    current_expected = calibration.achieved(
        setting, _weighted(cur_fill, curves.mean_demand, modelled)
    )
    if mode == "budget" and budget is not None and value > budget * 1.001:
        reachable = False
        notes.append(f"the order quantities alone hold {value:,.0f} on average: a budget of "
                     f"{budget:,.0f} cannot be met without smaller orders")  # fmt: skip
    rows = _rows(store, rop, new_fill, new_stock, cur_stock, modelled, args.limit)
    notes += [
        "expected fill: each item's demand over lead time + one month (review), sizes "
        "resampled from its own history with a tail for sizes never seen; calibrated on "
        "the history's own last 12 months",
        f"{int((~planner.seen).sum())} rows with no demand in {store.monthly.shape[1]} months:"
        " modelled from the store's silent items that started, never below their current "
        "reorder point",
    ]
    if store.left_out:
        notes.append(f"{store.left_out} rows without a lead time left out")
    return ServiceLevelsResult(
        goal=goal,
        reachable=reachable,
        expected_fill=float(expected),
        stock_value=value,
        current_expected_fill=float(current_expected),
        current_stock_value=current_value,
        rows_planned=len(store.facts),
        rows_without_history=int((~planner.seen).sum()),
        replay=replay,
        rows=rows,
        notes=notes,
        evidence=store_evidence(
            "plan_service_levels",
            args,
            ds,
            len(store.facts),
            len(ds.transactions),
            ids=[f"{r.item_id}@{r.site_id}" for r in rows[:MAX_EVIDENCE_IDS]],
            notes=[f"{store.monthly.shape[1]} months of demand up to {store.end.date()}"],
        ),  # fmt: skip
    )


def _weighted(fill: np.ndarray, demand: np.ndarray, rows: np.ndarray) -> float:
    total = demand[rows].sum()
    return float((fill[rows] * demand[rows]).sum() / total) if total > 0 else 1.0


def _rows(store, rop, fill, stock, cur_stock, modelled, limit) -> list[ServiceLevelRow]:  # type: ignore[no-untyped-def]
    import numpy as np

    change = np.where(modelled, (stock - cur_stock) * store.price, 0.0)
    order = np.argsort(-np.abs(change), kind="stable")[:limit]
    facts = store.facts
    return [
        ServiceLevelRow(
            item_id=str(facts["item_id"].iat[i]),
            site_id=str(facts["site_id"].iat[i]),
            criticality=str(store.klass[i]),
            unit_cost=float(store.price[i]),
            current_reorder_point=float(store.current[i]) if store.has_current[i] else None,
            recommended_reorder_point=float(rop[i]),
            order_qty=float(store.qty[i]),
            expected_fill=float(fill[i]) if modelled[i] else None,
            value_change=float(change[i]),
        )
        for i in order
    ]
