"""One turn of the agent as the service runs it: the graph's steps as events (so a client
can show progress while the turn runs), every question, tool call and answer written to
the audit log, and the final answer with its sources."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.types import Command

from stockwise.assistant.agent.graph import final_answer
from stockwise.assistant.agent.session import AgentSession, still_waiting
from stockwise.assistant.service.audit import AuditLog, content_hash
from stockwise.assistant.service.auth import Principal
from stockwise.assistant.service.turn_lock import ThreadLocks


def _config(thread_id: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": thread_id}, "recursion_limit": 25}


class NothingPending(Exception):
    """A resume for a thread with no action waiting (e.g. the second of two clicks)."""


class TurnRunner:
    def __init__(self, session: AgentSession, audit: AuditLog, locks: ThreadLocks | None = None):
        self.session = session
        self.audit = audit
        self.locks = locks or ThreadLocks()  # one turn at a time per thread (turn_lock)

    def ask(
        self, question: str, thread_id: str, who: Principal, channel: str, fresh: bool = False
    ) -> Iterator[dict]:
        """`fresh`: the caller made `thread_id` up just now, so nothing can be waiting in it."""
        with self.locks.hold(thread_id):
            self.audit.append("question", who.user, channel, thread_id=thread_id, text=question)
            # A question in a thread whose action waits for a decision is not asked: the
            # action keeps waiting (never dropped unseen) and the answer says how to decide.
            waiting = [] if fresh else self.pending(thread_id)
            if waiting:
                self.audit.append(
                    "action_still_waiting", who.user, channel, thread_id=thread_id,
                    actions=waiting,
                )  # fmt: skip
                result = still_waiting(waiting, thread_id)
                yield {"event": "result", "data": json.loads(json.dumps(result, default=str))}
                return
            yield from self._run({"messages": [HumanMessage(question)]}, thread_id, who, channel)

    def refuse(self, decision: str, thread_id: str, who: Principal, channel: str, why: str) -> None:
        """Log an approval or rejection that was not carried out (role, thread, nothing
        waiting): attempts are evidence too."""
        self.audit.append(
            "decision_refused",
            who.user,
            channel,
            thread_id=thread_id,
            decision=decision,
            role=who.role,
            why=why,
        )

    def resume(
        self, decision: str, comment: str | None, thread_id: str, who: Principal, channel: str
    ) -> Iterator[dict]:
        with self.locks.hold(thread_id):
            actions = self.pending(thread_id)
            if not actions:
                why = f"Thread {thread_id} has no action waiting for approval."
                self.refuse(decision, thread_id, who, channel, why)
                raise NothingPending(why)
            self.audit.append(
                "approval" if decision == "approve" else "rejection",
                who.user,
                channel,
                thread_id=thread_id,
                decision=decision,
                comment=comment,
                actions=actions,
            )
            # Who decides travels with the decision: the agent checks their role again
            # before an approved action runs, and writes their name beside what it did.
            payload = {"decision": decision, "comment": comment, "by": who.user, "role": who.role}
            yield from self._run(Command(resume=payload), thread_id, who, channel)

    def converse(self, text: str, thread_id: str, who: Principal, channel: str) -> dict[str, Any]:
        """A chat channel's turn (Slack, Teams): "approve"/"reject" answers a paused action,
        anything else is a question. Synchronous: call it from a worker thread."""
        decision = text.lower().strip(" .!")
        if decision in ("approve", "reject") and self.pending(thread_id):
            if not who.can("approve"):
                why = f"Your role ({who.role}) cannot approve or reject actions."
                self.refuse(decision, thread_id, who, channel, why)
                return {"refused": why}
            try:
                return run_to_result(self.resume(decision, None, thread_id, who, channel))
            except NothingPending as error:
                return {"refused": str(error)}
        return run_to_result(self.ask(text, thread_id, who, channel))

    def pending(self, thread_id: str) -> list[Any]:
        return self.session.pending(thread_id)

    def history(self, thread_id: str) -> list[dict[str, Any]]:
        state = self.session.graph.get_state(_config(thread_id))
        shown = []
        for message in state.values.get("messages", []):
            if isinstance(message, HumanMessage) and not message.additional_kwargs:
                shown.append({"role": "user", "content": str(message.content)})
            elif isinstance(message, AIMessage) and not message.tool_calls and message.content:
                shown.append({"role": "assistant", "content": str(message.content)})
        return shown

    def _run(self, payload: Any, thread_id: str, who: Principal, channel: str) -> Iterator[dict]:
        """Events: {"event": "tool_call"|"tool_result"|"result", "data": ...}; the last one is
        always "result" (answer, sources, pending actions, timings)."""
        calls: dict[str, Any] = {}  # tool call id -> the call, for the audit of its result
        values: dict[str, Any] = {}
        interrupts: list[Any] = []
        # "values" hands over the final state, so no checkpoint read after the turn.
        steps = self.session.graph.stream(
            payload, _config(thread_id), stream_mode=["updates", "values"]
        )
        graph_s = 0.0  # inside the graph only: not the audit writes, not the event consumer
        while True:
            start = time.perf_counter()
            step = next(steps, None)
            graph_s += time.perf_counter() - start
            if step is None:
                break
            mode, chunk = step
            if mode == "values":
                values = chunk
                continue
            for node, change in chunk.items():
                if node == "__interrupt__":
                    interrupts.extend(change)
                elif isinstance(change, dict):
                    yield from self._step_events(node, change, calls, thread_id, who, channel)
        result = final_answer(values)
        result["thread_id"] = thread_id
        result["pending_actions"] = [i.value for i in interrupts]
        if result["pending_actions"]:
            result["answer"] = ""
            self.audit.append(
                "pending_action",
                who.user,
                channel,
                thread_id=thread_id,
                actions=json.loads(json.dumps(result["pending_actions"], default=str)),
            )
        else:
            self.audit.append(
                "answer",
                who.user,
                channel,
                thread_id=thread_id,
                text=str(result["answer"]),
                sources=[s.get("tool") for s in result["sources"]],
            )
        result["timings_ms"] = {"graph": round(graph_s * 1000, 2)}
        yield {"event": "result", "data": json.loads(json.dumps(result, default=str))}

    def _step_events(
        self,
        node: str,
        change: dict[str, Any],
        calls: dict[str, Any],
        thread_id: str,
        who: Principal,
        channel: str,
    ) -> Iterator[dict]:
        """One node's update as events; each tool result also goes to the audit log."""
        for message in change.get("messages", []):
            if isinstance(message, AIMessage) and node == "agent":
                for call in message.tool_calls:
                    calls[call["id"] or ""] = call
                    yield {
                        "event": "tool_call",
                        "data": {"tool": call["name"], "args": call["args"]},
                    }
            elif isinstance(message, ToolMessage):
                args = calls.get(message.tool_call_id, {}).get("args", {})
                self.audit.append(
                    "tool_call",
                    who.user,
                    channel,
                    thread_id=thread_id,
                    tool=message.name,
                    args=args,
                    result_sha256=content_hash(str(message.content)),
                    status=message.status,
                )
                yield {
                    "event": "tool_result",
                    "data": {"tool": message.name, "status": message.status},
                }


def run_to_result(events: Iterator[dict]) -> dict[str, Any]:
    """Drain a turn's events and return its result."""
    result: dict[str, Any] = {}
    for event in events:
        if event["event"] == "result":
            result = event["data"]
    return result
