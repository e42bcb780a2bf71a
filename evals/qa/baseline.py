"""The simplest strong baseline beside the planner: route each question to the intent of its
nearest example by meaning (the same bundled MiniLM and examples), with no wording match,
no refusal layer, no rules, cues or clarifying questions. It still fills the tools'
arguments from the same entities (a tool cannot be called without them), so the margin
printed beside the planner is what the planner's routing adds, nothing else."""

from __future__ import annotations

from typing import Any

from langchain_core.tools import BaseTool

from stockwise.assistant.agent.planner.brain import Brain, Plan
from stockwise.assistant.agent.planner.intents import DECLINE
from stockwise.assistant.agent.planner.model import OfflinePlanner

NAME = "nearest example by meaning (MiniLM only)"
MIN_SIMILARITY = 0.3  # below this even the nearest example is no match: decline


class NearestExampleBrain(Brain):
    def plan(self, question: str, previous: dict | None, tools: dict[str, BaseTool]) -> Plan:
        if not question.strip():
            return Plan(DECLINE, message=self.decline(tools))
        found = self.extractor.extract(question)
        scores = self.meaning(set(tools), found.shape)
        if not scores:
            return Plan(DECLINE, message=self.decline(tools))
        intent, best = max(scores.items(), key=lambda kv: kv[1])
        if intent == DECLINE or best < MIN_SIMILARITY:
            return Plan(DECLINE, found.values, message=self.decline(tools))
        return self._calls(Plan(intent, found.values, question=question), tools)


class NearestExamplePlanner(OfflinePlanner):
    @property
    def brain(self) -> Any:
        return self.ctx.cached(NearestExampleBrain)
