"""The Q&A scorer can fail: a neighbouring figure, a contradicting headline, a figure found
only in the rows, a refusal where an answer was due, an offline answer in an endpoint run.
And it counts a decline, a clarifying question and an approval pause apart."""

from __future__ import annotations

import pytest

from .checkout import load_eval

scoring = load_eval("qa.scoring")
Exp, Fig = scoring.Expectation, scoring.FigureSpec

DESCRIPTIONS = ("SEAL KIT CYL 60MM P/N SK-9908", "NITRILE GLOVES L BOX/100", "SUGAR GRAN. 25KG")
ON_HAND = (
    "10757 SEAL KIT CYL 60MM P/N SK-9908: 3 EA on hand (value 567.18), by site:\n\n"
    "- S1 (Riverside Plant): 1 EA (value 189.06)\n- S2 (Lakeside Plant): 2 EA (value 378.12)"
)
VARIANCE = (
    "5 item-site rows have a variance between on hand and the book balance: net value "
    "-16.90, absolute 320.90. Largest value first:\n\n"
    "- 4466 NOZZLE PNP JUKI 503 (S1): counted 24 EA, books say 20: variance +4 EA\n"
    "- 4473 EAR PLUGS FOAM BOX 200 (S1): counted 4 BOX, books say 7: variance -3 BOX"
)


def answer(text: str, tools=("on_hand",), **extra) -> dict:
    return {
        "answer": text,
        "sources": [{"tool": t} for t in tools],
        "ungrounded": [],
        "model_calls": 2,
        "notice": None,
        "pending_actions": [],
        **extra,
    }


def judge(exp, result, endpoint=None):
    return scoring.judge(exp, result, "q", endpoint, DESCRIPTIONS)


def test_the_right_figure_in_the_headline_is_correct():
    exp = Exp(figures=[Fig([3.0], "qty", headline=True, unit="EA")])
    assert judge(exp, answer(ON_HAND)).bucket == "correct"


@pytest.mark.parametrize("wrong", [4.0, 6.0, 2.0])
def test_a_neighbouring_count_fails_even_when_it_is_somewhere_in_the_answer(wrong):
    # 4 and 2 are in the rows (variance +4 EA, S2's 2 EA): the lenient scorer passed them.
    exp = Exp(figures=[Fig([wrong], "count", headline=True)])
    verdict = judge(exp, answer(VARIANCE, ("variance",)))
    assert verdict.bucket == "confident_wrong"
    assert any("headline" in f for f in verdict.failures)


def test_counts_are_exact_and_money_is_to_the_cent():
    assert not Fig([240.0], "count").matches(scoring.figures("241 items")[0])
    assert Fig([567.18], "money").matches(scoring.figures("567.18")[0])
    assert not Fig([567.18], "money").matches(scoring.figures("569.00")[0])
    # the rounding the answer shows is allowed: 16.98M for 16,975,361.99
    assert Fig([16_975_361.99], "money").matches(scoring.figures("16.98M")[0])
    assert Fig([1_234.5], "qty").matches(scoring.figures("1,234.5")[0])


def test_a_contradicting_figure_in_the_headline_fails():
    # The item's value is asked; the headline gives the whole inventory's.
    text = "Inventory is worth 16,975,361.99 USD. Item 10200 holds 72.48 of it."
    exp = Exp(figures=[Fig([72.48], "money", unit="money")])
    verdict = judge(exp, answer(text, ("inventory_value",)))
    assert verdict.bucket == "confident_wrong"
    assert any("headline says 16,975,361.99" in f for f in verdict.failures)


def test_a_true_figure_of_the_same_unit_is_no_contradiction():
    text = "26 production orders are open; by current stage: baking 7, soldering 5."
    exp = Exp(
        figures=[Fig([7.0], "count", headline=True)],
        context=[Fig([26.0], "count", unit="orders")],
    )
    assert judge(exp, answer(text, ("open_wip_orders",))).bucket == "correct"
    exp = Exp(figures=[Fig([25.0], "count", headline=True, unit="orders")])
    assert judge(exp, answer(text, ("open_wip_orders",))).bucket == "confident_wrong"


def test_ids_the_question_names_prove_nothing():
    exp = Exp(ids=["10757"])
    assert exp.discriminating("what is the stock of 10757?") == []
    assert exp.discriminating("what is the stock of the SK-9908 seal kit?") == ["ids"]


def test_a_classification_must_state_the_true_label_as_its_verdict():
    text = "4471 NITRILE GLOVES L BOX/100 is MRO (safety item), not WIP as the ERP records it."
    assert judge(Exp(label="mro"), answer(text, ("classify_item",))).bucket == "correct"
    verdict = judge(Exp(label="wip"), answer(text, ("classify_item",)))
    assert verdict.bucket == "confident_wrong"


def test_a_decline_a_clarification_and_a_pause_are_counted_apart():
    exp = Exp(figures=[Fig([3.0], "qty", headline=True)])
    decline = answer("That is outside what I can answer from the plant's data.", ())
    clarify = answer("Which item do you mean? Give its id or words from its description.", ())
    pause = answer("", (), pending_actions=[{"action": "draft_purchase_requisitions"}])
    assert judge(exp, decline).bucket == "declined"
    assert judge(exp, clarify).bucket == "clarified"
    assert judge(exp, pause).bucket == "paused"
    assert judge(Exp(outcome=("decline",)), decline).bucket == "correct"
    # an answer where a refusal was due is a confident wrong answer
    assert judge(Exp(outcome=("decline",)), answer(ON_HAND)).bucket == "confident_wrong"


def test_an_approval_pause_must_be_for_the_right_action_and_arguments():
    exp = Exp(
        outcome=("approval",),
        approval=scoring.Approval("draft_purchase_requisitions", {"critical_only": True}),
    )
    right = {"action": "draft_purchase_requisitions", "args": {"critical_only": True}}
    wrong = {"action": "draft_purchase_requisitions", "args": {"critical_only": None}}
    assert judge(exp, answer("", (), pending_actions=[right])).bucket == "correct"
    assert judge(exp, answer("", (), pending_actions=[wrong])).bucket == "confident_wrong"


def test_with_an_endpoint_an_offline_answer_fails():
    exp = Exp(figures=[Fig([3.0], "qty", headline=True)])
    notice = (
        "The model endpoint http://127.0.0.1:9/v1 did not answer (no connection); this "
        "answer comes from the offline planner.\n\n"
    )
    down = answer(notice + ON_HAND, model_calls=0, notice=notice.strip())
    assert judge(exp, down, endpoint="http://127.0.0.1:9/v1").bucket == "fallback"
    assert judge(exp, answer(ON_HAND, model_calls=0), "http://x/v1").bucket == "fallback"
    # offline runs are not penalised for being offline, and the notice is not the headline
    assert judge(exp, down).bucket == "correct"


def test_a_description_with_a_full_stop_does_not_end_the_headline():
    text = "1002 SUGAR GRAN. 25KG: 6,782.19 KG on hand (value 6,443.08)."
    masked = scoring.mask(text, DESCRIPTIONS)
    assert "6,782.19" in scoring.headline(masked)
    assert [f.value for f in scoring.figures(scoring.headline(masked))] == [6782.19, 6443.08]


DEMAND = (
    "Demand for 1007 RYE FLOUR from 2025-08-01 to 2025-08-31 (31 days): {qty} KG, on "
    "average 2,516.49 KG a day; worth 62,408.90 USD at standard unit cost, 0.80 per KG."
)


def test_a_unit_price_and_a_window_are_not_contradictions_but_a_wrong_quantity_is():
    exp = Exp(figures=[Fig([78011.13], "qty", headline=True, unit="KG")])
    assert judge(exp, answer(DEMAND.format(qty="78,011.13"), ("demand",))).bucket == "correct"
    wrong = judge(exp, answer(DEMAND.format(qty="77,011.13"), ("demand",)))
    assert wrong.bucket == "confident_wrong"
    cover = (
        "4430 has 11.25 days of cover: 2 EA at 0.18 EA a day "
        "(16 EA used in the 90 days to 2025-09-30)."
    )
    days = Exp(figures=[Fig([11.25], "qty", headline=True, unit="day")])
    assert judge(days, answer(cover, ("days_of_cover",))).bucket == "correct"


def test_the_planners_clarifying_questions_are_counted_as_clarifications():
    # One definition (planner/readings.py CLARIFYING) for the planner's wording and the
    # scorer: a question listing readings used to end "Reply with the number" and was
    # counted as a decline.
    from stockwise.assistant.agent.planner.brain import clarify
    from stockwise.assistant.agent.planner.readings import ask_which_intent, ask_which_item

    exp = Exp(figures=[Fig([3.0], "qty", headline=True)])
    asked = [
        ask_which_intent(["slow-moving and excess stock", "items at risk of a stockout"]),
        "I see item 10082, but not what you want to know about it. "
        + ask_which_intent(["on hand", "demand"]),
        ask_which_item("ptfe tape", ["10001 PTFE TAPE 12MM", "10002 PTFE TAPE 12MM"]),
        clarify(["item"]),
        clarify(["period"]),
    ]
    for text in asked:
        assert judge(exp, answer(text, ())).bucket == "clarified", text
    # a decline is still a decline, and an answer that merely ends in a list is an answer
    decline = answer("That is outside what I can answer from the plant's data.", ())
    assert judge(exp, decline).bucket == "declined"


def test_no_demand_is_a_demand_class_and_must_be_the_right_one():
    none = Exp(demand_class="none")
    said = "11722 has had no demand: demand in 0 of 27 months, 0 in total."
    assert judge(none, answer(said, ("demand_profile",))).bucket == "correct"
    smooth = "Demand for 11722 is smooth (regular in both timing and size): 27 of 27 months."
    assert judge(none, answer(smooth, ("demand_profile",))).bucket == "confident_wrong"
    assert judge(Exp(demand_class="smooth"), answer(said, ("demand_profile",))).bucket != (
        "correct"
    )
    # a class described by its empty months is not "no demand"
    lumpy = "Demand for 4412 is lumpy: months with no demand are common, sizes vary."
    assert judge(Exp(demand_class="lumpy"), answer(lumpy, ("demand_profile",))).bucket == (
        "correct"
    )
