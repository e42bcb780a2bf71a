"""Maintenance-driven demand on a hand-made plant whose answers are worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.forecast.combined import item_demand, load_forecast_data
from stockwise.tools.forecast.leadtime import lead_time_distribution

from .plant import AS_OF, hand_made_plant

ORIGIN = AS_OF.normalize()


def test_planned_demand_is_exact_on_a_hand_made_pm_plan():
    demand = item_demand(load_forecast_data(hand_made_plant()), "4410", None, 90)
    by_plan = {p.plan_id: p for p in demand.maintenance.planned}
    # P1: every 30 days, last done 10 days ago -> due in 20, 50, 80 days, 2 seals each.
    assert by_plan["P1"].due == [ORIGIN + pd.Timedelta(days=d) for d in (20, 50, 80)]
    # P2: every 300 run-hours at 10 h/day, last done 5 days (50 h) ago -> 25, 55, 85 days.
    assert by_plan["P2"].due == [ORIGIN + pd.Timedelta(days=d) for d in (25, 55, 85)]
    assert demand.maintenance.planned_qty == 3 * 2 + 3 * 1
    assert "P3" not in by_plan  # a plan with no kit plans no parts


def test_breakdowns_per_run_hour_and_their_parts():
    demand = item_demand(load_forecast_data(hand_made_plant()), "4410", None, 90)
    maint = demand.maintenance
    # 8 corrective work orders over 2 presses x 365 days x 10 h (the as-of day, not logged
    # yet, counted at the machines' average).
    assert maint.failure_rates["press"] == pytest.approx(8 / 7300 * 1000)
    assert maint.expected_failures == pytest.approx(8 / 7300 * 20 * 90)
    # Each breakdown drew 2 seals.
    assert maint.unplanned_mean == pytest.approx(2 * maint.expected_failures, rel=0.1)
    assert set(np.unique(maint.unplanned_samples) % 2) == {0.0}
    # Seals only went to work orders: nothing is left for the statistical part.
    assert demand.residual_samples.max() == 0
    assert demand.samples.min() >= 9


def test_missing_run_hour_days_are_filled_and_stated():
    demand = item_demand(load_forecast_data(hand_made_plant(usage_gaps=True)), "4410", None, 90)
    maint = demand.maintenance
    assert maint.failure_rates["press"] == pytest.approx(8 / 7300 * 1000, rel=0.02)
    assert any("missing run-hour days" in n for n in demand.notes)
    assert maint.planned_qty == 9


def test_item_without_maintenance_is_statistical_only():
    demand = item_demand(load_forecast_data(hand_made_plant()), "4490", None, 70)
    assert not demand.maintenance.applies
    # Lubricant is issued on ~20% of days, 1 L each: ~14 L in 70 days.
    assert 9 < demand.samples.mean() < 19


def test_lead_time_distribution_of_a_dataset_item():
    ctx = ToolContext(hand_made_plant(), Settings())
    dist = lead_time_distribution(ctx, "4410")  # lead time 30 days: P1 at 20 d, P2 at 25 d
    assert dist.lead_time_periods == 30
    assert dist.samples.min() >= 3
    assert dist.quantile(0.95) >= dist.quantile(0.5) >= 3
    never = lead_time_distribution(ctx, "4500")  # no lead time, no demand
    assert never.mean == 0 and any("14 days assumed" in n for n in never.notes)


def test_batch_forecast_of_every_mro_item_matches_the_item_model():
    from stockwise.tools.forecast.batch import forecast_all_mro

    data = load_forecast_data(hand_made_plant())
    table = forecast_all_mro(data, 90, n_samples=4000, progress=False).set_index("item_id")
    assert not table.isna().any().any()
    seal = item_demand(data, "4410", None, 90)
    assert table.loc["4410", "planned"] == seal.maintenance.planned_qty == 9
    assert table.loc["4410", "breakdowns"] == pytest.approx(
        seal.maintenance.unplanned_mean, rel=0.1
    )
    assert table.loc["4410", "other"] == 0
    assert table.loc["4490", "mean"] == pytest.approx(
        item_demand(data, "4490", None, 90).samples.mean(), rel=0.1
    )
    assert table.loc["4500", "mean"] == 0


def test_a_pm_work_order_is_accounted_for_up_to_its_kit():
    """Seals drawn on P1's work orders beyond its kit of 2 are not the plan's: they stay in
    the statistical remainder, so the forecast neither drops nor double-counts them."""
    data = load_forecast_data(hand_made_plant(pm_draws=3.0))
    demand = item_demand(data, "4410", None, 90)
    covered = demand.maintenance.covered
    pm = covered[covered.index.get_level_values("wo_id").str.startswith("WO-P")]
    assert len(pm) == 12 and set(pm) == {2.0}
    # One extra seal per 30 days: about 3 in 90 days.
    assert 1.5 < demand.residual_samples.mean() < 4.5
    assert demand.maintenance.planned_qty == 9
    exact = item_demand(load_forecast_data(hand_made_plant(pm_draws=2.0)), "4410", None, 90)
    assert exact.residual_samples.max() == 0


def test_uncovered_takes_the_covered_quantity_from_each_work_orders_issues():
    from stockwise.tools.forecast.maintenance import uncovered

    issues = pd.DataFrame(
        {
            "item_id": ["A", "A", "A", "B", "A"],
            "ref_id": ["W1", "W1", "W2", "W1", None],
            "qty": [1.0, 2.0, 4.0, 5.0, 7.0],
        }
    )
    covered = pd.Series(
        [2.0, 4.0],
        index=pd.MultiIndex.from_tuples([("A", "W1"), ("A", "W2")], names=["item_id", "wo_id"]),
    )
    left = uncovered(issues, covered)
    # W1: 2 of A's 3 covered (1 + 1 of the 2); W2 fully; B and the unreferenced issue kept.
    assert left.to_dict("list") == {
        "item_id": ["A", "B", "A"],
        "ref_id": ["W1", "W1", None],
        "qty": [1.0, 5.0, 7.0],
    }
