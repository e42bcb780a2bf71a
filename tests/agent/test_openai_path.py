"""The ChatOpenAI path against a real OpenAI-protocol server on 127.0.0.1: scripted tool
calls (content null + tool_calls), streaming, a timeout and a 500 with retry, then the
offline planner as fallback."""

from __future__ import annotations

import json

import pytest
from langchain_core.messages import HumanMessage, ToolMessage
from langgraph.checkpoint.memory import InMemorySaver

from stockwise.assistant.agent.graph import build_graph, final_answer
from stockwise.assistant.agent.models import (
    ModelChoice,
    choose_model,
    offline_planner,
    openai_model,
)
from stockwise.assistant.agent.registry import ToolRegistry
from stockwise.tools.core.settings import Settings

from . import fakes
from .openai_server import OpenAIServer, completion, stream_chunks

SEAL_CALL = {"id": "call_1", "name": "stock_of", "args": {"item_id": "4410"}}


@pytest.fixture
def server():
    with OpenAIServer() as srv:
        yield srv


def settings_for(server, tmp_path, **kw) -> Settings:
    return Settings(
        data_dir=tmp_path,
        llm_base_url=server.url,
        llm_model="test-model",
        llm_api_key="sk-test",
        **kw,
    )


def ask(graph, question):
    state = graph.invoke(
        {"messages": [HumanMessage(question)]}, {"configurable": {"thread_id": "t"}}
    )
    return state, final_answer(state)


def test_settings_choose_openai_with_planner_fallback(server, tmp_path, ctx):
    choice = choose_model(settings_for(server, tmp_path), ctx)
    assert type(choice.model).__name__ == "ChatOpenAI"
    assert type(choice.fallback).__name__ == "OfflinePlanner"
    assert choose_model(Settings(data_dir=tmp_path), ctx).fallback is None


@pytest.mark.parametrize("streaming", [False, True])
def test_tool_call_round_trip(server, tmp_path, ctx, streaming):
    if streaming:
        server.script = [
            ("stream", stream_chunks(tool_calls=[SEAL_CALL])),
            ("stream", stream_chunks("We have 9 seal kits.")),
        ]
    else:
        server.script = [
            ("json", completion(None, [SEAL_CALL])),  # content: null
            ("json", completion("We have 9 seal kits.")),
        ]
    settings = settings_for(server, tmp_path)
    model = openai_model(settings)
    model.streaming = streaming
    graph = build_graph(
        ctx,
        ModelChoice(model, None, server.url),
        checkpointer=InMemorySaver(),
        registry=ToolRegistry(ctx, fakes.TEST_TOOLS),
    )
    state, result = ask(graph, "how many 4410?")
    assert result["answer"].strip() == "We have 9 seal kits."
    assert result["sources"] == [
        {"tool": "stock_of", "args": {"item_id": "4410"}, "status": "success"}
    ]
    assert result["model_calls"] == 2 and len(result["prompt_chars"]) == 2
    first, second = server.requests
    assert [t["function"]["name"] for t in first["tools"]] == [
        "stock_of",
        "unit_cost_of",
        "draft_requisition",
    ]
    assert first["model"] == "test-model" and first.get("stream", False) is streaming
    # The tool result went back to the model as a tool message for the right call.
    tool_msg = second["messages"][-1]
    assert tool_msg["role"] == "tool" and tool_msg["tool_call_id"] == "call_1"
    assert json.loads(tool_msg["content"])["on_hand"] == 9.0
    assert second["messages"][-2]["tool_calls"][0]["function"]["name"] == "stock_of"


def fallback_graph(server, tmp_path, ctx, **kw):
    settings = settings_for(server, tmp_path, **kw)
    choice = ModelChoice(openai_model(settings), offline_planner(ctx), server.url)
    return build_graph(ctx, choice, checkpointer=InMemorySaver(), registry=ToolRegistry(ctx))


def test_server_error_is_retried_then_the_planner_answers(server, tmp_path, ctx):
    server.script = [("status", 500)]
    graph = fallback_graph(server, tmp_path, ctx, llm_max_retries=1)
    state, result = ask(graph, "how many hydraulic seal kits do we have?")
    assert len(server.requests) == 2  # one try, one retry
    assert result["notice"].startswith(f"The model endpoint {server.url} did not answer (HTTP 500)")
    assert result["answer"].startswith(result["notice"])
    on_hand = [json.loads(m.content) for m in state["messages"] if isinstance(m, ToolMessage)]
    assert on_hand[0]["items"][0]["on_hand"] == 9.0
    assert "9 EA on hand" in result["answer"]
    assert result["ungrounded"] == []


def test_slow_endpoint_times_out_then_the_planner_answers(server, tmp_path, ctx):
    server.script = [("slow", 3.0, completion("too late"))]
    graph = fallback_graph(server, tmp_path, ctx, llm_timeout_s=0.5, llm_max_retries=0)
    _, result = ask(graph, "whats below reorder point")
    assert "(timed out)" in result["notice"]
    assert [s["tool"] for s in result["sources"]] == ["below_reorder_point"]
    assert "4410" in result["answer"]


def test_endpoint_down_without_fallback_raises(server, tmp_path, ctx):
    import openai

    server.script = [("status", 500)]
    settings = settings_for(server, tmp_path, llm_max_retries=0)
    graph = build_graph(
        ctx,
        ModelChoice(openai_model(settings), None, server.url),
        registry=ToolRegistry(ctx, fakes.TEST_TOOLS),
    )
    with pytest.raises(openai.InternalServerError):
        graph.invoke({"messages": [HumanMessage("hi")]})
