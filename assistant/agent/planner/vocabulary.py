"""The fixed vocabulary of stock questions: words that never name an item, categories,
criticality, grouping and top-N. None of it depends on the dataset."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from stockwise.assistant.agent.planner.shape import replace_first
from stockwise.tools.core.stopwords import STOPWORDS

# Words of a stock question that never name an item: requests, comparisons, time and place,
# and the inventory's own vocabulary ("how many parts are in stock").
# fmt: off
REQUEST_WORDS = frozenset({
    "please", "show", "list", "give", "tell", "get", "find", "check", "whats", "what's",
    "more", "most", "less", "least", "total", "number", "qty", "quantity",
    "right", "now", "current", "currently", "still", "left",
    "up", "down", "out", "over", "under", "above", "below",
    "item", "items", "part", "parts", "stock", "level", "levels", "site", "plant",
    # money said of stock ("how much cash is sitting in ..."), never an item's name
    "worth", "value", "valued", "money", "cash", "tied", "sitting", "holding", "hold",
    # time, which periods.py reads when it is a period and which never names an item
    "day", "days", "week", "weeks", "month", "months", "quarter", "quarters", "year", "years",
    "half", "today", "yesterday", "tomorrow",
    # how an amount is put ("in value terms", "overall"), never an item's name
    "terms", "overall", "altogether",
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
    # "unfinished production" is work in progress, not finished goods
    (r"(?<!un)\bfinished (?:goods?|products?)\b|\bfg\b", {"category": "finished_good"}),
    # tools held as stock; "tools in a BOM" is an anomaly, read from the question's words
    (
        r"\b(?:hand |power )?tools\b(?!.{0,25}\b(?:in|on) (?:a |the |any |our )?(?:boms?|bills?))",
        {"category": "mro", "mro_subtype": "tool"},
    ),
)
CRITICALITY = (
    (r"\b(?:criticality|class|crit)\s*([abc])\b", None),
    (r"\b([abc])[- ](?:critical|class|items?)\b", None),
    (r"\b(?:critical|line[- ]stopping)\b", "A"),
)
CRITICAL_TYPO = 80  # rapidfuzz ratio a word needs to be read as "critical" ("critcal")


def find_category(text: str, out: dict) -> str:
    """A category ("spare parts", "raw materials") and a criticality ("class B",
    "critical") into `out`, each replaced by its placeholder."""
    for pattern, values in CATEGORY_PHRASES:
        # whole words only: "shipper" holds no "ppe", "unfinished" no "finished goods"
        text2, m = replace_first(rf"\b(?:{pattern})\b", text, "{category}")
        if m:
            out.update(values)
            text = text2
            break
    for pattern, fixed in CRITICALITY:
        m = re.search(pattern, text)
        if m:
            out["criticality"] = fixed or m.group(1).upper()
            return text[: m.start()] + "{criticality}" + text[m.end() :]
    for m in re.finditer(r"\b[a-z]{6,10}\b", text):
        if fuzz.ratio(m.group(0), "critical") >= CRITICAL_TYPO:
            out["criticality"] = "A"
            return text[: m.start()] + "{criticality}" + text[m.end() :]
    return text


def find_group_by(text: str, out: dict) -> str:
    """A grouping ("by site", "per supplier") into `out` as group_by, replaced by
    "by {group}"."""
    m = re.search(
        r"\b(?:by|per|for each|broken down by) (category|site|supplier|"
        r"criticality|subtype|uom)\b",
        text,
    )
    if m:
        out["group_by"] = {"subtype": "mro_subtype"}.get(m.group(1), m.group(1))
        return text[: m.start()] + "by {group}" + text[m.end() :]
    return text


def find_top(text: str, out: dict) -> str:
    """A top-N ("top 10", "worst 5") into `out`; the text is kept, as the words around the
    number say which list is asked for."""
    m = re.search(r"\b(?:top|first|biggest|largest|worst) (\d{1,3})\b", text)
    if m:
        out["top"] = int(m.group(1))
    return text


# Kinds of data anomaly as people name them (the checks of tools/anomalies), so an answer
# about "duplicate items" shows those findings first rather than the worst of every kind.
ANOMALY_KINDS = (
    (r"duplicat\w*|twice|same (?:part|item)s? (?:under|with|as)|double entr\w+", "duplicate_item"),
    (r"spikes?|surges?|jumps? in (?:demand|usage)", "demand_spike"),
    (r"dead stock|never (?:moved|used)|no movement since", "dead_stock"),
    (
        r"(?:tools?|wrench\w*|spanners?|gloves?|mro|maintenance \w+)\b.{0,30}\bboms?\b"
        r"|\bboms?\b.{0,30}\b(?:tools?|wrench\w*|spanners?|mro|maintenance)",
        "mro_in_bom",
    ),
    (r"count (?:variances?|differences?)|book (?:vs|versus|against)", "count_variance"),
    (r"negative (?:book|stock|balances?)", "negative_book"),
    (r"dual[- ]use|both (?:production|maintenance) and", "dual_use"),
    (r"stalled|stuck", "stalled_order"),
    (r"excess|overstock\w*", "excess_stock"),
    (r"slow[- ]?mov\w+", "slow_moving"),
)


def anomaly_kinds(text: str) -> list[str]:
    """The kinds of anomaly a question names, in the order of the checks."""
    return [kind for pattern, kind in ANOMALY_KINDS if re.search(rf"\b(?:{pattern})", text)]
