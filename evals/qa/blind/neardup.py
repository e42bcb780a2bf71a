"""Near-duplicate check between the blind questions and the planner's example questions.

Both sides are normalised the same way before they are compared: lower case, item ids,
part numbers and the words of item descriptions replaced by `{item}`, site names (typos
too) by `{site}`, periods by `{period}`, other numbers by `{n}`; an example's own
placeholders are mapped onto the same four. Two questions are near-duplicates when the
token sets overlap by 90 % or more (Jaccard) or the sorted tokens read 90 % alike
(rapidfuzz `token_sort_ratio`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

THRESHOLD = 0.9

# Words a question is made of that also occur in some item description; they stay words.
_QUESTION_WORDS = """
    a all and any are at be by can do for from has have how in is it its many much new no not
    of on or our out over per set the to up we what when which who will with stock hand value
    demand use used usage item items lead time reorder point below run cover order orders open
    production wip mro raw material materials spare spares part parts consumable consumables
    safety tool tools critical category forecast risk policy draft requisition purchase
    component components stage batch slow excess data days day month year week next last this
    total site plant level number id code list show find need still worth money type kind
    really class units line lines
"""
QUESTION_WORDS = frozenset(_QUESTION_WORDS.split())
SITES = ("riverside", "lakeside")
MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
PERIOD = re.compile(
    rf"\b(?:(?:last|this|next|previous|coming|past)\s+(?:month|quarter|year|week)"
    rf"|(?:in|since|during|for)\s+(?:{MONTHS})(?:\s+\d{{4}})?|q[1-4](?:\s+\d{{4}})?"
    rf"|(?:last|past|next|coming)\s+\d+\s+(?:days|weeks|months)|ytd|year to date)\b"
)
PART_NUMBER = re.compile(r"\bp/?n\s*[\w./-]+|\b[a-z]{1,4}-\d{2,5}\b|\b\d{4}-\d{3}\b")
OTHER_SITE = re.compile(r"\b(?:the\s+)?(?:other|second|first)\s+(?:site|plant)\b|\bs[12]\b")


@dataclass(frozen=True)
class Match:
    qid: str
    intent: str
    score: float


def description_vocabulary(descriptions: Iterable[str]) -> frozenset[str]:
    words = set()
    for d in descriptions:
        words.update(w for w in re.findall(r"[a-z][a-z-]+", d.lower()) if len(w) >= 3)
    return frozenset(words - QUESTION_WORDS)


def _placeholder(name: str) -> str:
    name = name.lower()
    if "item" in name or "part" in name or "product" in name or "desc" in name:
        return "{item}"
    if "site" in name or "plant" in name:
        return "{site}"
    if any(w in name for w in ("period", "month", "quarter", "year", "window")):
        return "{period}"
    return "{n}"


def normalise(text: str, vocabulary: frozenset[str], item_ids: frozenset[str]) -> list[str]:
    text = re.sub(r"\{([^}]*)\}", lambda m: f" {_placeholder(m.group(1))} ", text)
    text = text.lower().replace("’", "'")
    text = PERIOD.sub(" {period} ", text)
    text = PART_NUMBER.sub(" {item} ", text)
    text = OTHER_SITE.sub(" {site} ", text)
    tokens = []
    for token in re.findall(r"\{[a-z]+\}|[a-z0-9][a-z0-9'/.-]*", text):
        bare = token.strip(".'")
        if token.startswith("{"):
            tokens.append(token)
        elif bare in item_ids:
            tokens.append("{item}")
        elif re.fullmatch(r"[\d.,/x-]+", bare):
            tokens.append("{n}")
        elif any(fuzz.ratio(bare, site) >= 80 for site in SITES):
            tokens.append("{site}")
        elif bare in vocabulary or bare.rstrip("s") in vocabulary:
            tokens.append("{item}")
        else:
            tokens.append(bare)
    # A word next to an item that abbreviates a description word ("separator" for SEP) is
    # part of that item.
    changed = True
    while changed:
        changed = False
        for i, token in enumerate(tokens):
            if token.startswith("{") or token in QUESTION_WORDS or len(token) < 4:
                continue
            near = tokens[max(0, i - 1) : i] + tokens[i + 1 : i + 2]
            if "{item}" in near and _abbreviates(token, vocabulary):
                tokens[i] = "{item}"
                changed = True
    collapsed: list[str] = []
    for token in tokens:  # "oil separator element" is one item, not three
        if not (collapsed and token == collapsed[-1] and token.startswith("{")):
            collapsed.append(token)
    return collapsed


def _abbreviates(token: str, vocabulary: frozenset[str]) -> bool:
    return any(token.startswith(w) for w in vocabulary if len(w) >= 3 and w[0] == token[0])


def similarity(a: list[str], b: list[str]) -> float:
    sa, sb = set(a), set(b)
    jaccard = len(sa & sb) / len(sa | sb) if sa | sb else 1.0
    return max(jaccard, fuzz.token_sort_ratio(" ".join(a), " ".join(b)) / 100)


def near_duplicates(
    questions: Iterable[tuple[str, str]],
    examples: Iterable[tuple[str, str]],
    descriptions: Iterable[str],
    item_ids: Iterable[str],
    threshold: float = THRESHOLD,
) -> list[Match]:
    """(question id, intent) pairs whose texts are near-duplicates. `questions` and
    `examples` are (id, text) and (intent name, text) pairs. The example text is not
    returned, so whoever reads the result has not read the planner."""
    vocabulary = description_vocabulary(descriptions)
    ids = frozenset(item_ids)
    normal = [(qid, normalise(text, vocabulary, ids)) for qid, text in questions]
    out = []
    for intent, example in examples:
        e = normalise(example, vocabulary, ids)
        for qid, q in normal:
            score = similarity(q, e)
            if score >= threshold:
                out.append(Match(qid, intent, round(score, 3)))
    return out
