"""Entity extraction for the offline planner: item ids and names, equipment, sites, periods
and horizons, categories, criticality, top-N. Each found entity is replaced by a
{placeholder} in the text, so intent matching sees the question's shape, not its nouns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from rapidfuzz import fuzz, process

from stockwise.tools.core.stopwords import STOPWORDS
from stockwise.tools.dataset.model import Dataset

# Words of a stock question that never name an item: requests, comparisons, time and place,
# and the inventory's own vocabulary ("how many parts are in stock").
# fmt: off
REQUEST_WORDS = frozenset({
    "please", "show", "list", "give", "tell", "get", "find", "check", "whats", "what's",
    "more", "most", "less", "least", "total", "number", "qty", "quantity",
    "right", "now", "current", "currently", "still", "left",
    "up", "down", "out", "over", "under", "above", "below",
    "item", "items", "part", "parts", "stock", "level", "levels", "site", "plant",
})
# fmt: on
NOT_ITEM_WORDS = STOPWORDS | REQUEST_WORDS
CATEGORY_PHRASES = (
    (r"spare ?parts?|spares", {"category": "mro", "mro_subtype": "spare_part"}),
    (r"consumables?", {"category": "mro", "mro_subtype": "consumable"}),
    (r"safety (?:gear|equipment|items?)|ppe", {"category": "mro", "mro_subtype": "safety"}),
    (r"\bmro\b|maintenance (?:items?|supplies|stock)", {"category": "mro"}),
    (
        r"\bwip\b items?|semi[- ]finished(?: goods?| items?)?|work[- ]in[- ]progress items?",
        {"category": "wip"},
    ),
    (r"raw materials?|\braws?\b", {"category": "raw_material"}),
    (r"finished goods?|finished products?|\bfg\b", {"category": "finished_good"}),
)
CRITICALITY = (
    (r"\b(?:criticality|class|crit)\s*([abc])\b", None),
    (r"\b([abc])[- ](?:critical|class|items?)\b", None),
    (r"\b(?:critical|crticial|critcal|criticial|line[- ]stopping)\b", "A"),
)
MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "ten": 10,
    "a": 1,
    "an": 1,
    "twelve": 12,
    "thirty": 30,
    "sixty": 60,
    "ninety": 90,
}
UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "quarter": 90, "year": 365}
UNITS = "(day|week|month|quarter|year)"
ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "other": 1}


@dataclass
class Entities:
    values: dict[str, Any] = field(default_factory=dict)
    shape: str = ""  # the question with entities replaced by {placeholders}


def _sub(pattern: str, text: str, placeholder: str) -> tuple[str, re.Match | None]:
    m = re.search(pattern, text)
    if m is None:
        return text, None
    return text[: m.start()] + placeholder + text[m.end() :], m


class EntityExtractor:
    """Built once per dataset: the vocabularies entities are recognised against."""

    def __init__(self, dataset: Dataset, intent_words: set[str]) -> None:
        self.as_of = pd.Timestamp(dataset.as_of).normalize()
        sites = dataset.sites.sort_values("site_id")
        self.site_ids = list(sites["site_id"])
        self.site_names = {
            str(n).lower(): s for s, n in zip(sites["site_id"], sites["name"], strict=True)
        }
        self.equipment_ids = {str(e).lower(): str(e) for e in dataset.equipment["equipment_id"]}
        self.item_ids = {str(i).lower(): str(i) for i in dataset.items["item_id"]}
        words: set[str] = set()
        for desc in dataset.items["description"].dropna().astype(str):
            words.update(w for w in re.findall(r"[a-z][a-z0-9\-]+", desc.lower()) if len(w) > 2)
        self.item_words = sorted(words - NOT_ITEM_WORDS)
        self.intent_words = intent_words

    # --- the pieces ---------------------------------------------------------------------
    def _equipment(self, text: str, out: dict) -> str:
        for m in re.finditer(r"\b[a-z]{1,4}-\d{1,3}\b", text):
            if m.group(0) in self.equipment_ids:
                out["equipment"] = self.equipment_ids[m.group(0)]
                return text.replace(m.group(0), "{equipment}", 1)
        return text

    def _site(self, text: str, out: dict) -> str:
        for sid in self.site_ids:
            text2, m = _sub(rf"\b{re.escape(sid.lower())}\b", text, "{site}")
            if m:
                out["site"] = sid
                return text2
        for name, sid in self.site_names.items():
            first = re.escape(name.split()[0])
            text2, m = _sub(rf"\b(?:the )?{first}(?: plant| site)?\b", text, "{site}")
            if m:
                out["site"] = sid
                return text2
        pattern = r"\b(?:the )?(first|1st|second|2nd|third|3rd|other) (?:site|plant)\b"
        text2, m = _sub(pattern, text, "{site}")
        if m and ORDINALS[m.group(1)] < len(self.site_ids):
            out["site_ordinal"] = ORDINALS[m.group(1)]
            out["site"] = self.site_ids[ORDINALS[m.group(1)]]
            return text2
        text2, m = _sub(r"\bsite (\d)\b", text, "{site}")
        if m and 0 < int(m.group(1)) <= len(self.site_ids):
            out["site"] = self.site_ids[int(m.group(1)) - 1]
            return text2
        return text

    def _period(self, text: str, out: dict) -> str:
        a = self.as_of
        day = pd.Timedelta(days=1)
        month_start = a.replace(day=1)
        rules: list[tuple[str, Any]] = [
            (
                r"\b(?:in |during |over )?(?:the )?next (\d+|[a-z]+) " + UNITS + r"s?\b",
                "horizon",
            ),
            (r"\b(?:in |during |over )?(?:the )?next (day|week|month|quarter|year)\b", "horizon1"),
            (r"\bwithin (?:the next )?(\d+|[a-z]+) (day|week|month|quarter|year)s?\b", "horizon"),
            (r"\bwithin (?:their|its|the) lead ?times?\b|\blead ?times?\b", "lead_time"),
            (
                r"\b(?:in |over |during )?(?:the )?(?:last|past|previous) (\d+|[a-z]+) "
                r"(day|week|month|quarter|year)s?\b",
                "past_n",
            ),
            (
                r"\b(?:in |over |during )?(?:the )?(?:last|past|previous) " + UNITS + r"\b",
                "last_unit",
            ),
            (r"\b(?:in )?q([1-4])(?: (\d{4}))?\b", "quarter"),
            (r"\b(?:this|current) (month|year|quarter)\b|\b(ytd|year to date|mtd)\b", "this_unit"),
            (r"\b(?:in |during )?(" + "|".join(MONTHS) + r")(?: (\d{4}))?\b", "month"),
            (r"\bsince (\d{4}-\d{2}-\d{2})\b", "since"),
        ]
        for pattern, kind in rules:
            m = re.search(pattern, text)
            if m is None:
                continue
            g = m.groups()
            if kind in ("horizon", "past_n"):
                n = int(g[0]) if g[0].isdigit() else NUMBER_WORDS.get(g[0])
                if n is None:
                    continue
                days = n * UNIT_DAYS[g[1]]
                if kind == "horizon":
                    out["days"] = days
                else:
                    out["start"], out["end"] = a - pd.Timedelta(days=days - 1), a
            elif kind == "horizon1":
                out["days"] = UNIT_DAYS[g[0]]
            elif kind == "lead_time":
                out["lead_time"] = True
            elif kind == "last_unit":
                unit = g[0]
                if unit == "month":
                    end = month_start - day
                    out["start"], out["end"] = end.replace(day=1), end
                elif unit == "quarter":
                    q_start = pd.Timestamp(a.year, 3 * ((a.month - 1) // 3) + 1, 1)
                    out["start"] = (q_start - pd.DateOffset(months=3)).normalize()
                    out["end"] = q_start - day
                elif unit == "year":
                    out["start"] = pd.Timestamp(a.year - 1, 1, 1)
                    out["end"] = pd.Timestamp(a.year - 1, 12, 31)
                else:
                    out["start"], out["end"] = a - pd.Timedelta(days=6), a
            elif kind == "quarter":
                q = int(g[0])
                year = int(g[1]) if g[1] else a.year
                start = pd.Timestamp(year, 3 * q - 2, 1)
                if start > a:
                    start = pd.Timestamp(year - 1, 3 * q - 2, 1)
                out["start"] = start
                out["end"] = min(start + pd.DateOffset(months=3) - day, a)
            elif kind == "this_unit":
                unit = g[0] or ("year" if g[1] in ("ytd", "year to date") else "month")
                if unit == "month":
                    out["start"] = month_start
                elif unit == "quarter":
                    out["start"] = pd.Timestamp(a.year, 3 * ((a.month - 1) // 3) + 1, 1)
                else:
                    out["start"] = pd.Timestamp(a.year, 1, 1)
                out["end"] = a
            elif kind == "month":
                if g[0] == "may" and not re.search(r"\b(?:in|during) may\b", text):
                    continue  # "may" the verb
                month = MONTHS[g[0]]
                year = int(g[1]) if g[1] else a.year
                start = pd.Timestamp(year, month, 1)
                if start > a:
                    start = pd.Timestamp(year - 1, month, 1)
                out["start"] = start
                out["end"] = min(start + pd.DateOffset(months=1) - day, a)
            elif kind == "since":
                out["start"], out["end"] = pd.Timestamp(g[0]), a
            placeholder = "{days}" if kind in ("horizon", "horizon1", "lead_time") else "{period}"
            return text[: m.start()] + placeholder + text[m.end() :]
        return text

    def _category(self, text: str, out: dict) -> str:
        for pattern, values in CATEGORY_PHRASES:
            text2, m = _sub(pattern, text, "{category}")
            if m:
                out.update(values)
                text = text2
                break
        for pattern, fixed in CRITICALITY:
            m = re.search(pattern, text)
            if m:
                out["criticality"] = fixed or m.group(1).upper()
                text = text[: m.start()] + "{criticality}" + text[m.end() :]
                break
        return text

    def _group_by(self, text: str, out: dict) -> str:
        m = re.search(
            r"\b(?:by|per|for each|broken down by) (category|site|supplier|"
            r"criticality|subtype|uom)\b",
            text,
        )
        if m:
            out["group_by"] = {"subtype": "mro_subtype"}.get(m.group(1), m.group(1))
            return text[: m.start()] + "by {group}" + text[m.end() :]
        return text

    def _top(self, text: str, out: dict) -> str:
        m = re.search(r"\b(?:top|first|biggest|largest|worst) (\d{1,3})\b", text)
        if m:
            out["top"] = int(m.group(1))
        return text

    def _item(self, text: str, out: dict) -> str:
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
        if best:
            out["item"] = " ".join(m.group(0) for m in best)
            return text[: best[0].start()] + "{item}" + text[best[-1].end() :]
        return text

    def _is_item_word(self, word: str) -> bool:
        if word in NOT_ITEM_WORDS or word in self.intent_words or len(word) < 3:
            return False
        stem = word[:-1] if word.endswith("s") and len(word) > 4 else word
        hit = process.extractOne(stem, self.item_words, scorer=fuzz.ratio, score_cutoff=84)
        return hit is not None

    def extract(self, question: str) -> Entities:
        text = " ".join(question.lower().replace("?", " ").replace("’", "'").split())
        out: dict[str, Any] = {}
        for step in (
            self._equipment,
            self._group_by,
            self._site,
            self._period,
            self._category,
            self._top,
            self._item,
        ):
            text = step(text, out)
        for key in ("start", "end"):
            if key in out:
                out[key] = pd.Timestamp(out[key]).date().isoformat()
        return Entities(values=out, shape=text)
