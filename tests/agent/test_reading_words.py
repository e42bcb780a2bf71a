"""How the planner reads the words of a question: periods as people write them, items named
by a few words of their description in any order, and the cue words that settle a question's
type (a procedure is in the documents, "during its lead time" is lead-time demand)."""

from __future__ import annotations

import pandas as pd
import pytest

from stockwise.assistant.agent.planner.cues import cue_intent
from stockwise.assistant.agent.planner.entities import EntityExtractor
from stockwise.assistant.agent.planner.periods import find_period

AS_OF = pd.Timestamp("2025-09-30")


def period(text: str) -> dict:
    out: dict = {}
    find_period(text, out, AS_OF)
    return {k: (str(v)[:10] if k in ("start", "end") else v) for k, v in out.items()}


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("how much oil since july", "2025-07-01", "2025-09-30"),
        ("since 15 aug", "2025-08-15", "2025-09-30"),
        ("since the start of the year", "2025-01-01", "2025-09-30"),
        ("between 1 august and 15 september 2025", "2025-08-01", "2025-09-15"),
        ("between aug 1 and sep 15", "2025-08-01", "2025-09-15"),
        ("from july to september", "2025-07-01", "2025-09-30"),
        ("from 01.08.2025 to 15.09.2025", "2025-08-01", "2025-09-15"),
        ("from november to march", "2024-11-01", "2025-03-31"),  # the latest such span
        ("in august", "2025-08-01", "2025-08-31"),
    ],
)
def test_periods_as_people_write_them(text, start, end):
    assert period(text) == {"start": start, "end": end}


def test_a_period_after_the_data_is_flagged_not_clipped_silently():
    assert period("since december 2025")["future"] is True
    assert period("between 1 november 2025 and 5 december 2025")["future"] is True


def test_an_impossible_day_is_named_not_read_as_another_period():
    found = period("since 31 february")
    assert "start" not in found and found["impossible_date"] == "since 31 february"


def test_from_a_month_alone_is_not_a_period():
    # "from July deliveries": which July batch, not a time window
    assert period("the stock from july deliveries") == {
        "start": "2025-07-01",
        "end": "2025-07-31",
    }  # read as the month itself by the month rule, never as "July until today"


@pytest.fixture(scope="module")
def extractor(plant):
    return EntityExtractor(plant, set())


def test_an_item_named_by_words_of_its_description_in_any_order(extractor):
    # "PCB assy soldered" (2001) and "Steel bar 40mm" (1001), words shuffled
    assert extractor.extract("how many soldered pcb assy").values["item"] == "2001"
    assert extractor.extract("stock of 40mm steel bar at s1").values["item"] == "1001"


def test_words_no_description_holds_name_no_item_by_token(extractor):
    assert "item" not in extractor.extract("how many do we have").values


@pytest.mark.parametrize(
    ("question", "item_known", "intent"),
    [
        ("how should the solder paste be stored", False, "search_documents"),
        ("who has to approve a requisition above 5000", False, "search_documents"),
        ("what is our policy on critical spares", False, "search_documents"),
        ("what ppe for cleaning the mixer", False, "search_documents"),
        ("what reorder policy do you recommend for 4412", True, None),
        ("how much 4412 will we use during its lead time", True, "lead_time_demand"),
        ("will 4412 run out within its lead time", True, None),
        ("is usage of 4412 steady or sporadic", True, "demand_profile"),
        ("what has not been touched in a year", False, "slow_moving"),
        ("are there wrenches in a bill of materials", False, "find_anomalies"),
        ("what parts do the open orders still need", False, "wip_component_needs"),
        ("how many mos are still open at lakeside", False, "open_wip_orders"),
        ("which orders are stuck", False, "stalled_orders"),
        ("what is our wip worth", False, None),
        ("transactions of 4412 in august", True, "movements"),
        ("how much 4412 did we use in august", True, None),
        ("how many 4412 do we have", True, None),
        # requests to buy are the requisition draft; questions about ordering are not
        ("order 20 of 4412", True, "draft_purchase_requisitions"),
        ("can you raise a pr for the critical spares", False, "draft_purchase_requisitions"),
        ("how much should we order of 4412", True, None),
        ("is 10826 a spare or a component", True, "classify_item"),
        ("how variable is the demand for 4507", True, "demand_profile"),
        ("what do we do with scrap and quarantined stock", False, "search_documents"),
        ("replay the current min/max of 4444 on history", True, "simulate_policy"),
        ("what raw materials need to be reordered", False, "below_reorder_point"),
        ("recommended reorder point for the chiller fan motor", True, "recommend_reorder"),
    ],
)
def test_cue_words_settle_the_question_type(question, item_known, intent):
    assert cue_intent(question, {}, item_known) == intent


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("what will be out of stock within two weeks", "run_out_within"),
        ("which consumables won't last the next 30 days", "run_out_within"),
        ("which items are at risk of running out in 2 weeks", "stockout_risk"),
    ],
)
def test_a_horizon_with_running_out_is_a_run_out_question(question, intent):
    assert cue_intent(question, {"days": 14}, False) == intent
    assert cue_intent(question, {}, False) is None  # no horizon: the matcher decides
