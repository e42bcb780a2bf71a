"""BOM explosion, stage timing, projections and cycles on the hand-made plant."""

from __future__ import annotations

import pandas as pd
import pytest

from stockwise.tools.core.errors import UnknownEntityError
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.frames import dataset_from_frames
from stockwise.tools.replenish import (
    StockoutRiskInput,
    WipNeedsInput,
    stockout_risk,
    wip_component_needs,
)
from stockwise.tools.replenish.bom import BomCycleError, bom_lines, find_cycle
from stockwise.tools.replenish.wip import component_needs

from .conftest import plant_frames


def test_needs_follow_the_stages_still_ahead(plant_ctx):
    needs = component_needs(plant_ctx.dataset).set_index("item_id")
    # C2 is consumed at smt, which O1 has passed: already issued.
    assert "C2" not in needs.index
    c1 = needs.loc["C1"]
    assert c1.qty == 20.0 and c1.level == 1 and c1.stage == "assembly"
    # Soldering started 03-22, typical 2 days: on schedule it ended 03-24, then coating
    # (10 days) -> assembly 04-03. It is still soldering today (03-31): assembly 04-10.
    assert c1.on_schedule_date == pd.Timestamp("2026-04-03")
    assert c1.need_date == pd.Timestamp("2026-04-10")
    assert c1.delay_days == 7.0
    # 10 sub-assemblies at test (04-11): 4 from stock, 6 to make from 3 x C3 each.
    assert needs.loc["SA"].qty == 4.0
    c3 = needs.loc["C3"]
    assert c3.qty == 18.0 and c3.level == 2 and c3.path == "P1 > SA > C3"
    assert c3.need_date == pd.Timestamp("2026-04-11")


def test_alert_names_the_order_and_the_purchase_that_can_wait(plant_ctx):
    result = wip_component_needs(plant_ctx, WipNeedsInput(order_id="O1"))
    alerts = {a.item_id: a for a in result.alerts}
    # C1: 25 on hand - 20 on 04-10 = 5 < safety stock 10, within its 10-day lead time.
    assert alerts["C1"].below_safety_on == "2026-04-10"
    assert alerts["C1"].caused_by_orders == ["O1"]
    assert alerts["C1"].order_by == "2026-03-31"
    assert "SA" not in alerts  # needed on day 11, beyond its 3-day lead time
    assert any(
        "O1" in line
        and "soldering 9 days against a typical 2" in line
        and "C1" in line
        and "can move a week" in line
        for line in result.can_wait
    )


def test_no_alert_when_stock_covers_the_orders(plant_ctx):
    frames = plant_frames()
    frames["stock_levels"].loc[frames["stock_levels"]["item_id"] == "C1", "on_hand_qty"] = 40.0
    ctx = ToolContext(dataset_from_frames(frames), plant_ctx.settings)
    result = wip_component_needs(ctx, WipNeedsInput(product_item_id="P1"))
    assert "C1" not in {a.item_id for a in result.alerts}


def test_negative_projection_says_when_it_runs_out(plant_ctx):
    # Gloves: 10 boxes, 1 a day (today included), no lead time -> 30-day look ahead;
    # empty after 04-09, short on 04-10.
    result = stockout_risk(plant_ctx, StockoutRiskInput(group="mro"))
    gloves = next(a for a in result.alerts if a.item_id == "M2")
    assert gloves.runs_out_on == "2026-04-10"
    assert gloves.lowest_projected < 0
    assert "runs out 2026-04-10" in gloves.message


@pytest.mark.parametrize(
    ("edges", "cycle"),
    [
        ([("A", "B"), ("B", "C"), ("C", "A")], ["A", "B", "C", "A"]),
        ([("A", "A")], ["A", "A"]),
        ([("P", "A"), ("A", "B"), ("B", "A")], ["A", "B", "A"]),
    ],
)
def test_cycles_are_found(edges, cycle):
    boms = pd.DataFrame(
        [(p, c, 1.0, None) for p, c in edges],
        columns=["parent_item_id", "component_item_id", "qty_per", "stage"],
    )
    assert find_cycle(bom_lines(boms)) == cycle


def test_acyclic_bom_has_no_cycle(plant_ctx):
    assert find_cycle(bom_lines(plant_ctx.dataset.boms)) is None


def test_cycle_in_the_data_is_a_clear_error(plant_ctx):
    frames = plant_frames()
    extra = pd.DataFrame(
        {"parent_item_id": ["C3"], "component_item_id": ["SA"], "qty_per": [1.0], "stage": [None]}
    )
    frames["boms"] = pd.concat([frames["boms"], extra], ignore_index=True)
    ctx = ToolContext(dataset_from_frames(frames), plant_ctx.settings)
    with pytest.raises(BomCycleError, match="SA -> C3 -> SA"):
        wip_component_needs(ctx, WipNeedsInput(order_id="O1"))


def test_component_needs_keep_to_the_site_asked(plant_ctx):
    frames = plant_frames()
    frames["sites"] = pd.DataFrame({"site_id": ["S1", "S2"], "name": ["Plant 1", "Plant 2"]})
    ctx = ToolContext(dataset_from_frames(frames), plant_ctx.settings)
    here = wip_component_needs(ctx, WipNeedsInput(site_id="S1"))
    assert {n.order_id for n in here.needs} == {"O1"}
    assert wip_component_needs(ctx, WipNeedsInput(site_id="S2")).needs == []
    with pytest.raises(UnknownEntityError):
        wip_component_needs(ctx, WipNeedsInput(site_id="S9"))
