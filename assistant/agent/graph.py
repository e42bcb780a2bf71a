"""The agent: a LangGraph loop of model -> tools -> model, then a grounding check before the
answer leaves. `build_graph` is the factory every surface (CLI, service, Studio through
`assistant/studio.py`), the tests and the evals use."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.prebuilt import ToolNode

from stockwise.assistant.agent import grounding, prompts
from stockwise.assistant.agent.compaction import forget_old_turns
from stockwise.assistant.agent.models import ModelChoice, endpoint_down_errors, why_down
from stockwise.assistant.agent.registry import ToolRegistry
from stockwise.assistant.agent.state import INTERNAL_KEY, AgentState, current_turn, turn_start
from stockwise.tools.core.errors import StockwiseError
from stockwise.tools.dataset.context import ToolContext


def tool_error_message(error: Exception) -> str:
    """What the model reads when a tool fails: the domain's own message when there is one."""
    if isinstance(error, StockwiseError):
        return f"Error: {error}"
    return f"Error: {type(error).__name__}: {error}. Check the arguments and try again."


def _prompt_chars(messages: list) -> int:
    return sum(len(str(m.content)) + len(str(getattr(m, "tool_calls", "") or "")) for m in messages)


def tool_definitions_chars(tools: list) -> int:
    """Characters of the tool definitions (name, description, JSON schema) an endpoint is
    sent with every call, as the OpenAI protocol carries them."""
    from langchain_core.utils.function_calling import convert_to_openai_tool

    return len(json.dumps([convert_to_openai_tool(t) for t in tools]))


def build_graph(
    ctx: ToolContext,
    model: BaseChatModel | ModelChoice | None = None,
    checkpointer: BaseCheckpointSaver | None = None,
    registry: ToolRegistry | None = None,
    *,
    extra_tools: Iterable[Callable] = (),
):
    """Compile the agent over `ctx`'s tools and the caller's `extra_tools` (or `registry`'s
    tools). `model` may be a chat model, a `ModelChoice` (model plus offline fallback), or
    None for the one the settings choose."""
    from stockwise.assistant.agent.models import choose_model

    if model is None:
        model = choose_model(ctx.settings, ctx)
    choice = model if isinstance(model, ModelChoice) else ModelChoice(model, None, None)
    if registry is None:
        registry = ToolRegistry(ctx, extra_tools=extra_tools)
    elif extra_tools:
        raise ValueError("give the extra tools to the registry, not beside it")
    primary = choice.model.bind_tools(registry.tools)
    fallback = choice.fallback.bind_tools(registry.tools) if choice.fallback else None
    system = SystemMessage(
        prompts.system_prompt(ctx.dataset.name, str(ctx.dataset.as_of), ctx.dataset.currency)
    )
    # A prompt's size counts the tool definitions too: an endpoint gets them on every call
    # (the offline planner is sent nothing, so only the messages count there).
    definitions: list[int] = []

    def prompt_chars(prompt: list) -> int:
        if choice.endpoint and not definitions:
            definitions.append(tool_definitions_chars(registry.tools))
        return _prompt_chars(prompt) + sum(definitions)

    def agent(state: AgentState) -> dict[str, Any]:
        messages = state["messages"]
        new_turn = turn_start(messages) == len(messages) - 1
        notice = None if new_turn else state.get("notice")
        calls = 0 if new_turn else state.get("model_calls", 0)
        chars = [] if new_turn else list(state.get("prompt_chars", []))
        prompt = [system, *messages]
        update: dict[str, Any] = {}
        if new_turn:
            update.update(sources=[], ungrounded=[])
        if notice is None or fallback is None:
            try:
                reply = primary.invoke(prompt)
                calls += 1
                chars.append(prompt_chars(prompt))
            except Exception as error:
                if fallback is None or not isinstance(error, endpoint_down_errors()):
                    raise
                notice = prompts.ENDPOINT_DOWN.format(url=choice.endpoint, error=why_down(error))
                reply = fallback.invoke(prompt)
        else:  # the endpoint already failed this turn: stay with the planner
            reply = fallback.invoke(prompt)
        return {
            **update,
            "messages": [reply],
            "notice": notice,
            "model_calls": calls,
            "prompt_chars": chars,
        }

    def after_agent(state: AgentState) -> str:
        last = state["messages"][-1]
        return "tools" if isinstance(last, AIMessage) and last.tool_calls else "grounding"

    def check_grounding(state: AgentState) -> dict[str, Any]:
        messages = state["messages"]
        turn = current_turn(messages)
        answer = messages[-1]
        text = answer.text if isinstance(answer.content, list) else str(answer.content)
        bad = grounding.ungrounded_figures(text, turn)
        retried = any(m.additional_kwargs.get(INTERNAL_KEY) for m in turn)
        if bad and not retried:
            retry = HumanMessage(
                prompts.GROUNDING_RETRY.format(figures=", ".join(bad)),
                additional_kwargs={INTERNAL_KEY: "grounding_retry"},
            )
            return {"messages": [retry], "ungrounded": bad}
        if bad:
            text = grounding.mark_figures(text, bad)
        if state.get("notice"):
            text = f"{state['notice']}\n\n{text}"
        final = AIMessage(content=text, id=answer.id, response_metadata=answer.response_metadata)
        # The turn is over: the older turns shrink now, so the checkpoint that ends it (and
        # every prompt of the next turn) carries only what the conversation keeps.
        forget = forget_old_turns(
            messages, ctx.settings.memory_turns_kept, ctx.settings.memory_whole_turns
        )
        return {
            "messages": [final, *forget],
            "ungrounded": bad,
            "sources": grounding.collect_sources(turn),
        }

    def after_grounding(state: AgentState) -> str:
        last = state["messages"][-1]
        return "agent" if isinstance(last, HumanMessage) else END

    builder = StateGraph(AgentState)
    builder.add_node("agent", agent)
    builder.add_node("tools", ToolNode(registry.tools, handle_tool_errors=tool_error_message))
    builder.add_node("grounding", check_grounding)
    builder.add_edge(START, "agent")
    builder.add_conditional_edges("agent", after_agent, ["tools", "grounding"])
    builder.add_edge("tools", "agent")
    builder.add_conditional_edges("grounding", after_grounding, ["agent", END])
    return builder.compile(checkpointer=checkpointer)


def final_answer(state: dict) -> dict[str, Any]:
    """The answer of a finished turn, its sources and stats, as the CLI and evals show them."""
    messages = state.get("messages", [])
    answer = messages[-1] if messages and isinstance(messages[-1], AIMessage) else None
    tool_results = [m for m in current_turn(messages) if isinstance(m, ToolMessage)]
    return {
        "answer": answer.content if answer is not None else "",
        "sources": state.get("sources", []),
        "ungrounded": state.get("ungrounded", []),
        "notice": state.get("notice"),
        "model_calls": state.get("model_calls", 0),
        "prompt_chars": state.get("prompt_chars", []),
        "tool_errors": sum(1 for m in tool_results if getattr(m, "status", "") == "error"),
    }
