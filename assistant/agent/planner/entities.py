"""Entity extraction for the offline planner: item ids and names, equipment, sites, periods
and horizons, categories, criticality, top-N. Each found entity is replaced by a
{placeholder} in the text, so intent matching sees the question's shape, not its nouns.
The dataset gives the items, equipment and sites; the fixed vocabulary, periods and sites
each have their own module."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
from rapidfuzz import fuzz, process

from stockwise.assistant.agent.planner.periods import find_period
from stockwise.assistant.agent.planner.shape import Entities
from stockwise.assistant.agent.planner.sites import SiteNames
from stockwise.assistant.agent.planner.vocabulary import (
    NOT_ITEM_WORDS,
    find_category,
    find_group_by,
    find_top,
)
from stockwise.tools.dataset.model import Dataset


class EntityExtractor:
    """Built once per dataset: the vocabularies entities are recognised against."""

    def __init__(self, dataset: Dataset, intent_words: set[str]) -> None:
        self.as_of = pd.Timestamp(dataset.as_of).normalize()
        self.sites = SiteNames(dataset.sites)
        self.equipment_ids = {str(e).lower(): str(e) for e in dataset.equipment["equipment_id"]}
        self.machines = _machine_phrases(dataset.equipment)
        self.stages = _stage_names(dataset)
        self.item_ids = {str(i).lower(): str(i) for i in dataset.items["item_id"]}
        words: set[str] = set()
        for desc in dataset.items["description"].dropna().astype(str):
            words.update(w for w in re.findall(r"[a-z][a-z0-9\-]+", desc.lower()) if len(w) > 2)
        self.item_words = sorted(words - NOT_ITEM_WORDS)
        self.intent_words = intent_words
        # Whole descriptions and part numbers, so "improver bread 45 p/n 1713-867" names its
        # item before "1713" can be read as an id. A description held by several items
        # ("ptfe tape 12mm x 12m") stays text: the tools then list each of them.
        self.descriptions: dict[str, set[str]] = {}
        self.part_numbers: dict[str, set[str]] = {}
        # Description tokens -> items, so "juki 503 nozzles" finds NOZZLE PNP JUKI 503 in any
        # word order, and "fuse 10a ceramic" keeps its "10a".
        self.token_items: dict[str, set[str]] = {}
        for item_id, desc in zip(
            dataset.items["item_id"], dataset.items["description"], strict=True
        ):
            text = " ".join(str(desc).lower().split())
            core, _, part = text.partition(" p/n ")
            for key in {text, core}:
                if len(key.split()) >= 2:
                    self.descriptions.setdefault(key, set()).add(str(item_id))
            if part:
                self.part_numbers.setdefault(part.strip(), set()).add(str(item_id))
            for token in _tokens(core):
                self.token_items.setdefault(token, set()).add(str(item_id))

    def _equipment(self, text: str, out: dict) -> str:
        for m in re.finditer(r"\b[a-z]{1,4}-\d{1,3}\b", text):
            if m.group(0) in self.equipment_ids:
                out["equipment"] = self.equipment_ids[m.group(0)]
                return text.replace(m.group(0), "{equipment}", 1)
        return text

    def _stage(self, text: str, out: dict) -> str:
        """A routing stage named as one ("at the packing stage", "stage baking"); a stage
        word alone ("packing") may be a machine or an item, so it is left to them."""
        if not self.stages:
            return text
        names = "|".join(re.escape(s) for s in sorted(self.stages, key=len, reverse=True))
        m = re.search(rf"\b({names}) stages?\b|\bstage (?:of )?({names})\b", text)
        if m is None:
            return text
        out["stage"] = self.stages[m.group(1) or m.group(2)]
        return text[: m.start()] + "{stage} stage" + text[m.end() :]

    def _described(self, text: str, out: dict) -> str:
        """An item named by its part number or its whole description (longest first)."""
        for m in re.finditer(r"\b(?:p/?n|part no\.?|part number)\s*:?\s*([a-z0-9][\w\-]*)", text):
            ids = self.part_numbers.get(m.group(1))
            if ids and len(ids) == 1:
                out["item"] = next(iter(ids))
                start = m.start()
                for desc in sorted(self.descriptions, key=len, reverse=True):
                    if text[:start].rstrip().endswith(desc):
                        start = text[:start].rstrip().rfind(desc)
                        break
                return text[:start] + "{item}" + text[m.end() :]
        best = None
        for desc in self.descriptions:
            if len(desc) > 8 and (best is None or len(desc) > len(best)):
                i = text.find(desc)
                if i >= 0 and _bounded(text, i, i + len(desc)):
                    best = desc
        if best is None:
            return text
        ids = self.descriptions[best]
        out["item"] = next(iter(ids)) if len(ids) == 1 else best
        i = text.find(best)
        return text[:i] + "{item}" + text[i + len(best) :]

    def _item(self, text: str, out: dict) -> str:
        text = self._described(text, out)
        if "item" in out:
            return text
        span = self._token_span(text)
        if span is not None and len(span[2]) == 1:  # the words fit exactly one item
            out["item"] = next(iter(span[2]))
            return text[: span[0]] + "{item}" + text[span[1] :]
        for m in re.finditer(r"\b[\w\-]+\b", text):
            token = m.group(0)
            if token in self.item_ids and not token.isalpha():
                out["item"] = self.item_ids[token]
                return text[: m.start()] + "{item}" + text[m.end() :]
        # "item 99999": an id the dataset lacks still goes to the tool, which then names the
        # closest matches.
        named = re.search(
            r"\b(?:item|part|sku|material|p/n|pn)\s*(?:no\.?|number|#)?\s*#?"
            r"([a-z]{0,4}-?\d{3,})\b",
            text,
        )
        if named:
            out["item"] = self.item_ids.get(named.group(1), named.group(1).upper())
            return text[: named.start(1)] + "{item}" + text[named.end(1) :]
        words = list(re.finditer(r"[a-z][a-z0-9\-]*", text))
        run: list[re.Match] = []
        best: list[re.Match] = []
        for m in words:
            w = m.group(0)
            if self._is_item_word(w):
                run.append(m)
                if len(run) > len(best):
                    best = list(run)
            else:
                run = []
        if span is not None and len(text[span[0] : span[1]].split()) >= len(best):
            # several items share the words: keep them all ("fuse 10a"), unless the fuzzy
            # run is longer ("hydraulic seal kits" must keep "hydraulic")
            out["item"] = text[span[0] : span[1]]
            return text[: span[0]] + "{item}" + text[span[1] :]
        if best:
            out["item"] = " ".join(m.group(0) for m in best)
            return text[: best[0].start()] + "{item}" + text[best[-1].end() :]
        return text

    def _token_span(self, text: str) -> tuple[int, int, set[str]] | None:
        """An item named by several words of its description, in any order ("juki 503
        nozzles", "the fuse 10a ceramic"): the longest run of question words that every
        word of some description holds. One item: its id; several: the words, for the tool
        to list them. A single word is left to the fuzzy reading below (typos)."""
        spans = list(TOKEN.finditer(text))
        best: tuple[int, int, set[str]] | None = None
        for i in range(len(spans)):
            items: set[str] | None = None
            for j in range(i, len(spans)):
                word = spans[j].group(0)
                if word in NOT_ITEM_WORDS or word in self.intent_words:
                    break
                held = self.token_items.get(word) or self.token_items.get(_singular(word))
                if not held:
                    break
                items = set(held) if items is None else items & held
                if not items:
                    break
                if j > i and (best is None or j - i > best[1] - best[0]):
                    best = (i, j, set(items))
        if best is None:
            return None
        i, j, items = best
        return spans[i].start(), spans[j].end(), items

    def _is_item_word(self, word: str) -> bool:
        if word in NOT_ITEM_WORDS or word in self.intent_words or len(word) < 3:
            return False
        stem = word[:-1] if word.endswith("s") and len(word) > 4 else word
        hit = process.extractOne(stem, self.item_words, scorer=fuzz.ratio, score_cutoff=84)
        return hit is not None

    def extract(self, question: str) -> Entities:
        """The question's entities and shape. The order matters: "by site" is a grouping
        before it is a site, and ids, periods and categories are taken before what is left
        is read as an item's name."""
        text = " ".join(question.lower().replace("?", " ").replace("’", "'").split())
        out: dict[str, Any] = {}
        text = self._equipment(text, out)
        flat = text.replace("-", " ")
        named = [m for m in self.machines if re.search(rf"\b{re.escape(m)}s?\b", flat)]
        if named:  # a kind of machine ("the tunnel oven"): kept in the words, noted apart
            out["machine"] = max(named, key=len)
        text = self._stage(text, out)
        text = find_group_by(text, out)
        text = self.sites.find(text, out)
        text = find_period(text, out, self.as_of)
        text = find_category(text, out)
        text = find_top(text, out)
        # "run dry", "running low": running out, never the item "yeast dry" or "low" anything
        text = re.sub(
            r"\b(runs?|running|ran|go(?:es|ing|ne)?)\s+(?:dry|short|low)\b", r"\1 out", text
        )
        text = self._item(text, out)
        for key in ("start", "end"):
            if key in out:
                out[key] = pd.Timestamp(out[key]).date().isoformat()
        return Entities(values=out, shape=text)


def _machine_phrases(equipment: pd.DataFrame) -> tuple[str, ...]:
    """Kinds of machine as people name them, from the equipment table: its types ("packing
    line") and its names without ids or sizes ("flow wrap packing line", "tunnel oven")."""
    phrases: set[str] = set()
    for column in ("equipment_type", "name"):
        if column not in equipment:
            continue
        for value in equipment[column].dropna().astype(str):
            words = re.sub(r"[_\-]", " ", value.lower()).split()
            words = [w for w in words if not re.search(r"\d", w)]
            if words:
                phrases.add(" ".join(words))
    return tuple(sorted(p for p in phrases if len(p) >= 4))


def _stage_names(dataset: Dataset) -> dict[str, str]:
    """The routing stages, lower case -> as the data spells them (none without routings)."""
    try:
        stages = dataset.routings["stage"].dropna().astype(str)
    except (AttributeError, KeyError):
        return {}
    return {s.lower(): s for s in stages.unique() if len(s) >= 3}


TOKEN = re.compile(r"[a-z0-9][a-z0-9.\-/]*[a-z0-9]|[a-z0-9]")


def _tokens(description: str) -> set[str]:
    return {_singular(t) for t in TOKEN.findall(description)}


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 and not word.endswith("ss") else word


def _bounded(text: str, start: int, end: int) -> bool:
    """The span is whole words of `text`."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or after.isalnum())
