"""Bad input: clear messages, no crash."""

from __future__ import annotations

import pytest

from stockwise.tools.core.errors import InvalidArgumentError, UnknownEntityError, UnknownItemError
from stockwise.tools.replenish import (
    RecommendReorderInput,
    SimulatePolicyInput,
    WipNeedsInput,
    recommend_reorder,
    simulate_policy,
    wip_component_needs,
)


def test_unknown_item_suggests_close_ids(plant_ctx):
    with pytest.raises(UnknownItemError) as err:
        recommend_reorder(plant_ctx, RecommendReorderInput(item_id="C11"))
    assert "C1" in err.value.suggestions


def test_unknown_site_and_order(plant_ctx):
    with pytest.raises(UnknownEntityError, match="site 'S9'"):
        recommend_reorder(plant_ctx, RecommendReorderInput(site_id="S9"))
    with pytest.raises(UnknownEntityError, match="production order 'O9'"):
        wip_component_needs(plant_ctx, WipNeedsInput(order_id="O9"))
    with pytest.raises(InvalidArgumentError, match="O0 is completed"):
        wip_component_needs(plant_ctx, WipNeedsInput(order_id="O0"))


def test_missing_zero_lead_times_and_no_demand_are_explained(plant_ctx):
    result = recommend_reorder(plant_ctx, RecommendReorderInput())
    rows = {r.item_id: r for r in result.rows}
    assert rows["M2"].recommended_reorder_point is None
    assert "no lead time" in rows["M2"].note
    assert any("M2 at S1: no lead time" in p and "SUP4" in p for p in result.problems)
    assert any("lead time of 0 days" in p and "C3" in p for p in result.problems)
    assert "lead time 0 days: planned with 1 day" in rows["C3"].note
    # No demand in the last year: the current policy stands, and the row says why.
    assert rows["C1"].recommended_reorder_point == 10.0
    assert "no demand" in rows["C1"].note
    assert "no criticality recorded" in rows["C3"].note


def test_simulation_refusals(plant_ctx):
    with pytest.raises(InvalidArgumentError, match="given policy needs"):
        simulate_policy(plant_ctx, SimulatePolicyInput(policy="given", item_id="M1"))
    with pytest.raises(InvalidArgumentError, match="nothing to simulate"):
        simulate_policy(plant_ctx, SimulatePolicyInput(item_id="M2"))


def test_given_policy_is_replayed(plant_ctx):
    # Bearings: 1 every 10 days; starting with 1 + 1 and never below 1 before the order
    # lands 5 days later, so no stockout, one order every ~10 days.
    result = simulate_policy(
        plant_ctx,
        SimulatePolicyInput(policy="given", item_id="M1", reorder_point=1, order_qty=1),
    )
    given = next(
        f
        for f in result.figures
        if f.policy == "given" and f.group == "all" and f.criticality == "all"
    )
    assert given.fill_rate == 1.0 and given.stockout_days == 0
    assert given.orders == 36
