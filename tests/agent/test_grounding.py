"""The grounding check on its own: what counts as a figure from the tools, and what not."""

from __future__ import annotations

import json

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from stockwise.assistant.agent.grounding import (
    collect_sources,
    figures_in,
    mark_figures,
    ungrounded_figures,
)

RESULT = {
    "on_hand": 1234.5678,
    "value": 2456789.0,
    "share": 0.4167,
    "site": "S2",
    "as_of": "2025-09-30",
    "rows": [{"item_id": "4410"}, {"item_id": "4420"}],
}


def turn(question="how many seals at S2 in the next 30 days?", result=RESULT):
    return [
        HumanMessage(question),
        AIMessage(
            "",
            tool_calls=[
                {
                    "name": "on_hand",
                    "args": {"item": "seal", "top": 5},
                    "id": "c1",
                    "type": "tool_call",
                }
            ],
        ),
        ToolMessage(json.dumps(result), tool_call_id="c1", name="on_hand"),
    ]


@pytest.mark.parametrize(
    "answer",
    [
        "We have 1,234.57 on hand.",  # rounding to the decimals shown
        "We have 1234.5678 on hand.",
        "About 1,235 units.",
        "Worth $2,456,789.",
        "Worth 2.46M USD, about 2457k, or 2.5M.",  # abbreviations, rounded in their unit
        "That is 41.7% of the total, or 42%.",  # a fraction shown as a percentage
        "At S2, as of 2025-09-30, for item 4410.",  # ids and dates from the results
        "Over the next 30 days.",  # a figure from the question
        "The top 5 rows.",  # a figure from the tool arguments
        "2 items listed.",  # counting the rows of a result
        "1. first\n2. second",  # list numbering is not a figure
    ],
)
def test_grounded_answers_pass(answer):
    assert ungrounded_figures(answer, turn()) == []


@pytest.mark.parametrize(
    "answer,bad",
    [
        ("We have 1,240 on hand.", ["1,240"]),  # not a rounding of 1,234.57
        ("We have 1,234.6 on hand, 17 in transit.", ["17"]),
        ("Share 52%.", ["52%"]),
        ("Worth 2.4M.", ["2.4M"]),
        ("Cover is 63.2 days.", ["63.2"]),
    ],
)
def test_invented_figures_are_caught(answer, bad):
    assert ungrounded_figures(answer, turn()) == bad


def test_grounding_retry_text_does_not_ground_its_own_figures():
    retry = HumanMessage("figures 63.2", additional_kwargs={"stockwise_internal": "retry"})
    assert ungrounded_figures("Cover is 63.2 days.", [*turn(), retry]) == ["63.2"]


def test_marking_flags_only_the_ungrounded_figures():
    text = "We have 12 on hand and 120 on order, 12 at S1."
    assert mark_figures(text, ["12"]) == (
        "We have 12 [unverified] on hand and 120 on order, 12 [unverified] at S1."
    )


def test_figures_parse_separators_and_suffixes():
    assert [(w, v, d, s) for w, v, d, s in figures_in("$1,234.50 and 3.2k and 45%")] == [
        ("$1,234.50", 1234.5, 2, ""),
        ("3.2k", 3.2, 1, "k"),
        ("45%", 45.0, 0, "%"),
    ]


def test_sources_list_calls_and_document_citations():
    doc = {
        "hits": [{"doc_id": "MAN-P-07", "title": "Press manual", "section": "4.2", "text": "..."}]
    }
    msgs = [
        HumanMessage("how do I change the seal?"),
        AIMessage(
            "",
            tool_calls=[
                {
                    "name": "search_documents",
                    "args": {"query": "seal"},
                    "id": "d1",
                    "type": "tool_call",
                }
            ],
        ),
        ToolMessage(json.dumps(doc), tool_call_id="d1", name="search_documents"),
    ]
    assert collect_sources(msgs) == [
        {
            "tool": "search_documents",
            "args": {"query": "seal"},
            "status": "success",
            "citations": [{"doc_id": "MAN-P-07", "title": "Press manual", "section": "4.2"}],
        }
    ]
