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
from stockwise.tools.dataset.context import ToolContext


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
        """A question in the thread. While an action waits there for a decision, the
        question is not asked: the answer says what waits and how to decide it, so the
        action is never dropped without a person's word."""
        waiting = self.pending(thread_id)
        if waiting:
            return still_waiting(waiting, thread_id)
        return self._run({"messages": [HumanMessage(question)]}, thread_id)

    def resume(self, decision: Any, thread_id: str) -> dict[str, Any]:
        """Answer a paused action: "approve", "reject" or {"decision": ..., "comment": ...,
        "by": user, "role": role} (without "by", the settings' local user decides)."""
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


def still_waiting(actions: list[Any], thread_id: str) -> dict[str, Any]:
    """The reply to a question asked while `actions` wait for a decision in the thread."""
    names = ", ".join(str(a.get("action", "an action")) for a in actions if isinstance(a, dict))
    answer = (
        f"An action is waiting for your decision in this thread ({names or 'an action'}). "
        "Approve or reject it first, or leave it waiting and ask your question in a new "
        "thread; nothing was run and nothing was dropped."
    )
    return {
        "answer": answer,
        "sources": [],
        "ungrounded": [],
        "notice": None,
        "model_calls": 0,
        "prompt_chars": [],
        "tool_errors": 0,
        "thread_id": thread_id,
        "pending_actions": actions,
        "waiting": True,
        "timings_ms": {},
    }


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
