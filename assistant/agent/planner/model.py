"""`OfflinePlanner`: the planner as a LangChain chat model, so the same graph runs with it or
with any OpenAI-compatible model. First call of a turn: tool calls (or a decline); next call,
with the tool results in the history: the answer, written from those results."""

from __future__ import annotations

import re
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.tools import BaseTool
from pydantic import ConfigDict, Field

from stockwise.assistant.agent.planner.arguments import check_contracts
from stockwise.assistant.agent.planner.brain import Brain
from stockwise.assistant.agent.planner.intents import INTENTS
from stockwise.assistant.agent.planner.readings import ask_which_item
from stockwise.assistant.agent.planner.render import Scope, render_answer
from stockwise.assistant.agent.state import current_turn, is_internal, turn_start

PLANNER_KEY = "planner"
PLANNED_TOOLS = frozenset(name for intent in INTENTS for name in intent.tools)


def _previous_plan(messages: list[BaseMessage]) -> dict | None:
    """The intent and entities of the latest earlier turn the planner answered."""
    start = turn_start(messages)
    for msg in reversed(messages[:start]):
        if isinstance(msg, AIMessage) and PLANNER_KEY in msg.response_metadata:
            return msg.response_metadata[PLANNER_KEY]
    return None


class OfflinePlanner(BaseChatModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    # Out of the repr: LangChain serialises the model (its repr) for callbacks on every
    # first call, and the context's repr prints the whole dataset's frames.
    ctx: Any = Field(repr=False)
    tools: list[BaseTool] = Field(default_factory=list, repr=False)

    @property
    def _llm_type(self) -> str:
        return "stockwise-offline-planner"

    def bind_tools(self, tools: list, **kwargs: Any) -> OfflinePlanner:  # type: ignore[override]
        bound = [t for t in tools if isinstance(t, BaseTool)]
        # A tool the planner calls must declare which entity fills each field it needs: a
        # missing declaration fails when the graph is built, not silently on some question.
        check_contracts(t for t in bound if t.name in PLANNED_TOOLS)
        return self.model_copy(update={"tools": bound})

    @property
    def brain(self) -> Brain:
        return self.ctx.cached(Brain)

    def _generate(
        self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs: Any
    ) -> ChatResult:
        history = [m for m in messages if not isinstance(m, SystemMessage)]
        message = self._reply(history)
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _reply(self, history: list[BaseMessage]) -> AIMessage:
        tools = {t.name: t for t in self.tools}
        turn = current_turn(history)
        last = history[-1] if history else None
        results = [m for m in turn if isinstance(m, ToolMessage)]
        if isinstance(last, HumanMessage) and is_internal(last):
            # A grounding retry: restate the results alone, with no wording of our own.
            return AIMessage(
                content=render_answer("", results, digest_only=True)
                if results
                else "I could not find figures for that in the tool results."
            )
        if isinstance(last, ToolMessage):
            plan = next(
                (
                    m.response_metadata.get(PLANNER_KEY)
                    for m in reversed(turn)
                    if isinstance(m, AIMessage) and m.tool_calls
                ),
                None,
            )
            return self._answer(plan, results)
        question = str(last.content) if last is not None else ""
        plan = self.brain.plan(question, _previous_plan(history), tools)
        meta = {PLANNER_KEY: plan.meta()}
        if not plan.calls:
            content = plan.message
            if plan.reading and not plan.options:
                content = f"{content}\n\n{plan.reading}"
            return AIMessage(content=content, response_metadata=meta)
        return AIMessage(content="", tool_calls=plan.calls, response_metadata=meta)

    def _answer(self, plan: dict | None, results: list[ToolMessage]) -> AIMessage:
        if plan is None:
            return AIMessage(content=render_answer("Here is what the tools returned:", results))
        intent = self.brain.intents[plan["intent"]]
        headline = headline_for(intent.headline, plan["entities"], self.brain)
        explain = intent.explain if plan["mode"] == "why" else ""
        if plan["mode"] == "why" and not explain:
            explain = "These figures are copied from the tool results, as they are."
        if plan["mode"] == "which_item":
            # The words fit several items (looked up with find_items): ask which one.
            labels = [o["label"] for o in plan["options"]]
            message = ask_which_item(str(plan["entities"].get("item", "")), labels)
            return AIMessage(content=message, response_metadata={PLANNER_KEY: plan})
        asked = _ask_which_item(results)
        if asked is not None:
            # The tool named several items: ask which, and let the reply pick one of them.
            message, options = asked
            plan = {**plan, "options": options}
            return AIMessage(content=message, response_metadata={PLANNER_KEY: plan})
        sites = {sid: name.title() for name, sid in self.brain.extractor.sites.names.items()}
        content = render_answer(headline, results, explain, Scope(plan["entities"], sites))
        if plan.get("reading"):
            content = f"{content}\n\n{plan['reading']}"
        return AIMessage(content=content, response_metadata={PLANNER_KEY: plan})


def headline_for(template: str, entities: dict, brain: Brain) -> str:
    site = entities.get("site")
    names = {v: k.title() for k, v in brain.extractor.sites.names.items()}
    parts = {
        "item": entities.get("item", "the item"),
        "for_item": f" for {entities['item']}" if entities.get("item") else "",
        "at_site": f" at {site} ({names.get(site, site)})" if site else "",
        "period": (
            f" from {entities['start']} to {entities['end']}"
            if entities.get("start") and entities.get("end")
            else ""
        ),
        "within": (
            f" within {entities['days']} days"
            if entities.get("days")
            else " within their lead time"
            if entities.get("lead_time")
            else ""
        ),
    }
    return template.format_map(parts)


AMBIGUOUS = re.compile(
    r"^(?:Error: )?'(?P<query>.+?)' matches \d+ items: (?P<items>.+?)\. Name one"
)


def _ask_which_item(results: list[ToolMessage]) -> tuple[str, list[dict]] | None:
    """A clarifying question from a tool's "matches several items" error (the items come from
    the tool's own message, so every id shown is in the turn's results)."""
    for msg in results:
        if getattr(msg, "status", "") != "error":
            continue
        m = AMBIGUOUS.match(str(msg.content))
        if m is None:
            continue
        labels = [label.strip() for label in m.group("items").split("; ")]
        options = [
            {"item": label.split()[0], "entities": {"item": label.split()[0]}} for label in labels
        ]
        return ask_which_item(m.group("query"), labels), options
    return None
