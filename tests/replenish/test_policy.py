"""Reorder points and order quantities on distributions whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.frames import dataset_from_frames
from stockwise.tools.replenish import RecommendReorderInput, recommend_reorder
from stockwise.tools.replenish.leadtime_demand import (
    empirical_samples,
    lead_time_samples,
    reorder_point_cycle,
    reorder_point_fill_rate,
)
from stockwise.tools.replenish.policy import order_quantity

from .conftest import plant_frames

UNIFORM = np.arange(100.0)[None, :]  # lead-time demand 0..99, each equally likely


def test_cycle_service_reorder_point_is_the_quantile():
    assert reorder_point_cycle(UNIFORM, np.array([0.90]))[0] == 89.0
    assert reorder_point_cycle(UNIFORM, np.array([0.99]))[0] == 98.0


def test_fill_rate_reorder_point_meets_expected_shortage():
    # E[(D - s)+] at s = k is (99 - k)(100 - k) / 200; with Q = 100 and 95% fill rate the
    # allowance is 5: k = 68 gives 4.96, k = 67 gives 5.28.
    assert reorder_point_fill_rate(UNIFORM, np.array([0.95]), np.array([100.0]))[0] == 68.0


def test_fill_rate_reorder_point_below_every_sample():
    # Demand is always 10; an order of 20 with 90% fill rate may lose 2 a cycle: s = 8.
    fixed = np.full((1, 50), 10.0)
    assert reorder_point_fill_rate(fixed, np.array([0.90]), np.array([20.0]))[0] == 8.0


def test_empirical_windows_sum_the_history():
    history = np.array([[1.0, 2.0, 3.0, 4.0]])
    samples = empirical_samples(history, np.array([2]), n=4)
    assert sorted(set(samples[0])) == [3.0, 5.0, 7.0]


INTERMITTENT = [0.0, 3.0, 0.0, 0.0, 1.0, 0.0, 0.0, 2.0]
STEADY = [1.0, 2.0, 1.0, 1.0, 3.0, 1.0, 2.0, 1.0]


def test_each_row_names_the_method_its_samples_come_from():
    history = np.array([INTERMITTENT, STEADY])
    samples, names = lead_time_samples(history, np.array([3, 3]))
    assert names == [
        "bootstrap of demand occurrences and sizes",
        "empirical windows (demand every day)",
    ]
    assert samples.shape[0] == 2 and (samples >= 0).all()
    _, names = lead_time_samples(history, np.array([3, 3]), "empirical")
    assert names == ["empirical windows", "empirical windows"]
    with pytest.raises(ValueError, match="bootstrap"):
        lead_time_samples(history, np.array([3, 3]), "bootstrap")


def test_the_evidence_names_the_lead_time_demand_methods_used():
    # Gloves (M2) are issued every day, the bearing (M1) now and then.
    frames = plant_frames()
    frames["items"].loc[frames["items"]["item_id"] == "M2", "lead_time_days"] = 5.0
    ctx = ToolContext(dataset_from_frames(frames), Settings())
    notes = recommend_reorder(ctx, RecommendReorderInput()).evidence.notes
    assert notes[0].endswith(
        "(bootstrap of demand occurrences and sizes, empirical windows (demand every day))"
    ), notes


def test_order_quantity_eoq_moq_and_multiple():
    settings = Settings(order_cost=50.0, holding_rate=0.25)
    one, cost = np.array([1.0]), np.array([10.0])
    nan = np.array([np.nan])
    # sqrt(2 x 365 x 50 / 2.5) = 120.8 -> 121
    assert order_quantity(one, cost, settings, nan, nan)[0] == 121.0
    assert order_quantity(one, cost, settings, np.array([150.0]), nan)[0] == 150.0
    assert order_quantity(one, cost, settings, nan, np.array([40.0]))[0] == 160.0


@pytest.mark.parametrize(("measure", "expected"), [("cycle", 6.0), ("fill_rate", 0.0)])
def test_constant_demand_reorder_point(measure, expected):
    # Gloves: 1 box a day, 5-day lead time + 1 day to the next review -> demand over the
    # protection time is exactly 6. A cycle target needs 6; a 90% fill rate with a 180-box
    # order tolerates losing those 6 (18 allowed per cycle).
    frames = plant_frames()
    frames["items"].loc[frames["items"]["item_id"] == "M2", "lead_time_days"] = 5.0
    ctx = ToolContext(dataset_from_frames(frames), Settings(service_measure=measure))
    result = recommend_reorder(ctx, RecommendReorderInput(item_id="M2"))
    row = result.rows[0]
    assert row.lead_time_demand_mean == pytest.approx(6.0)
    assert row.recommended_reorder_point == expected
    assert row.recommended_order_qty == 180.0  # EOQ 191 capped at 180 days of demand
    # (safety stock 0 + half an order of 180) x 4 per box
    assert row.recommended_stock_value == pytest.approx(360.0)


def test_a_critical_item_with_one_issue_in_the_year_keeps_one_on_the_shelf():
    # Bearing M1 (class A) issued once in the history year and bought 10 at a time: the
    # lead-time demand (mean 0.05) is under the shortage a 99% fill rate allows per order
    # of 10, which alone would plan a reorder point of 0.
    frames = plant_frames()
    frames["items"]["moq"] = [None, None, None, None, None, 10.0, None]
    txns = frames["transactions"]
    bearings = txns.index[txns["item_id"] == "M1"]
    frames["transactions"] = txns.drop(bearings[1:])
    ctx = ToolContext(dataset_from_frames(frames), Settings())
    row = recommend_reorder(ctx, RecommendReorderInput(item_id="M1")).rows[0]
    assert row.lead_time_demand_mean < 0.1
    assert row.recommended_reorder_point == 1.0
