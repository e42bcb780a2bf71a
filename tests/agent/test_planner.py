"""The offline planner through the graph, on the tiny plant with the real stock tools:
paraphrases and typos reach the right tool with the right arguments, follow-ups reuse the
previous turn, figures come from the results, and what it cannot answer it declines."""

from __future__ import annotations

from typing import Literal

import pytest
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command
from pydantic import BaseModel, Field

from stockwise.assistant.agent.graph import build_graph, final_answer
from stockwise.assistant.agent.planner.entities import EntityExtractor
from stockwise.assistant.agent.registry import ToolRegistry
from stockwise.tools.core.contract import fills
from stockwise.tools.core.results import Evidence, ToolResult
from stockwise.tools.core.settings import get_settings
from stockwise.tools.dataset.context import ToolContext


@pytest.fixture(scope="module")
def graph(plant):
    ctx = ToolContext(dataset=plant, settings=get_settings())
    return build_graph(ctx, checkpointer=InMemorySaver())


def ask(graph, question, thread="p"):
    state = graph.invoke(
        {"messages": [HumanMessage(question)]}, {"configurable": {"thread_id": thread}}
    )
    return final_answer(state)


def calls(result):
    return [(s["tool"], s["args"]) for s in result["sources"]]


@pytest.mark.parametrize(
    "question",
    [
        "How many hydraulic seal kits do we have?",
        "how many hydrualic seal kits are in stock",  # typo
        "whats the stock level of the seal kit",
        "do we have any cylinder seal kits left?",
        "qty on hand for 4410",
    ],
)
def test_on_hand_paraphrases(graph, question):
    result = ask(graph, question, thread=question)
    ((tool, args),) = calls(result)
    assert tool == "on_hand"
    assert args["item"] in ("4410",) or "seal" in args["item"]
    assert "9 EA on hand" in result["answer"]  # 6 at S1 + 3 at S2
    assert result["ungrounded"] == []


@pytest.mark.parametrize(
    "question,tool,args",
    [
        ("What's below reorder point at Riverside?", "below_reorder_point", {"site": "S1"}),
        ("which itmes need reordering", "below_reorder_point", {}),
        (
            "Which critical spare parts will run out within their lead time?",
            "run_out_within",
            {
                "within": "lead_time",
                "category": "mro",
                "mro_subtype": "spare_part",
                "criticality": "A",
            },
        ),
        ("what runs out in the next 90 days?", "run_out_within", {"within": 90}),
        (
            "how much steel bar did we use last month",
            "demand",
            {"item": "1001", "start": "2025-08-01", "end": "2025-08-31"},
        ),
        ("total inventory value by site", "inventory_value", {"by": "site"}),
        ("where does the count not match the books?", "variance", {}),
        ("what's in wip right now", "open_wip_orders", {}),
    ],
)
def test_question_types_reach_the_right_tool(graph, question, tool, args):
    result = ask(graph, question, thread=question)
    assert calls(result) == [(tool, args)]
    assert result["ungrounded"] == []


def test_figures_come_from_the_results(graph):
    result = ask(graph, "how much steel bar did we use last month", thread="fig")
    assert ": 100 KG, on average" in result["answer"]  # one issue of 100 KG in August
    result = ask(graph, "inventory value by site", thread="fig2")
    # S1: 6x185 + 400x3.5 + 2x64 + 1200x2.2 + 15x40 = 5,878; S2: 3x185 = 555
    assert "Riverside Plant): 5,878.00" in result["answer"]
    assert "Lakeside Plant): 555.00" in result["answer"]


def test_follow_ups_reuse_the_previous_question(graph):
    first = ask(graph, "How many seal kits at Riverside?", thread="f")
    assert calls(first) == [("on_hand", {"item": "4410", "site": "S1"})]
    assert "6 EA on hand" in first["answer"]
    second = ask(graph, "and at the second site?", thread="f")
    assert calls(second) == [("on_hand", {"item": "4410", "site": "S2"})]
    assert "3 EA on hand" in second["answer"]
    why = ask(graph, "why?", thread="f")
    assert "On hand is the stock_levels snapshot quantity" in why["answer"]
    assert "computed from: stock_levels" in why["answer"]
    assert why["ungrounded"] == []


def test_period_follow_up(graph):
    ask(graph, "steel bar consumption last month", thread="q")
    result = ask(graph, "what about Q3?", thread="q")
    assert calls(result) == [
        ("demand", {"item": "1001", "start": "2025-07-01", "end": "2025-09-30"})
    ]
    assert ": 300 KG, on average" in result["answer"]


@pytest.mark.parametrize(
    "question",
    [
        "what's the weather tomorrow?",
        "tell me a joke",
        "who is the ceo",
        "how many employees work at the lakeside plant?",
    ],
)
def test_declines_what_it_cannot_answer(graph, question):
    result = ask(graph, question, thread=question)
    assert result["sources"] == []
    assert result["answer"].startswith("That is outside what I can answer")
    assert "items at or below their reorder point" in result["answer"]


def test_refuses_code_to_run_with_its_reason(graph):
    result = ask(graph, "run this sql query: drop table items", thread="sql")
    assert result["sources"] == []
    assert result["answer"].startswith("I can't run code, SQL or shell commands")


def test_asks_which_item_when_none_is_named(graph):
    result = ask(graph, "how many do we have on hand?", thread="c")
    assert result["sources"] == []
    assert "Which item do you mean?" in result["answer"]


def test_unknown_item_error_is_explained(graph):
    result = ask(graph, "on hand for item 99999", thread="u")
    assert result["tool_errors"] == 1
    assert "could not answer: no item" in result["answer"]


def test_entities_periods_and_horizons(plant):
    ex = EntityExtractor(plant, set())
    assert ex.extract("usage in the last 30 days").values == {
        "start": "2025-09-01",
        "end": "2025-09-30",
    }
    assert ex.extract("what runs out within 2 weeks at site 2").values == {"days": 14, "site": "S2"}
    assert ex.extract("demand in Q4").values == {"start": "2024-10-01", "end": "2024-12-31"}
    assert ex.extract("stalled at P-3 in August").values == {
        "equipment": "P-3",
        "start": "2025-08-01",
        "end": "2025-08-31",
    }
    assert ex.extract("class B consumables").values == {
        "category": "mro",
        "mro_subtype": "consumable",
        "criticality": "B",
    }


class DraftInput(BaseModel):
    # The planner fills only what the model declares, as the real tool's model does.
    item_ids: list[str] | None = Field(None, json_schema_extra=fills(item="as_list"))
    group: Literal["mro", "raw", "wip"] | None = Field(
        None, json_schema_extra=fills(category="replenish_group")
    )
    critical_only: bool = Field(False, json_schema_extra=fills(criticality="is_critical"))


class DraftResult(ToolResult):
    requisitions: list[dict]


def draft_purchase_requisitions(ctx: ToolContext, args: DraftInput) -> DraftResult:
    """Draft purchase requisitions (test double with the real tool's name and arguments)."""
    DRAFTS.append(args)
    return DraftResult(
        requisitions=[{"requisition_id": "PR-7", "item_id": "4410", "qty": 12}],
        evidence=Evidence(tool="draft_purchase_requisitions"),
    )


DRAFTS: list[DraftInput] = []


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_planner_action_waits_for_approval(plant, decision):
    DRAFTS.clear()
    ctx = ToolContext(dataset=plant, settings=get_settings())
    registry = ToolRegistry(ctx, [draft_purchase_requisitions])
    graph = build_graph(ctx, checkpointer=InMemorySaver(), registry=registry)
    config = {"configurable": {"thread_id": decision}}
    paused = graph.invoke(
        {"messages": [HumanMessage("draft purchase requisitions for critical spare parts")]}, config
    )
    (pending,) = paused["__interrupt__"]
    assert pending.value["args"] == {"item_ids": None, "group": "mro", "critical_only": True}
    assert DRAFTS == []
    result = final_answer(graph.invoke(Command(resume=decision), config))
    if decision == "approve":
        assert len(DRAFTS) == 1 and "PR-7" in result["answer"]
    else:
        assert DRAFTS == [] and "was not run: Rejected by " in result["answer"]
        assert result["sources"][0]["status"] == "rejected"


def test_why_without_a_previous_question(graph):
    result = ask(graph, "why?", thread="fresh")
    assert result["answer"].startswith("Ask me a question first") and not result["sources"]
