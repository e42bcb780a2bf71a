"""One agent session as the CLI, chat and evals use it: dataset, model, memory and graph
opened together, plus asking and resuming with timings."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.types import Command

from stockwise.assistant.agent.graph import build_graph, final_answer
from stockwise.assistant.agent.memory import open_checkpointer
from stockwise.assistant.agent.models import ModelChoice, choose_model
from stockwise.tools.core.context import ToolContext


@dataclass
class AgentSession:
    graph: Any
    ctx: ToolContext
    choice: ModelChoice
    timings_ms: dict[str, float] = field(default_factory=dict)

    @staticmethod
    def new_thread() -> str:
        return uuid.uuid4().hex[:12]

    def ask(self, question: str, thread_id: str) -> dict[str, Any]:
        return self._run({"messages": [HumanMessage(question)]}, thread_id)

    def resume(self, decision: Any, thread_id: str) -> dict[str, Any]:
        """Answer a paused action: "approve", "reject" or {"decision": ..., "comment": ...}."""
        return self._run(Command(resume=decision), thread_id)

    def pending(self, thread_id: str) -> list[Any]:
        state = self.graph.get_state(self._config(thread_id))
        return [i.value for task in state.tasks for i in task.interrupts]

    def _config(self, thread_id: str) -> dict:
        return {"configurable": {"thread_id": thread_id}, "recursion_limit": 25}

    def _run(self, payload: Any, thread_id: str) -> dict[str, Any]:
        start = time.perf_counter()
        state = self.graph.invoke(payload, self._config(thread_id))
        result = final_answer(state)
        result["thread_id"] = thread_id
        result["pending_actions"] = [i.value for i in state.get("__interrupt__", [])]
        if result["pending_actions"]:
            result["answer"] = ""
        result["timings_ms"] = {
            **self.timings_ms,
            "answer": round((time.perf_counter() - start) * 1000, 1),
        }
        return result


@contextmanager
def open_session(
    ctx: ToolContext,
    model: ModelChoice | None = None,
    timings: dict[str, float] | None = None,
    *,
    extra_tools: Iterable[Callable] = (),
) -> Iterator[AgentSession]:
    """The agent over `ctx`'s dataset, with the settings' model (or `model`) and memory, and
    the domain tools plus the caller's `extra_tools`. `timings` (ms) are what the caller
    spent before, reported with every answer."""
    settings = ctx.settings
    timings = dict(timings or {})
    choice = model if model is not None else choose_model(settings, ctx)
    with open_checkpointer(settings) as saver:
        start = time.perf_counter()
        graph = build_graph(ctx, choice, checkpointer=saver, extra_tools=extra_tools)
        timings["build_graph"] = round((time.perf_counter() - start) * 1000, 1)
        yield AgentSession(graph=graph, ctx=ctx, choice=choice, timings_ms=timings)
