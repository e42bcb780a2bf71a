"""The graph driven by a scripted model: tool calls, errors, parallel calls, an approval
interrupt and its resume, grounding, and memory across turns."""

from __future__ import annotations

import json

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from stockwise.assistant.agent.graph import build_graph, final_answer
from stockwise.assistant.agent.memory import open_checkpointer
from stockwise.assistant.agent.registry import ToolRegistry

from . import fakes
from .fakes import ScriptedChatModel, ask_tools, call


def make(ctx, script, checkpointer=None):
    model = ScriptedChatModel(script=script)
    registry = ToolRegistry(ctx, fakes.TEST_TOOLS)
    return build_graph(
        ctx, model, checkpointer=checkpointer or InMemorySaver(), registry=registry
    ), model


def run(graph, payload, thread="t"):
    if isinstance(payload, str):
        payload = {"messages": [HumanMessage(payload)]}
    return graph.invoke(payload, {"configurable": {"thread_id": thread}})


def tool_messages(state):
    return [m for m in state["messages"] if isinstance(m, ToolMessage)]


def test_tool_call_then_grounded_answer_with_sources(ctx):
    graph, model = make(
        ctx,
        [
            ask_tools(call("stock_of", {"item_id": "4410"}, "c1")),
            AIMessage("We have 9 seal kits on hand."),
        ],
    )
    state = run(graph, "how many 4410?")
    result = final_answer(state)
    assert result["answer"] == "We have 9 seal kits on hand."  # 6 at S1 + 3 at S2
    assert json.loads(tool_messages(state)[0].content)["on_hand"] == 9.0
    assert result["sources"] == [
        {"tool": "stock_of", "args": {"item_id": "4410"}, "status": "success"}
    ]
    assert result["ungrounded"] == [] and result["model_calls"] == 2
    assert model.bound_tools == ["stock_of", "unit_cost_of", "draft_requisition"]


def test_tool_error_comes_back_readable_and_model_recovers(ctx):
    graph, model = make(
        ctx,
        [
            ask_tools(call("stock_of", {"item_id": "9999"}, "c1")),
            ask_tools(call("stock_of", {"item_id": "4410"}, "c2")),
            AIMessage("On hand: 9."),
        ],
    )
    state = run(graph, "stock of 9999")
    error, ok = tool_messages(state)
    assert error.status == "error"
    assert error.content == "Error: no item '9999'; closest matches: 4410"
    assert json.loads(ok.content)["on_hand"] == 9.0
    # The model's second call saw the readable error.
    assert any(
        isinstance(m, ToolMessage) and "closest matches" in m.content for m in model.prompts[1]
    )
    assert final_answer(state)["tool_errors"] == 1


def test_bad_arguments_are_a_readable_error_too(ctx):
    graph, _ = make(ctx, [ask_tools(call("stock_of", {}, "c1")), AIMessage("Sorry.")])
    state = run(graph, "stock?")
    (error,) = tool_messages(state)
    assert error.status == "error" and "item_id" in error.content


def test_parallel_tool_calls_run_in_one_step(ctx):
    graph, model = make(
        ctx,
        [
            ask_tools(
                call("stock_of", {"item_id": "4410"}, "a"),
                call("unit_cost_of", {"item_id": "4410"}, "b"),
            ),
            AIMessage("9 on hand at 185 each, worth 1,665."),
            AIMessage("9 on hand at 185 each, worth 1,665."),  # the retry repeats it
        ],
    )
    state = run(graph, "what is our 4410 stock worth?")
    results = {m.tool_call_id: json.loads(m.content) for m in tool_messages(state)}
    assert results["a"]["on_hand"] == 9.0 and results["b"]["unit_cost"] == 185.0
    # Both results were back before the model's second call.
    assert len(model.prompts) == 3
    assert sum(isinstance(m, ToolMessage) for m in model.prompts[1]) == 2
    # 1,665 = 9 x 185 is not in any result: computed by the model, so it is flagged.
    assert final_answer(state)["ungrounded"] == ["1,665"]


def test_action_pauses_for_approval_and_runs_when_approved(ctx):
    fakes.DRAFTED.clear()
    graph, _ = make(
        ctx,
        [
            ask_tools(call("draft_requisition", {"item_id": "4410", "qty": 10}, "r1")),
            AIMessage("Drafted PR-1 for 10 units of 4410."),
        ],
    )
    paused = run(graph, "draft a requisition for 10 of 4410")
    (pending,) = paused["__interrupt__"]
    assert pending.value["action"] == "draft_requisition"
    assert pending.value["args"] == {"item_id": "4410", "qty": 10.0}
    assert fakes.DRAFTED == []  # nothing changed before the approval
    done = run(graph, Command(resume="approve"))
    assert [a.qty for a in fakes.DRAFTED] == [10.0]
    assert json.loads(tool_messages(done)[0].content)["requisition_id"] == "PR-1"
    assert final_answer(done)["answer"] == "Drafted PR-1 for 10 units of 4410."


def test_rejected_action_is_not_run(ctx):
    fakes.DRAFTED.clear()
    graph, _ = make(
        ctx,
        [
            ask_tools(call("draft_requisition", {"item_id": "4410", "qty": 10}, "r1")),
            AIMessage("Understood, nothing was drafted."),
        ],
    )
    run(graph, "draft a requisition for 10 of 4410")
    decision = {"decision": "reject", "comment": "budget freeze", "by": "dana", "role": "manager"}
    done = run(graph, Command(resume=decision))
    assert fakes.DRAFTED == []
    result = json.loads(tool_messages(done)[0].content)
    assert result == {"rejected": True, "message": "Rejected by dana: budget freeze."}
    assert final_answer(done)["sources"][0]["status"] == "rejected"


def test_an_approval_by_a_viewer_does_not_run_the_action(ctx):
    fakes.DRAFTED.clear()
    graph, _ = make(
        ctx,
        [
            ask_tools(call("draft_requisition", {"item_id": "4410", "qty": 10}, "r1")),
            AIMessage("Nothing was drafted."),
        ],
    )
    run(graph, "draft a requisition for 10 of 4410")
    done = run(graph, Command(resume={"decision": "approve", "by": "vic", "role": "viewer"}))
    assert fakes.DRAFTED == []
    result = json.loads(tool_messages(done)[0].content)
    assert result["rejected"] is True and "vic (viewer) may not approve" in result["message"]


def test_ungrounded_answer_is_retried_once_then_marked(ctx):
    graph, model = make(
        ctx,
        [
            ask_tools(call("stock_of", {"item_id": "4410"}, "c1")),
            AIMessage("We have 12 on hand."),
            AIMessage("We have 12 on hand, about 40 days of cover."),
        ],
    )
    state = run(graph, "how many 4410?")
    retry = model.prompts[2][-1]
    assert isinstance(retry, HumanMessage) and "12" in retry.content
    result = final_answer(state)
    assert (
        result["answer"] == "We have 12 [unverified] on hand, about 40 [unverified] days of cover."
    )
    assert result["ungrounded"] == ["12", "40"]


def test_answer_fixed_on_retry_passes(ctx):
    graph, _ = make(
        ctx,
        [
            ask_tools(call("stock_of", {"item_id": "4410"}, "c1")),
            AIMessage("We have 12 on hand."),
            AIMessage("We have 9 on hand."),
        ],
    )
    result = final_answer(run(graph, "how many 4410?"))
    assert result["answer"] == "We have 9 on hand." and result["ungrounded"] == []


def test_memory_follow_up_sees_the_previous_turn(ctx, tmp_path):
    def second_turn(messages):
        # The follow-up is answered from the first turn's tool result, kept by the saver.
        earlier = [m for m in messages if isinstance(m, ToolMessage)]
        on_hand = json.loads(earlier[0].content)["on_hand"]
        return ask_tools(call("unit_cost_of", {"item_id": "4410"}, "c2")) if on_hand else None

    script = [
        ask_tools(call("stock_of", {"item_id": "4410"}, "c1")),
        AIMessage("9 on hand."),
        second_turn,
        AIMessage("They cost 185 each."),
    ]
    model = ScriptedChatModel(script=script)
    with open_checkpointer(ctx.settings) as saver:
        graph = build_graph(
            ctx, model, checkpointer=saver, registry=ToolRegistry(ctx, fakes.TEST_TOOLS)
        )
        run(graph, "how many 4410?", thread="mem")
    assert ctx.settings.checkpoint_path.exists()
    # A new saver on the same file: the conversation survives the process.
    with open_checkpointer(ctx.settings) as saver:
        graph = build_graph(
            ctx, model, checkpointer=saver, registry=ToolRegistry(ctx, fakes.TEST_TOOLS)
        )
        state = run(graph, "and what do they cost?", thread="mem")
    result = final_answer(state)
    assert result["answer"] == "They cost 185 each."
    assert result["sources"] == [
        {"tool": "unit_cost_of", "args": {"item_id": "4410"}, "status": "success"}
    ]
    humans = [m.content for m in model.prompts[2] if isinstance(m, HumanMessage)]
    assert humans == ["how many 4410?", "and what do they cost?"]


def test_unknown_tool_name_from_model_is_an_error_message(ctx):
    graph, _ = make(ctx, [ask_tools(call("drop_tables", {}, "c1")), AIMessage("Sorry.")])
    (error,) = tool_messages(run(graph, "x"))
    assert error.status == "error" and "drop_tables" in error.content


@pytest.mark.parametrize(
    "decision,expected",
    [("approve", True), ("yes", True), (False, False), ({"decision": "reject"}, False)],
)
def test_resume_values(decision, expected):
    from stockwise.assistant.agent.registry import approved

    assert approved(decision)[0] is expected
