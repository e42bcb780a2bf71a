"""The planner's reasoning, separate from the LangChain plumbing: question -> (intent,
entities) -> tool calls, with follow-ups resolved from the previous turn."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from langchain_core.tools import BaseTool

from stockwise.assistant.agent.planner.arguments import declared_entities, fill_args
from stockwise.assistant.agent.planner.entities import EntityExtractor
from stockwise.assistant.agent.planner.intents import (
    DECLINE,
    FOLLOW_UP_PREFIXES,
    INTENTS,
    WHY_WORDS,
    Intent,
)
from stockwise.assistant.agent.planner.matcher import IntentMatcher
from stockwise.tools.dataset.context import ToolContext

PERIOD_KEYS = ("start", "end", "days", "lead_time")
ITEM_PREFERENCE = 0.12  # how much closer the best match may be than one about the named item


@dataclass
class Plan:
    intent: str
    entities: dict[str, Any] = field(default_factory=dict)
    mode: str = "answer"  # "answer" | "why"
    calls: list[dict] = field(default_factory=list)
    message: str = ""  # a decline or a clarifying question, when there are no calls
    question: str = ""  # the wording a free-text tool (document search) is given

    def meta(self) -> dict:
        return {
            "intent": self.intent,
            "entities": self.entities,
            "mode": self.mode,
            "question": self.question,
        }


def _intent_words(intents: tuple[Intent, ...]) -> set[str]:
    words: set[str] = set()
    for intent in intents:
        if intent.name == DECLINE:
            continue  # "what will steel cost" must not make "steel" a non-item word
        for example in intent.examples:
            words.update(re.findall(r"[a-z']+", re.sub(r"\{\w+\}", " ", example.lower())))
    return words


class Brain:
    """Built once per tool context (it reads the dataset's names)."""

    def __init__(self, ctx: ToolContext) -> None:
        self.extractor = EntityExtractor(ctx.dataset, _intent_words(INTENTS))
        self.intents = {i.name: i for i in INTENTS}
        self._matchers: dict[frozenset, IntentMatcher] = {}

    def available(self, tool_names: set[str]) -> list[Intent]:
        return [i for i in INTENTS if i.name == DECLINE or (i.tools and set(i.tools) & tool_names)]

    def matcher(self, tool_names: set[str]) -> IntentMatcher:
        key = frozenset(tool_names)
        if key not in self._matchers:
            self._matchers[key] = IntentMatcher(self.available(tool_names))
        return self._matchers[key]

    def capabilities(self, tool_names: set[str]) -> list[str]:
        return [i.label for i in self.available(tool_names) if i.name != DECLINE]

    def plan(self, question: str, previous: dict | None, tools: dict[str, BaseTool]) -> Plan:
        q = " ".join(question.lower().split())
        found = self.extractor.extract(question)
        match = self.matcher(set(tools)).match(found.shape)
        short = len(q.split()) <= 7
        asks_why = short and any(q.startswith(w) or q == w for w in WHY_WORDS)
        if asks_why:
            if not previous:
                return Plan(
                    DECLINE,
                    message='Ask me a question first; "why?" then explains '
                    "where its figures come from.",
                )
            plan = Plan(
                previous["intent"],
                dict(previous["entities"]),
                "why",
                question=previous.get("question", ""),
            )
            return self._calls(plan, tools)
        follows_on = q.startswith(FOLLOW_UP_PREFIXES) or (
            short and found.values and (match.intent == DECLINE or match.score < 0.5)
        )
        if previous and follows_on:
            entities = dict(previous["entities"])
            if any(k in found.values for k in PERIOD_KEYS):
                for k in PERIOD_KEYS:
                    entities.pop(k, None)
            entities.update(found.values)
            strong = match.intent != DECLINE and match.score >= 0.6
            intent = match.intent if strong else previous["intent"]
            same = intent == previous["intent"]
            return self._calls(
                Plan(intent, entities, question=previous.get("question", "") if same else question),
                tools,
            )
        if match.intent == DECLINE:
            return Plan(DECLINE, found.values, message=self.decline(tools))
        intent = match.intent
        if "item" in found.values and not self._takes_item(intent, tools):
            # "days of cover for the spindle bearing": a named item points to a question
            # about that item, when one is nearly as close as the best match.
            close = [
                (s, n)
                for n, s in match.scores.items()
                if s >= match.score - ITEM_PREFERENCE and self._takes_item(n, tools)
            ]
            if close:
                intent = max(close)[1]
        return self._calls(Plan(intent, found.values, question=question), tools)

    def _takes_item(self, intent: str, tools: dict[str, BaseTool]) -> bool:
        names = self.intents[intent].tools if intent in self.intents else ()
        return any(
            "item" in entities
            for n in names
            if n in tools
            for entities in declared_entities(tools[n]).values()
        )

    def decline(self, tools: dict[str, BaseTool]) -> str:
        can = "\n".join(f"- {c}" for c in self.capabilities(set(tools)))
        return (
            "That is outside what I can answer from the plant's data, and I won't guess. "
            f"I can answer questions about:\n{can}"
        )

    def _calls(self, plan: Plan, tools: dict[str, BaseTool]) -> Plan:
        intent = self.intents[plan.intent]
        for name in intent.tools:
            if name not in tools:
                continue
            values = {**intent.defaults, **plan.entities, "question": plan.question}
            args, missing = fill_args(tools[name], values)
            if missing:
                plan.message = clarify(missing)
                plan.calls = []
                return plan
            plan.calls.append(
                {
                    "name": name,
                    "args": args,
                    "id": f"call_{uuid.uuid4().hex[:12]}",
                    "type": "tool_call",
                }
            )
        if not plan.calls:
            plan.message = "I have no tool for that question yet."
        return plan


def clarify(missing: list[str]) -> str:
    asks = {
        "item": "Which item do you mean? Give its id or words from its description.",
        "equipment": "Which piece of equipment do you mean (e.g. its id)?",
        "site": "Which site do you mean?",
    }
    return " ".join(asks.get(m, f"Please tell me the {m.replace('_', ' ')}.") for m in missing)
