"""find_items, on_hand, below_reorder_point, movements and demand on the hand-made plant."""

from __future__ import annotations

import pytest

from stockwise.tools.core.errors import InvalidArgumentError, UnknownEntityError, UnknownItemError
from stockwise.tools.stock.flow import DemandInput, MovementsInput, demand, movements
from stockwise.tools.stock.levels import (
    BelowReorderPointInput,
    FindItemsInput,
    OnHandInput,
    below_reorder_point,
    find_items,
    on_hand,
)
from stockwise.tools.stock.resolve import AmbiguousItemError


def test_find_items_tolerates_abbreviations_and_typos(ctx):
    found = find_items(ctx, FindItemsInput(query="hyd seal")).items
    # "hyd" abbreviates "hydraulic" (I1), and is the word the ERP holds for I2.
    assert {f.item_id for f in found[:2]} == {"I1", "I2"}
    assert found[0].score >= 95
    contraction = find_items(ctx, FindItemsInput(query="nitr glvs", limit=1)).items
    assert contraction[0].item_id == "I4"  # "glvs" keeps the letters of "gloves" in order
    typo = find_items(ctx, FindItemsInput(query="hydralic pmup", limit=1)).items
    assert typo[0].item_id == "P1"
    by_id = find_items(ctx, FindItemsInput(query="w1", limit=3))
    assert by_id.items[0].item_id == "W1" and by_id.items[0].on_hand == 0
    assert by_id.evidence.tool == "find_items" and by_id.evidence.ids[0] == "W1"


def test_on_hand_per_site_total_and_value(ctx):
    result = on_hand(ctx, OnHandInput(item="I1"))
    [item] = result.items
    # I1: 12 at S1 + 8 at S2 = 20 EA, at 10 each = 200.
    assert (item.on_hand, item.value, item.uom) == (20, 200, "EA")
    assert [(s.site_id, s.on_hand, s.value) for s in item.sites] == [
        ("S1", 12, 120),
        ("S2", 8, 80),
    ]
    at_s2 = on_hand(ctx, OnHandInput(item="Hydraulic seal 50mm", site="South Plant")).items[0]
    assert (at_s2.on_hand, at_s2.value) == (8, 80)
    assert result.evidence.rows_used == {"stock_levels": 2}
    assert result.evidence.as_of.isoformat() == "2025-06-30T12:00:00"


def test_on_hand_description_fitting_several_items_lists_each(ctx):
    result = on_hand(ctx, OnHandInput(item="hydraulic seal"))
    assert [(i.item_id, i.on_hand) for i in result.items] == [("I1", 20), ("I2", 2)]
    assert result.evidence.notes


def test_unknown_item_names_it_and_suggests_closest(ctx):
    with pytest.raises(UnknownItemError) as err:
        on_hand(ctx, OnHandInput(item="pump casing"))
    assert str(err.value).startswith("no item 'pump casing'; closest matches: ")
    assert "P1 Hydraulic pump assembly" in err.value.suggestions
    with pytest.raises(UnknownItemError) as by_id:
        on_hand(ctx, OnHandInput(item="ZZ-9"))
    assert by_id.value.suggestions  # never a bare "not found"


def test_unknown_site_and_ambiguous_item(ctx):
    with pytest.raises(UnknownEntityError, match="no site 'East'"):
        on_hand(ctx, OnHandInput(item="I1", site="East"))
    with pytest.raises(AmbiguousItemError, match="matches 2 items"):
        demand(ctx, DemandInput(item="hydraulic seal"))


def test_below_reorder_point(ctx):
    result = below_reorder_point(ctx, BelowReorderPointInput())
    # I1@S1 12 <= 15, I2@S1 2 <= 3, I3@S2 200 <= 300; I1@S2 8 > 5; rows without ROP never.
    # Criticality A first, then the larger shortfall.
    assert result.count == 3
    assert [(r.item_id, r.site_id, r.shortfall) for r in result.rows] == [
        ("I1", "S1", 3),
        ("I2", "S1", 1),
        ("I3", "S2", 100),
    ]
    only_c = below_reorder_point(ctx, BelowReorderPointInput(criticality="C", site="S2"))
    assert [r.item_id for r in only_c.rows] == ["I3"]
    mro = below_reorder_point(ctx, BelowReorderPointInput(category="MRO"))
    assert [r.item_id for r in mro.rows] == ["I1", "I2"]
    spares = BelowReorderPointInput(category="mro", mro_subtype="spare_part")
    assert [r.item_id for r in below_reorder_point(ctx, spares).rows] == ["I1", "I2"]
    tools = BelowReorderPointInput(category="mro", mro_subtype="tool")
    assert below_reorder_point(ctx, tools).count == 0


def test_demand_counts_issues_only_with_both_ends_included(ctx):
    # 2025-04-15 .. 2025-06-01: T2 (04-15 10:00, 2) + T7 (05-10 at S2, 2) + T3 (06-01 09:00, 4).
    # T4 is scrap, not demand; T5 (03-01) is before the period.
    result = demand(ctx, DemandInput(item="I1", start="2025-04-15", end="2025-06-01"))
    assert result.demand == 8
    assert result.days == 48
    assert result.avg_daily_demand == pytest.approx(8 / 48)
    at_s1 = demand(ctx, DemandInput(item="I1", site="S1", start="2025-04-15", end="2025-06-01"))
    assert at_s1.demand == 6
    inner = demand(ctx, DemandInput(item="I1", start="2025-04-16", end="2025-05-31"))
    assert inner.demand == 2


def test_demand_of_a_category_and_default_period(ctx):
    # raw_material = I3: 300 (06-10) + 200 (06-20) + 50 (06-25, sales) + 10 (07-01) = 560.
    raw = demand(ctx, DemandInput(category="raw_material", start="2025-06-01", end="2025-07-31"))
    assert raw.demand == 560 and raw.top_items[0].item_id == "I3"
    # Default: the 90 days 2025-04-02 .. 2025-06-30. mro = I1 (2+4+2) + I2 (4+3) = 15.
    mro = demand(ctx, DemandInput(category="mro"))
    assert (str(mro.start), str(mro.end), mro.demand) == ("2025-04-02", "2025-06-30", 15)
    assert [(i.item_id, i.demand) for i in mro.top_items] == [("I1", 8), ("I2", 7)]
    spares = demand(ctx, DemandInput(mro_subtype="spare_part"))
    assert spares.demand == 15 and spares.items_in_group == 2


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2025-06-10", "2025-06-01", "ends (2025-06-01) before it starts (2025-06-10)"),
        ("2025-02-30", None, "start date '2025-02-30' is not a date"),
        (None, "next tuesday", "end date 'next tuesday' is not a date"),
    ],
)
def test_impossible_dates_are_refused(ctx, start, end, message):
    with pytest.raises(InvalidArgumentError, match=message.replace("(", r"\(").replace(")", r"\)")):
        demand(ctx, DemandInput(item="I1", start=start, end=end))
    with pytest.raises(InvalidArgumentError):
        movements(ctx, MovementsInput(item="I1", start=start, end=end))


def test_demand_needs_exactly_one_subject(ctx):
    with pytest.raises(InvalidArgumentError, match="either an item"):
        demand(ctx, DemandInput())
    with pytest.raises(UnknownEntityError, match="no category 'spares'"):
        demand(ctx, DemandInput(category="spares"))


def test_movements_latest_first_with_totals(ctx):
    result = movements(ctx, MovementsInput(item="I1", start="2025-01-01", end="2025-06-30"))
    assert [m.txn_id for m in result.movements] == ["T4", "T3", "T7", "T2", "T5", "T6", "T1"]
    # 20 + 10 opening, -(5+2+4+2) issues, -1 scrap.
    assert result.qty_by_type == {"adjustment": 30, "issue_maintenance": -13, "scrap": -1}
    assert result.net_qty == 16
    assert result.movements[0].ref_type is None
    issues = movements(
        ctx,
        MovementsInput(
            item="I1", site="S1", txn_types=["issue_maintenance"], limit=2, start="2025-01-01"
        ),
    )
    assert issues.count == 3 and [m.txn_id for m in issues.movements] == ["T3", "T2"]
    with pytest.raises(InvalidArgumentError, match="unknown transaction type issue"):
        movements(ctx, MovementsInput(item="I1", txn_types=["issue"]))


def test_demand_carries_its_value_at_standard_unit_cost(ctx):
    # I1 demand 2025-04-15..2025-06-01: 2 (S1) + 2 (S2) + 4 (S1) = 8 EA x unit cost 10 = 80.
    one = demand(ctx, DemandInput(item="I1", start="2025-04-15", end="2025-06-01"))
    assert (one.demand, one.value, one.currency) == (8, 80, "USD")
    assert (one.top_items[0].unit_cost, one.top_items[0].value) == (10, 80)
    assert any("demand x unit_cost" in n and "no purchase prices" in n for n in one.evidence.notes)
    # A group adds money across units: each item's demand at its own cost.
    group = demand(ctx, DemandInput(category="mro"))
    assert group.value == pytest.approx(sum(i.demand * i.unit_cost for i in group.top_items))
    assert group.value == pytest.approx(sum(i.value for i in group.top_items))
