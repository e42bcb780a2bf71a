"""Cover, value, slow/excess, variance and the WIP tools on the hand-made plant."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from stockwise.tools.core.errors import InvalidArgumentError, UnknownEntityError
from stockwise.tools.stock import AGENT_TOOLS
from stockwise.tools.stock.cover import (
    DaysOfCoverInput,
    RunOutWithinInput,
    days_of_cover,
    run_out_within,
)
from stockwise.tools.stock.index import stock_index
from stockwise.tools.stock.value import (
    HELD_CRITICAL,
    HELD_KIT,
    InventoryValueInput,
    SlowMovingInput,
    VarianceInput,
    held_reasons,
    inventory_value,
    slow_moving_and_excess,
    variance,
)
from stockwise.tools.stock.wip import (
    OpenWipInput,
    StalledInput,
    WipValueInput,
    open_wip_orders,
    stalled_orders,
    wip_value,
)


def test_days_of_cover(ctx):
    # I1: demand in the 90-day window = 2 + 4 + 2 = 8 -> 8/90 a day; on hand 20 -> 225 days.
    cover = days_of_cover(ctx, DaysOfCoverInput(item="I1")).cover
    assert cover.demand_90d == 8
    assert cover.days_of_cover == pytest.approx(225)
    # Lead time falls back to SUP1's 20 days; 225 >= 20.
    assert (cover.lead_time_days, cover.runs_out_within_lead_time) == (20, False)
    # At S2 only: 8 on hand, 2 demand -> 8 / (2/90) = 360 days.
    at_s2 = days_of_cover(ctx, DaysOfCoverInput(item="I1", site="S2")).cover
    assert at_s2.days_of_cover == pytest.approx(360)


def test_no_demand_means_null_cover_never_infinity(ctx):
    result = days_of_cover(ctx, DaysOfCoverInput(item="Nitrile gloves L"))
    assert result.cover.days_of_cover is None
    assert '"demand_90d":0.0' in result.model_dump_json()  # zero, not "-0.0"
    assert result.cover.runs_out_within_lead_time is False
    assert "Infinity" not in result.model_dump_json() and "NaN" not in result.model_dump_json()


def test_critical_spares_running_out_within_lead_time(ctx):
    # I2: on hand 2, demand 4 + 3 = 7 in 90 days -> cover 2 / (7/90) = 25.71 < 30 days lead.
    # I1: cover 225 >= 20.
    result = run_out_within(
        ctx,
        RunOutWithinInput(
            within="lead_time", criticality="A", category="mro", mro_subtype="spare_part"
        ),
    )
    assert [(r.item_id, round(r.days_of_cover, 2)) for r in result.items] == [("I2", 25.71)]
    assert result.items[0].runs_out_within_lead_time is True


def test_run_out_within_days(ctx):
    # Cover: W1 0 (10 issued, 0 on hand), I2 25.71, I3 1200 / (550/90) = 196.36, I1 225.
    result = run_out_within(ctx, RunOutWithinInput(within=200))
    assert [r.item_id for r in result.items] == ["W1", "I2", "I3"]
    assert result.items[2].days_of_cover == pytest.approx(1200 / (550 / 90))
    assert [r.item_id for r in run_out_within(ctx, RunOutWithinInput(within=25)).items] == ["W1"]
    # W1 and P1 have no lead time at all: left out, and said so.
    by_lead = run_out_within(ctx, RunOutWithinInput())
    assert "W1" not in [r.item_id for r in by_lead.items]
    assert any("no lead time" in n for n in by_lead.evidence.notes)
    with pytest.raises(InvalidArgumentError):
        run_out_within(ctx, RunOutWithinInput(within=0))


def test_inventory_value_by_category_site_supplier(ctx):
    # I1 20x10 + I2 2x25 = 250 mro; I3 1200x2 = 2400; I4 40x8 = 320 (blank -> unclassified);
    # P1 5x500 = 2500; W1 0. Total 5470.
    by_category = inventory_value(ctx, InventoryValueInput(by="category"))
    assert by_category.total_value == 5470
    assert [(g.key, g.value) for g in by_category.groups] == [
        ("finished_good", 2500),
        ("raw_material", 2400),
        ("unclassified", 320),
        ("mro", 250),
        ("wip", 0),
    ]
    assert by_category.groups[3].items == 2 and by_category.groups[4].items == 0
    by_site = inventory_value(ctx, InventoryValueInput(by="site"))
    assert [(g.key, g.name, g.value) for g in by_site.groups] == [
        ("S1", "North Plant", 4990),
        ("S2", "South Plant", 480),
    ]
    by_supplier = inventory_value(ctx, InventoryValueInput(by="supplier"))
    assert {g.key: g.value for g in by_supplier.groups} == {
        "no supplier": 2500,
        "SUP2": 2400,
        "SUP1": 570,
    }
    s2 = inventory_value(ctx, InventoryValueInput(by="category", site="S2"))
    assert s2.total_value == 480


def test_inventory_value_of_a_filtered_group_is_that_groups_total(ctx):
    # "what are our MRO items worth": I1 + I2 = 250, not the whole 5470.
    mro = inventory_value(ctx, InventoryValueInput(category="mro"))
    assert mro.total_value == 250 and [g.key for g in mro.groups] == ["mro"]
    # each category's filtered total is its line in the breakdown, at every site too
    for site in (None, "S1", "S2"):
        breakdown = inventory_value(ctx, InventoryValueInput(by="category", site=site))
        for group in breakdown.groups:
            alone = inventory_value(ctx, InventoryValueInput(category=group.key, site=site))
            assert alone.total_value == group.value
    with pytest.raises(UnknownEntityError):
        inventory_value(ctx, InventoryValueInput(category="gadgets"))


def test_slow_moving_and_excess(ctx):
    result = slow_moving_and_excess(ctx, SlowMovingInput(days=180, cover_threshold=100))
    # Slow: P1 (5 x 500, never issued) and I4 (40 x 8, never issued); W1 has no stock.
    assert [(i.item_id, i.value) for i in result.slow_moving] == [("P1", 2500), ("I4", 320)]
    assert result.slow_value == 2820
    # Excess above 100 days of cover: I3 1200 - 100 x 550/90 = 588.89 KG x 2;
    # I1 20 - 100 x 8/90 = 11.11 EA x 10.
    assert [i.item_id for i in result.excess] == ["I3", "I1"]
    assert result.excess[0].excess_qty == pytest.approx(1200 - 100 * 550 / 90)
    assert result.excess_value == pytest.approx((1200 - 100 * 550 / 90) * 2 + (20 - 800 / 90) * 10)
    # I1's last demand was 2025-06-01, inside 60 days: not slow then; P1 and I4 still are.
    recent = slow_moving_and_excess(ctx, SlowMovingInput(days=20))
    assert [i.item_id for i in recent.slow_moving] == ["P1", "I4", "I1"]
    # I1 is a criticality-A spare: idle on purpose, counted apart and listed after the rest.
    assert [i.held for i in recent.slow_moving] == [None, None, HELD_CRITICAL]
    assert (recent.held_count, recent.held_value) == (1, 200)
    assert (result.held_count, result.held_value) == (0, 0)


def test_held_reasons_policy_kit_and_criticality(ctx):
    index = stock_index(ctx.dataset)
    reasons = dict(zip(index.item_ids, held_reasons(index, pd.Series(["W1"])), strict=True))
    # I3: 1000 at S1 with no reorder point is outside any policy; W1 sits in a PM kit; I1 and
    # I2 are criticality A; P1 and I4 have no policy at all.
    assert reasons == {
        "I1": HELD_CRITICAL, "I2": HELD_CRITICAL, "I3": None, "I4": None, "P1": None,
        "W1": HELD_KIT,
    }  # fmt: skip
    reasons = held_reasons(index, pd.Series([], dtype=object))
    assert reasons[index.item_ids.get_loc("W1")] is None


def test_variance_book_vs_on_hand(ctx):
    # I1@S1: book 20-5-2-4-1 = 8, on hand 12 -> +4 (40). I2@S1: book 3, on hand 2 -> -1 (-25).
    # I3@S1: T20 is after as_of, so book 1000 = on hand: no variance.
    result = variance(ctx, VarianceInput())
    assert [
        (r.item_id, r.site_id, r.book_balance, r.variance, r.variance_value) for r in result.rows
    ] == [("I1", "S1", 8, 4, 40), ("I2", "S1", 3, -1, -25)]
    assert (result.count, result.net_value, result.abs_value) == (2, 15, 65)
    assert [r.item_id for r in variance(ctx, VarianceInput(min_abs_value=30)).rows] == ["I1"]
    assert variance(ctx, VarianceInput(site="S2")).count == 0


def test_open_wip_orders_by_current_stage(ctx):
    result = open_wip_orders(ctx, OpenWipInput())
    # Open = MO1 (in_progress, at testing), MO2 (released, no stage yet), MO5 (at assembly).
    assert result.count == 3
    assert result.by_stage == {"assembly": 1, "not started": 1, "testing": 1}
    assert [o.order_id for o in result.orders] == ["MO5", "MO1", "MO2"]
    testing = open_wip_orders(ctx, OpenWipInput(stage="Testing", product="hydraulic pump"))
    assert [o.order_id for o in testing.orders] == ["MO1"]
    with pytest.raises(UnknownEntityError, match="no stage 'baking'"):
        open_wip_orders(ctx, OpenWipInput(stage="baking"))


def test_open_wip_orders_at_one_site(ctx):
    every = open_wip_orders(ctx, OpenWipInput())
    for site in ("S1", "South Plant"):
        at_site = open_wip_orders(ctx, OpenWipInput(site=site))
        code = "S2" if site == "South Plant" else site
        assert [o.order_id for o in at_site.orders] == [
            o.order_id for o in every.orders if o.site_id == code
        ]
    with pytest.raises(UnknownEntityError):
        open_wip_orders(ctx, OpenWipInput(site="Atlantis"))


def test_wip_value_contract_definition(ctx):
    # MO1 material: flour 300 x 2 + housings 10 x 120 = 1800; conversion of finished stages:
    # machining 10 x 0.5 x 60 = 300, assembly 9 x 1.0 x 60 = 540 -> 840; WIP 2640.
    # MO2: flour 200 x 2 + 10 x 2 (T20, booked to MO2 after the snapshot) = 420, no stage done.
    # MO5: flour 50 x 2 = 100; machining 6 x 0.5 x 60 = 180 -> 280.
    result = wip_value(ctx, WipValueInput())
    assert [
        (o.order_id, o.material_value, o.conversion_value, o.wip_value) for o in result.orders
    ] == [("MO1", 1800, 840, 2640), ("MO2", 420, 0, 420), ("MO5", 100, 180, 280)]
    assert (result.total_value, result.total_material, result.total_conversion) == (
        3340,
        2320,
        1020,
    )
    # A completed order on request: 8 x (0.5x60 + 1.0x60 + 0.25x100) = 920, flagged as not open.
    mo3 = wip_value(ctx, WipValueInput(order="mo3"))
    assert mo3.total_value == 920 and "not open" in mo3.evidence.notes[0]
    with pytest.raises(UnknownEntityError, match="no production order 'MO9'"):
        wip_value(ctx, WipValueInput(order="MO9"))
    # All three open orders are at S1; S2 has none open (MO3 is completed).
    assert wip_value(ctx, WipValueInput(site="S1")).total_value == 3340
    at_s2 = wip_value(ctx, WipValueInput(site="S2"))
    assert at_s2.total_value == 0 and at_s2.orders == []


def test_stalled_orders(ctx):
    # MO5 at assembly since 2025-03-05 00:00 -> 117.5 days at as_of; P1 assembly took 2, 2 and
    # 4 days (MO1, MO3, MO6) -> median 2 -> 58.75 times typical. MO1 at testing: only two
    # finished testing rows, too few for a typical time, so it is not judged.
    result = stalled_orders(ctx, StalledInput(factor=3))
    assert [(o.order_id, o.days_at_stage, o.typical_days, o.ratio) for o in result.orders] == [
        ("MO5", 117.5, 2.0, 58.75)
    ]
    # MO5 is at S1; S2 has no open order, so nothing there is stalled.
    assert [o.order_id for o in stalled_orders(ctx, StalledInput(site="S1")).orders] == ["MO5"]
    assert stalled_orders(ctx, StalledInput(site="S2")).count == 0
    assert stalled_orders(ctx, StalledInput(factor=60)).count == 0


def test_every_tool_is_documented_and_serialisable(ctx):
    assert len(AGENT_TOOLS) == 13
    for tool in AGENT_TOOLS:
        assert tool.__doc__ and len(tool.__doc__) > 60, tool.__name__
    payload = json.loads(wip_value(ctx, WipValueInput()).model_dump_json())
    assert payload["evidence"]["tool"] == "wip_value"
    assert payload["evidence"]["ids"] == ["MO1", "MO2", "MO5"]


def test_index_is_built_once_per_dataset(plant):
    from stockwise.tools.stock.index import stock_index

    index = stock_index(plant)
    assert stock_index(plant) is index
    if index.sql is None:  # a ledger left in the database has no arrays to build
        assert index.ledger is index.ledger  # the transaction arrays are built once, on demand


def test_ledger_in_time_order_gives_the_same_answers(ctx, plant):
    """Exports sorted by time take a faster path to the same arrays."""
    from stockwise.tools.core.settings import Settings
    from stockwise.tools.dataset.context import ToolContext
    from stockwise.tools.dataset.model import Dataset
    from stockwise.tools.stock.flow import DemandInput, demand

    tables = dict(plant.tables)
    tables["transactions"] = plant.transactions.sort_values("ts").reset_index(drop=True)
    in_order = ToolContext(Dataset(tables=tables, source="time-ordered"), Settings())
    for context in (ctx, in_order):
        assert (
            demand(
                context, DemandInput(category="raw_material", start="2025-06-01", end="2025-07-31")
            ).demand
            == 560
        )
        assert [
            r.item_id for r in run_out_within(context, RunOutWithinInput(within=200)).items
        ] == ["W1", "I2", "I3"]
        assert variance(context, VarianceInput()).net_value == 15


def test_no_stock_record_at_a_site_is_said_not_read_as_unlimited_cover(ctx):
    # I2 is stocked at S1 only: at S2 there is no on hand figure, so no cover either.
    result = days_of_cover(ctx, DaysOfCoverInput(item="I2", site="S2"))
    assert result.stock_record is False
    assert result.cover.days_of_cover is None and result.cover.runs_out_within_lead_time is None
    assert result.evidence.rows_used == {"stock_levels": 0}
    assert "I2 has no stock record at S2; it is stocked at S1" in result.evidence.notes
    # With a record (even at 0 on hand) the flag is set and cover is computed.
    assert days_of_cover(ctx, DaysOfCoverInput(item="I2", site="S1")).stock_record is True
    assert days_of_cover(ctx, DaysOfCoverInput(item="I1", site="S2")).stock_record is True


def test_both_wip_figures_name_their_definition_and_point_to_the_other(ctx):
    # The wip group of inventory value (items recorded as WIP, on hand x cost) and the WIP
    # value of open orders (the contract's) are different figures; each says so.
    value = inventory_value(ctx, InventoryValueInput(by="category"))
    assert any(
        "stock of items recorded as WIP" in n and "wip_value" in n for n in value.evidence.notes
    )
    orders = wip_value(ctx, WipValueInput())
    assert any("WIP value of open production orders" in n and "inventory_value" in n
               for n in orders.evidence.notes)  # fmt: skip
    # Grouped another way there is no wip line to confuse, so no note.
    assert inventory_value(ctx, InventoryValueInput(by="site")).evidence.notes == []
