"""The planner's reasoning, separate from the LangChain plumbing: question -> (intent,
entities) -> tool calls, with follow-ups resolved from the previous turn."""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from langchain_core.tools import BaseTool

from stockwise.assistant.agent.planner.arguments import declared_entities, fill_args
from stockwise.assistant.agent.planner.cues import DOCUMENT_CUES, POLICY, cue_intent
from stockwise.assistant.agent.planner.entities import EntityExtractor
from stockwise.assistant.agent.planner.intents import (
    DECLINE,
    FOLLOW_UP_PREFIXES,
    INTENTS,
    WHY_WORDS,
    Intent,
)
from stockwise.assistant.agent.planner.matcher import IntentMatcher, Match
from stockwise.assistant.agent.planner.periods import find_period
from stockwise.assistant.agent.planner.readings import (
    DECLINE_MONEY,
    VALUE_WORDS,
    WIP_WORDS,
    ask_which_intent,
    ask_which_item,
    meaning_rule,
    pick,
    reading,
)
from stockwise.assistant.agent.planner.refusals import refusal
from stockwise.assistant.agent.planner.semantic import SemanticMatcher
from stockwise.assistant.agent.planner.vocabulary import anomaly_kinds
from stockwise.tools.core.errors import StockwiseError
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.stock.common import open_index

log = logging.getLogger(__name__)

PERIOD_KEYS = ("start", "end", "days", "lead_time")
ITEM_PREFERENCE = 0.12  # how much closer the best match may be than one about the named item
# Wording this close to one example, and this far ahead of the next intent, is decisive (a
# "why did you alert ..." question is then not a "why?" follow-up).
DECISIVE_SCORE = 0.8
DECISIVE_LEAD = 0.1
# Wording this close and this far ahead needs no second opinion: the encoder (loading it is
# 0.3 s CPU of a cold `ask`) is asked only below. Chosen on the tuned and dev sets (171
# questions): every question with wording score >= 0.6 and lead >= 0.1 got the same intent
# with meaning added (95 of them; 62 passed the old 0.8 / 0.1). 0.7 / 0.2 keeps a margin on
# both, and a lead above ITEM_PREFERENCE.
SETTLED_SCORE = 0.7
SETTLED_LEAD = 0.2
# Two readings this close (combined score) are asked about, not guessed, when the better one
# is itself no stronger than UNSURE. Calibrated on the dev and tuned sets (2026-12-06): of
# their questions the wording and meaning alone decide (no cue or rule, not a settled pair,
# not split by an item being named), the closest correct one is 0.079 ahead of its runner-up,
# so 0.05 asks about none of them.
CLOSE_CALL = 0.05
UNSURE = 0.7
# Below this combined score the nearest example is too far for an answer on its own: the
# question is asked back ("Do you mean ...?"). On the dev and tuned sets (2026-12-06, 132
# questions no cue or rule decides) four matcher-only readings scored under 0.45, three of
# them wrong; above it 0.45-0.5 held 2 right and 1 wrong.
FLOOR = 0.45
MAX_QUESTION_CHARS = 1000
ITEM_QUESTIONS = ("on_hand", "demand", "days_of_cover")  # offered when only the item is clear
# Pairs whose examples overlap on purpose and that the entities settle (an item named or not).
# Filters a question can ask for that some tools cannot apply; asked about, never dropped.
FILTERS = ("site", "criticality", "category", "mro_subtype")
# Types where a filter the tool lacks changes nothing the answer claims: a lookup by id or
# words, a classification, a document search (it reads the question's own words).
# A requisition draft shows its arguments in the approval it waits for (MRO drafts cover
# spare parts and consumables alike), so nothing is passed off there.
# Types whose tools answer for every item a description fits (a row each, or the group's
# total), so their answer shows them all rather than guessing one; the other item types
# ask which item is meant.
LISTS_ITEMS = frozenset({"find_items", "search_documents", "on_hand", "demand"})
UNFILTERED_OK = frozenset(
    {"find_items", "classify_item", "search_documents", "draft_purchase_requisitions"}
)
STOCK = re.compile(r"\b(?:inventory|stock|stores?|warehouse|on hand|hold|carry|shelves)\b")
# Types whose answers carry no money: a question asking the worth of stock is not one of them.
NO_MONEY = frozenset(
    {"below_reorder_point", "run_out_within", "open_wip_orders", "stalled_orders", "find_items",
     "stock_alerts", "days_of_cover", "suspected_misclassifications", "find_anomalies"}
)  # fmt: skip
# Types that list findings over all items: a word that loosely fits an item is no filter.
LIST_TYPES = frozenset({"find_anomalies", "suspected_misclassifications"})
SETTLED_PAIRS = {
    frozenset({"run_out_within", "days_of_cover"}),
    frozenset({"run_out_within", "stockout_risk"}),
    frozenset({"on_hand", "find_items"}),
}


@dataclass
class Plan:
    intent: str
    entities: dict[str, Any] = field(default_factory=dict)
    mode: str = "answer"  # "answer" | "why" | "which_item" (several items fit its words)
    calls: list[dict] = field(default_factory=list)
    message: str = ""  # a decline or a clarifying question, when there are no calls
    question: str = ""  # the wording a free-text tool (document search) is given
    options: list[dict] = field(default_factory=list)  # what a clarifying question offers
    reading: str = ""  # "Read as: ...", the line each answer carries
    what: str = ""  # how the reading names the question, when not the intent's label

    def meta(self) -> dict:
        return {
            "intent": self.intent,
            "entities": self.entities,
            "mode": self.mode,
            "question": self.question,
            "options": self.options,
            "reading": self.reading,
        }


def _weak(match: Match) -> bool:
    """Declined on wording alone but not clearly out of scope: a cue may still place it."""
    return match.intent == DECLINE and match.score < DECISIVE_SCORE


def _decisive(match: Match) -> bool:
    return match.score >= DECISIVE_SCORE and match.score - match.runner_up_score >= DECISIVE_LEAD


def _settled_by_wording(match: Match) -> bool:
    return match.score >= SETTLED_SCORE and match.score - match.runner_up_score >= SETTLED_LEAD


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
        self.ctx = ctx
        self.extractor = EntityExtractor(ctx.dataset, _intent_words(INTENTS))
        self.intents = {i.name: i for i in INTENTS}
        self._matchers: dict[frozenset, IntentMatcher] = {}
        self._semantic: dict[frozenset, SemanticMatcher] = {}
        self.cache_dir = ctx.settings.data_dir / "cache"

    def _shape_example(self, example: str) -> str:
        # Questions reach the matcher with their period replaced (find_period, in the
        # extractor); examples written with a period in words must be too, or "which critical
        # spare parts will run out within their lead time?" (the README's question) scores
        # 0.69 against its own example and is not decisive: the encoder then loads for it
        # (0.3 s CPU of a cold ask).
        return find_period(example, {}, self.extractor.as_of)

    def available(self, tool_names: set[str]) -> list[Intent]:
        return [i for i in INTENTS if i.name == DECLINE or (i.tools and set(i.tools) & tool_names)]

    def matcher(self, tool_names: set[str]) -> IntentMatcher:
        key = frozenset(tool_names)
        if key not in self._matchers:
            self._matchers[key] = IntentMatcher(self.available(tool_names), self._shape_example)
        return self._matchers[key]

    def meaning(self, tool_names: set[str], shape: str) -> dict[str, float]:
        """Similarity by meaning per intent; empty (wording alone decides) if the encoder
        cannot run, which is logged rather than failing the question."""
        key = frozenset(tool_names)
        try:
            if key not in self._semantic:
                self._semantic[key] = SemanticMatcher(self.available(tool_names), self.cache_dir)
            return self._semantic[key].scores(shape)
        except Exception:  # onnxruntime missing or broken: degrade, don't crash
            log.warning("meaning-based routing unavailable; routing by wording", exc_info=True)
            return {}

    def item_candidates(self, text: str) -> list[str]:
        """The item ids the stock tools would read `text` as (none when it names nothing)."""
        _, resolve = open_index(self.ctx)
        try:
            return [resolve.items.ids[c] for c in resolve.item_candidates(text)]
        except StockwiseError:
            return []

    def capabilities(self, tool_names: set[str]) -> list[str]:
        return [i.label for i in self.available(tool_names) if i.name != DECLINE]

    def plan(self, question: str, previous: dict | None, tools: dict[str, BaseTool]) -> Plan:
        q = " ".join(question.lower().split())
        if not re.search(r"[^\W_]", q):
            return Plan(
                DECLINE,
                message="That question is empty: ask me about the plant's "
                "stock, demand, orders or documents.",
            )
        if len(q) > MAX_QUESTION_CHARS:
            return Plan(
                DECLINE,
                message="That question is too long for me to read reliably: "
                "ask it in a sentence or two.",
            )
        # Before anything reads the question's type: an injected instruction or a change
        # the tools cannot make is refused in one line, whatever words it shares with a
        # stock question ("delete the first one" is no pick, "set the reorder point" no
        # recommendation).
        refused = refusal(q)
        if refused:
            return Plan(DECLINE, message=refused)
        if previous and previous.get("options"):
            chosen = pick(q, previous["options"])
            if chosen is not None:
                entities = {**previous["entities"], **chosen.get("entities", {})}
                for key in chosen.get("without", ()):
                    entities.pop(key, None)
                intent = chosen.get("intent", previous["intent"])
                return self._calls(
                    Plan(intent, entities, question=previous.get("question", "")), tools
                )
        found = self.extractor.extract(question)
        if found.values.get("unknown_site"):
            names = ", ".join(
                f"{sid} ({name.title()})" for name, sid in self.extractor.sites.names.items()
            )
            return Plan(
                DECLINE,
                found.values,
                message=f'There is no site called "{found.values["unknown_site"]}" in the '
                f"plant's data; the sites are {names}.",
            )
        if found.values.get("impossible_date"):
            return Plan(
                DECLINE,
                found.values,
                message=f'"{found.values["impossible_date"]}" names a day that does not exist; '
                "ask again with a real date.",
            )
        if found.values.get("future"):
            return Plan(
                DECLINE,
                found.values,
                # No date written: the grounding check accepts figures from tools only.
                message="That period is after the data ends (at the snapshot date): ask "
                "about a period up to then, or ask for a forecast.",
            )
        match = self.matcher(set(tools)).match(found.shape)
        if not _settled_by_wording(match):
            meaning = self.meaning(set(tools), found.shape)
            match = self.matcher(set(tools)).match(found.shape, meaning)
        short = len(q.split()) <= 7
        asks_why = short and any(q.startswith(w) or q == w for w in WHY_WORDS)
        # "why did you alert on 4412?" is a question of its own, not a "why?" follow-up.
        asks_why = asks_why and not (match.intent == "stock_alerts" and _decisive(match))
        # "explain the critical spares policy" asks for a document, not about the last answer.
        asks_why = asks_why and not (POLICY.search(q) or DOCUMENT_CUES.search(q))
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
        if previous and follows_on and previous["intent"] != DECLINE:
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
        item = found.values.get("item")
        item_known = bool(item) and bool(self.item_candidates(str(item)))
        item_exact = item_known and str(item).lower() in self.extractor.item_ids
        rule = meaning_rule(q, found.values, item_known, item_exact)
        if rule == "decline_money":
            return Plan(DECLINE, found.values, message=DECLINE_MONEY)
        if rule == "decline_outside":  # energy, people, assets: what it can answer instead
            return Plan(DECLINE, found.values, message=self.decline(tools))
        if rule is None and match.intent != DECLINE or _weak(match):
            rule = cue_intent(q, found.values, item_known) or rule
        # "value of the critical items we hold": money asked of stock, whatever list type the
        # wording is nearest to; WIP's worth is settled above.
        money = VALUE_WORDS.search(q) and not WIP_WORDS.search(q)
        nearest = match.intent in NO_MONEY or (match.intent == DECLINE and STOCK.search(q))
        # ... or of a group the question names ("how much money is in class A items")
        group = any(found.values.get(k) for k in ("category", "criticality"))
        if rule is None and not item_known and (nearest or group) and money:
            rule = "inventory_value"  # "how much inventory do we carry in dollars"
        if rule in LIST_TYPES and item and str(item).lower() not in self.extractor.item_ids:
            # "same part set up twice under different numbers": a list of findings, whose
            # stray word ("set") fits items only loosely; an exact id still narrows it.
            del found.values["item"]
        if rule == "wip_value" and found.values.get("category") == "wip":
            del found.values["category"]  # "semi-finished" said what WIP value is of
        if rule and rule in self.intents and self._usable(rule, tools):
            what = "stock value (on hand x unit cost)" if rule == "on_hand" else ""
            return self._calls(Plan(rule, found.values, question=question, what=what), tools)
        if match.intent == DECLINE:
            if item and item.lower() in self.extractor.item_ids:
                # "wie viel 10082 haben wir?": the item is clear, the question is not.
                return self._ask_about_item(item, found.values, question, tools)
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
            elif str(item).lower() in self.extractor.item_ids and intent not in UNFILTERED_OK:
                # One exact item named, and the question type read is about no item: the
                # answer would be a list that never looks at it.
                return self._ask_about_item(str(item), found.values, question, tools, read=intent)
        elif self._close_call(match, found.values, tools) or match.score < FLOOR:
            return self._ask_intent(match, found.values, question, tools)
        return self._calls(Plan(intent, found.values, question=question), tools)

    def _close_call(self, match: Match, entities: dict, tools: dict[str, BaseTool]) -> bool:
        """Two readings nearly tied and neither strong: asking costs the user one reply,
        a wrong guess costs a confident wrong answer."""
        runner = match.runner_up
        if runner is None or runner == DECLINE or not self._usable(runner, tools):
            return False
        if frozenset({match.intent, runner}) in SETTLED_PAIRS:
            return False
        if self._takes_item(match.intent, tools) != self._takes_item(runner, tools):
            return False  # whether an item is named settles it
        return match.score <= UNSURE and match.score - match.runner_up_score < CLOSE_CALL

    def _ask_intent(
        self, match: Match, entities: dict, question: str, tools: dict[str, BaseTool]
    ) -> Plan:
        names = [match.intent]
        runner = match.runner_up
        if runner and runner != DECLINE and runner != match.intent and self._usable(runner, tools):
            names.append(runner)
        options = [{"intent": n, "entities": {}} for n in names]
        message = ask_which_intent([self.intents[n].label for n in names])
        return Plan(match.intent, entities, question=question, options=options, message=message)

    def _ask_about_item(
        self,
        item: str,
        entities: dict,
        question: str,
        tools: dict[str, BaseTool],
        read: str | None = None,
    ) -> Plan:
        names = [n for n in ITEM_QUESTIONS if self._usable(n, tools)]
        if read is not None:
            names = [read, *names]
        options = [
            {"intent": n, "entities": {}, "without": ["item"] if n == read else []} for n in names
        ]
        why = (
            f"the closest question type I know ({self.intents[read].label}) is not about one item"
            if read is not None
            else "not what you want to know about it (I read questions in English)"
        )
        named = f"item {item}" if item.lower() in question.lower() else "the item you named"
        message = f"I see {named}, but {why}. " + ask_which_intent(
            [self.intents[n].label + (" (not about one item)" if n == read else "") for n in names]
        )
        return Plan(names[0], entities, question=question, options=options, message=message)

    def _usable(self, intent: str, tools: dict[str, BaseTool]) -> bool:
        return any(n in tools for n in self.intents[intent].tools)

    def _takes_item(self, intent: str, tools: dict[str, BaseTool]) -> bool:
        names = self.intents[intent].tools if intent in self.intents else ()
        return any(
            "item" in entities
            for n in names
            if n in tools
            for entities in declared_entities(tools[n]).values()
        )

    def _dropped(self, tool: BaseTool, values: dict, args: dict, question: str) -> list[str]:
        """The entities the question named that `tool` does not take, as the reading names
        them. A tool that reads the question's own words (document search) takes its item
        and category words that way; an item's category or criticality describes the item
        named, not a filter."""
        declared = declared_entities(tool)
        taken = {e for field_, es in declared.items() if field_ in args for e in es}
        free_text = any("question" in es for es in declared.values())
        named_item = any("item" in es for f, es in declared.items() if f in args)
        described = {"item", "category", "criticality", "equipment"} if free_text else set()
        if named_item:
            described |= {"category", "criticality"}
        shown = {
            "site": "site",
            "item": "item",
            "start": "period",
            "category": "category",
            "criticality": "criticality",
            "equipment": "equipment",
            "group_by": "by",  # "WIP value by site": a grouping the tool cannot make
            "stage": "stage",
        }
        return [
            f"{word} {values[key]}"
            if key in ("site", "equipment", "group_by", "stage")
            or str(values[key]).lower() in question
            else word
            for key, word in shown.items()
            if key in values
            and key not in taken
            and key not in described
            and not (key == "start" and "days" in taken)
        ]

    def _reading(self, what: str, tool: BaseTool, args: dict, dropped: list[str]) -> str:
        declared = declared_entities(tool)
        takes_site = any("site" in es for es in declared.values())
        sites = {sid: name.title() for name, sid in self.extractor.sites.names.items()}
        return reading(what, args, sites, dropped, takes_site)

    def _unapplied(self, plan: Plan, tool: BaseTool, values: dict, args: dict) -> list[str]:
        """The filters (site, criticality, category) the question asked for that the chosen
        tool cannot apply: answering without them would be a confident answer to another
        question."""
        if plan.intent in UNFILTERED_OK:
            return []
        declared = declared_entities(tool)
        taken = {e for field_, es in declared.items() if field_ in args for e in es}
        if any("question" in es for es in declared.values()):
            return []
        keys = [k for k in FILTERS if k in values and values[k] and k not in taken]
        if any("item" in es for f, es in declared.items() if f in args):
            keys = [k for k in keys if k == "site"]
        return keys

    def _ask_unfiltered(self, plan: Plan, intent: Intent, keys: list[str]) -> Plan:
        sites = {sid: name.title() for name, sid in self.extractor.sites.names.items()}
        values = plan.entities
        named = []
        for k in keys:
            if k == "site":
                named.append(f"site {values[k]} ({sites.get(values[k], values[k])})")
            elif k == "criticality":
                named.append(f"criticality {values[k]}")
            elif k == "category" or "category" not in keys:
                named.append(group_words(values.get("mro_subtype") or values.get("category")))
        if keys == ["site"]:
            everything = "all sites"
        elif keys == ["mro_subtype"]:
            everything = f"all {group_words(values.get('category'))}, without that filter"
        else:
            everything = "everything, without that filter"
        plan.message = (
            f"I can answer {intent.label}, but not narrowed to {' and '.join(named)}: that "
            f"filter is not one this question type takes. Do you mean {everything}? "
            "Reply yes for that, or ask it another way."
        )
        without = list(keys) + (["mro_subtype"] if "category" in keys else [])
        plan.options = [{"intent": plan.intent, "entities": {}, "without": without}]
        plan.calls = []
        return plan

    def decline(self, tools: dict[str, BaseTool]) -> str:
        can = "\n".join(f"- {c}" for c in self.capabilities(set(tools)))
        return (
            "That is outside what I can answer from the plant's data, and I won't guess. "
            f"I can answer questions about:\n{can}"
        )

    def _which_item(self, plan: Plan, tools: dict[str, BaseTool]) -> Plan | None:
        """Words that several items fit equally ("ear defenders snr30" is four items): ask
        which one, listing them, before any tool answers for one of them or for all."""
        text = str(plan.entities.get("item") or "")
        if not text or text.lower() in self.extractor.item_ids or plan.intent in LISTS_ITEMS:
            return None
        if not self._takes_item(plan.intent, tools):
            return None  # the words are not an argument of this question type
        index, resolve = open_index(self.ctx)
        try:
            codes = resolve.item_candidates(text)
        except StockwiseError:
            return None  # no item fits: the tool names the closest ones
        ids = [resolve.items.ids[c] for c in codes]
        if len(ids) == 1:
            plan.entities["item"] = ids[0]
            return None
        # The items are looked up with find_items, so every id and figure the question
        # lists is in the turn's tool results (the grounding check reads them there).
        plan.mode = "which_item"
        plan.options = [
            {"item": i, "entities": {"item": i}, "label": resolve.label(c)}
            for i, c in zip(ids, codes, strict=True)
        ]
        plan.calls = []
        if "find_items" in tools:
            plan.calls.append(_call("find_items", {"query": text, "limit": len(ids)}))
        else:
            plan.message = ask_which_item(text, [o["label"] for o in plan.options])
        return plan

    def _calls(self, plan: Plan, tools: dict[str, BaseTool]) -> Plan:
        if plan.intent == "find_anomalies" and plan.question:
            kinds = anomaly_kinds(plan.question.lower())
            if kinds:  # the answer shows these first (answers/quality.py)
                plan.entities["anomaly_kinds"] = kinds
        asked = self._which_item(plan, tools)
        if asked is not None:
            return asked
        intent = self.intents[plan.intent]
        for name in intent.tools:
            if name not in tools:
                continue
            values = {**intent.defaults, **plan.entities, "question": plan.question}
            values = _length_of_period(tools[name], values)
            args, missing = fill_args(tools[name], values)
            if missing:
                plan.message = clarify(missing)
                plan.calls = []
                return plan
            unapplied = self._unapplied(plan, tools[name], values, args)
            if unapplied:
                return self._ask_unfiltered(plan, intent, unapplied)
            if not plan.reading:
                dropped = self._dropped(tools[name], values, args, plan.question.lower())
                plan.reading = self._reading(plan.what or intent.label, tools[name], args, dropped)
            plan.calls.append(_call(name, args))
        if not plan.calls:
            plan.message = "I have no tool for that question yet."
        return plan


def _length_of_period(tool: BaseTool, values: dict) -> dict:
    """A period given to a type that takes a length of days ("not used in the last year" for
    slow-moving stock): its length, rather than the tool's default and the period unused."""
    declared = {e for es in declared_entities(tool).values() for e in es}
    if "days" in values or "days" not in declared or "start" in declared:
        return values
    if not (values.get("start") and values.get("end")):
        return values
    span = (pd.Timestamp(values["end"]) - pd.Timestamp(values["start"])).days + 1
    span = 365 if span == 366 else span  # "the last year" is a year back, leap or not
    rest = {k: v for k, v in values.items() if k not in ("start", "end")}
    return {**rest, "days": span}


def _call(name: str, args: dict) -> dict:
    return {"name": name, "args": args, "id": f"call_{uuid.uuid4().hex[:12]}", "type": "tool_call"}


def group_words(value: object) -> str:
    """A category or MRO subtype as a person says it: "spare parts", "MRO items"."""
    text = str(value or "items")
    return {"mro": "MRO items", "wip": "WIP items"}.get(text, text.replace("_", " ") + "s")


def clarify(missing: list[str]) -> str:
    asks = {
        "item": "Which item do you mean? Give its id or words from its description.",
        "equipment": "Which piece of equipment do you mean (e.g. its id)?",
        "site": "Which site do you mean?",
    }
    return " ".join(asks.get(m, f"Which {m.replace('_', ' ')} do you mean?") for m in missing)
