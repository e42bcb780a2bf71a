"""Scoring that can fail: what a Q&A answer must show, checked strictly.

A question's expectation (`Expectation`) names the outcome it wants (an answer, a decline,
a clarifying question, an approval pause) and, for an answer, what the answer must carry:

- figures, each within its tolerance (counts exactly; money to the cent; other figures to a
  stated relative tolerance), read the way the answer writes them (thousands separators,
  decimals, `k`/`M`, `%`); a figure marked `headline` must be in the first sentence;
- no contradicting figure in the headline: a number with the same unit as an expected
  figure (`12 items`, `3 EA`, `567.18 USD`, `value 567.18`) that matches none of the
  expected or context figures;
- item ids (all of them; an id the question already names proves nothing and does not
  count as an expectation), the first id listed, ids that must not appear, the set every
  listed id must come from, a category verdict, or words a correct answer must contain.

Every answer is put in exactly one bucket: correct, declined, clarified, paused (waiting
for approval), confident wrong, or fallback (an endpoint run answered by the offline
planner). The buckets are what `stockwise eval qa` prints per question type.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from stockwise.assistant.agent.planner.readings import CLARIFYING

OUTCOMES = ("answer", "decline", "clarify", "approval")
BUCKETS = (
    "correct",
    "declined",
    "clarified",
    "paused",
    "confident_wrong",
    "fallback",
    "error",
    "unscorable",  # a question without an expectation that can fail (tuned set only)
)

# Default tolerances by kind: (relative, absolute). The rounding the answer shows is always
# allowed on top (half a unit of the last digit written, times k/M).
KIND_TOL = {
    "count": (0.0, 0.0),
    "money": (0.0, 0.011),
    "qty": (0.001, 0.0),
    "days": (0.001, 0.01),
    "pct": (0.0, 0.05),
    "other": (0.005, 0.0),
}
SCALE = {"k": 1e3, "K": 1e3, "M": 1e6, "m": 1e6}

NOTICE = re.compile(r"^The model endpoint .*?did not answer.*?offline planner\.\s*", re.S)
DATE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?\b"
    r"|\b\d{1,2}:\d{2}\b"
    r"|\b(?:Q[1-4]|H[12])\s*\d{4}\b|\b\d{4}-Q[1-4]\b"
)
CODES = re.compile(
    r"\b(?:MO|WO|PO|SO|TR|T|SUP|AN|PM)-[\w-]+"  # order, work order, supplier... ids
    r"|\b[A-Z]{1,5}(?:-[A-Z0-9]+)*-\d+[A-Z0-9-]*\b"  # equipment (P-3), documents (FR-2025-004)
    r"|\bP/N\s*[\w./-]+"
    r"|\bS\d\b"  # site ids
    r"|\b[A-Z]+\d+[A-Z0-9]*\b"  # codes such as ISO VG46, B52, R134A
    r"|\bCV²|\bCV2\b|\bp\d{2}\b"
    r"|\b202\d\b(?!,\d)(?!\.\d)"  # a year on its own
)
NUMBER = re.compile(
    r"(?<![\w.,/])([+\-−]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"
    r"(?:\s?([kKM])(?![\w]))?(\s?%)?(?![\w]|\.\d)"
)
WORD = re.compile(r"[A-Za-z€$£][A-Za-z/]*")
MONEY_BEFORE = re.compile(
    r"(?:\$|€|£|\bUSD|\bvalue[sd]?|\bworth|\bat stake|\bcost)\s*(?:of\s+)?$", re.I
)
MONEY_AFTER = re.compile(r"^\s*(?:USD|EUR|GBP|dollars)\b", re.I)


# --- reading an answer ------------------------------------------------------------------
@dataclass
class Figure:
    value: float
    decimals: int
    scale: float
    start: int
    end: int
    text: str

    @property
    def half(self) -> float:
        return 0.5 * 10 ** (-self.decimals) * self.scale


def strip_notice(answer: str) -> str:
    return NOTICE.sub("", answer, count=1)


@lru_cache(maxsize=4)
def _description_pattern(descriptions: tuple[str, ...]) -> re.Pattern | None:
    words = sorted({d.strip() for d in descriptions if d and len(d.strip()) >= 4}, key=len)
    if not words:
        return None
    alternation = "|".join(re.escape(w) for w in reversed(words))
    return re.compile(rf"(?<![\w])(?:{alternation})(?![\w])", re.I)


def mask_descriptions(text: str, descriptions: tuple[str, ...] = ()) -> str:
    """Item descriptions replaced by `‹item›` (ids stay)."""
    pattern = _description_pattern(descriptions)
    return pattern.sub("‹item›", text) if pattern is not None else text


def mask(text: str, descriptions: tuple[str, ...] = ()) -> str:
    """The answer with item descriptions, the ids in front of them, dates and codes
    replaced by placeholders, so that their digits are neither figures nor sentence ends."""
    text = mask_descriptions(text, descriptions)
    text = re.sub(r"(?<![\w.,-])\d{4,6}(?=\s*[:(,]?\s*‹item›)", "‹id›", text)
    text = DATE.sub("‹date›", text)
    return CODES.sub("‹code›", text)


ABBREVIATIONS = (
    "e.g",
    "i.e",
    "vs",
    "approx",
    "incl",
    "etc",
    "no",
    "ca",
    "avg",
    "qty",
    "min",
    "max",
)


def headline(masked: str) -> str:
    """The first sentence: up to the first line break, or a full stop (!, ?) followed by a
    space, not one that ends an abbreviation."""
    first = masked.strip().split("\n", 1)[0]
    for m in re.finditer(r"[.!?](?=\s|$)", first):
        word = re.findall(r"[\w.]+$", first[: m.start()])
        if m.group() == "." and word and word[0].lower().rstrip(".") in ABBREVIATIONS:
            continue
        return first[: m.end()]
    return first


def figures(text: str) -> list[Figure]:
    out = []
    for m in NUMBER.finditer(text):
        sign, whole, frac, suffix, percent = m.groups()
        value = float(whole.replace(",", "") + ("." + frac if frac else ""))
        scale = SCALE.get(suffix or "", 1.0)
        value *= scale
        if sign in ("-", "−"):
            value = -value
        out.append(Figure(value, len(frac or ""), scale, m.start(), m.end(), m.group(0)))
    return out


UNIT_NOUNS = {"day", "item", "order", "row", "week", "month", "finding", "movement", "line"}
# A rate (`2.5 KG a day`) or a unit price (`0.80 per KG`, `9.50/EA`) is another quantity.
RATE = re.compile(
    r"^\s*\S*\s*(?:a|per|/)\s*(?:day|week|month)\b|^\s*\S*/day\b|^\s*(?:per\s+|/)\w+", re.I
)


UOMS = {"ea", "kg", "l", "m", "box", "pr", "roll", "bag", "usd", "eur", "gbp", "g", "t"}
WINDOW_BEFORE = re.compile(
    r"(?:\blast|\bpast|\bnext|\bcoming|\bprevious|\bwithin|\bover|\bbeyond|\bin)"
    r"(?:\s+the)?\s*$",  # `in the 90 days to 2025-09-30`: the window, not a figure
    re.I,
)


def unit_after(text: str, fig: Figure, n: int = 2) -> list[str]:
    """The unit written after a figure (lower case, plural stripped): the next word, or the
    one after it when the next is a plain adjective (`26 production orders`), up to the
    next punctuation or number. A rate (`2.5 KG a day`) has no unit here: it is a different
    quantity."""
    rest = text[fig.end : fig.end + 40]
    if RATE.match(rest):
        return []
    rest = re.split(r"[;:,.()\d—·|]", rest, maxsplit=1)[0]
    raw = WORD.findall(rest)[:n]
    words = [_singular(w) for w in raw]
    if len(words) > 1 and (words[0] in UOMS or words[0] in UNIT_NOUNS):
        return words[:1]
    return words


def is_window(text: str, fig: Figure) -> bool:
    """`the last 90 days`, `within 14 days`: a period's length, not a measured figure."""
    return WINDOW_BEFORE.search(text[max(0, fig.start - 20) : fig.start]) is not None


def unit_matches(unit: str, text: str, fig: Figure) -> bool:
    """`unit` may list alternatives: `orders|batches`; `money` is a money amount."""
    if unit == "money":
        return is_money(text, fig)
    after = unit_after(text, fig)
    return any(_singular(u) in after for u in unit.lower().split("|"))


def _singular(word: str) -> str:
    w = word.lower()
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w


def is_money(text: str, fig: Figure) -> bool:
    return bool(MONEY_AFTER.match(text[fig.end :]) or MONEY_BEFORE.search(text[: fig.start]))


# --- expectations -----------------------------------------------------------------------
@dataclass
class FigureSpec:
    values: list[float]  # any of these is right
    kind: str = "other"
    tol: float | None = None  # relative
    abs_tol: float | None = None
    headline: bool = False
    unit: str | None = None  # the word after the figure, for contradictions; "money" for money
    signed: bool = False
    label: str = ""
    with_unit: bool = False  # the figure only counts when its unit follows it

    def tolerance(self, expected: float, shown: Figure | None = None) -> float:
        rel, absolute = KIND_TOL.get(self.kind, KIND_TOL["other"])
        rel = self.tol if self.tol is not None else rel
        absolute = self.abs_tol if self.abs_tol is not None else absolute
        allowed = max(rel * abs(expected), absolute)
        if shown is not None:
            allowed = max(allowed, shown.half)
        return allowed + 1e-9

    def matches(self, fig: Figure) -> bool:
        for expected in self.values:
            if math.isinf(expected):
                continue
            got = fig.value if self.signed else abs(fig.value)
            want = expected if self.signed else abs(expected)
            if abs(got - want) <= self.tolerance(expected, fig):
                return True
        return False


@dataclass
class Approval:
    action: str = "draft_purchase_requisitions"
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Expectation:
    outcome: tuple[str, ...] = ("answer",)
    figures: list[FigureSpec] = field(default_factory=list)
    context: list[FigureSpec] = field(default_factory=list)  # true figures, never contradictions
    ids: list[str] = field(default_factory=list)
    ids_any: list[str] = field(default_factory=list)
    ids_any_min: int = 1
    first_id: str | None = None
    ids_none: list[str] = field(default_factory=list)
    ids_within: list[str] | None = None  # every listed item id must be one of these
    ids_within_min_precision: float = 1.0
    label: str | None = None
    demand_class: str | None = None
    text_any: list[str] = field(default_factory=list)
    text_all: list[str] = field(default_factory=list)
    text_none: list[str] = field(default_factory=list)
    approval: Approval | None = None
    infinite: bool = False  # the answer must say the cover is unlimited (no demand)

    def discriminating(self, question: str) -> list[str]:
        """What in this expectation can tell a right answer from a wrong one."""
        said = question.lower()
        found = []
        if set(self.outcome) != {"answer"}:
            found.append("outcome")
        if self.figures:
            found.append("figures")
        if [i for i in self.ids if not id_in(i, said)]:
            found.append("ids")
        if [i for i in self.ids_any if not id_in(i, said)]:
            found.append("ids_any")
        if self.first_id and not id_in(self.first_id, said):
            found.append("first_id")
        if self.ids_within is not None:
            found.append("ids_within")
        if self.label:
            found.append("label")
        if self.demand_class:
            found.append("demand_class")
        if [t for t in self.text_any + self.text_all if t.lower() not in said]:
            found.append("text")
        if self.infinite:
            found.append("infinite")
        return found


class MissingExpectation(ValueError):
    pass


def id_in(item_id: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(item_id.lower())}(?![\w-])", text.lower()) is not None


# --- outcomes ---------------------------------------------------------------------------
CLARIFY = re.compile(
    r"\b(which (?:one|item|site|of (?:these|them|the)|period|order)|did you mean|do you mean"
    r"|please (?:specify|name|give|clarify|tell)|could you (?:specify|clarify|tell|name|say)"
    r"|can you (?:specify|clarify|tell|name)|give (?:either|an item|the item|me (?:an|the))"
    r"|name (?:an|the|one) item|name one|closest matches|matches \d+ items|need (?:an|the|to know)"
    r"|more specific|be more precise)\b",
    re.I,
)
DECLINE = re.compile(
    r"\b(outside (?:what|the)|can(?:not|'t|’t) (?:help|answer|do|run|execute|delete|change|"
    r"send|access|modify|write|perform|provide)|won(?:'|’)t|not able to|unable to|"
    r"I can answer questions about|no tool|not something I|I don(?:'|’)t have|"
    r"not (?:allowed|permitted|supported)|I only|refuse|decline)\b",
    re.I,
)


def observed_outcome(result: dict) -> str:
    if result.get("pending_actions"):
        return "approval"
    answer = strip_notice(str(result.get("answer") or ""))
    called = [s for s in result.get("sources", []) if s.get("tool")]
    errors = result.get("tool_errors", 0)
    # The planner's own clarifying questions, by the definition it writes them to; the
    # general patterns above are for any other model's wording.
    if CLARIFYING.search(answer) and (not called or errors >= len(called)):
        return "clarify"
    if not called:
        if CLARIFY.search(answer) or answer.rstrip().endswith("?"):
            return "clarify" if not DECLINE.search(answer) else "decline"
        return "decline"
    if errors and errors >= len(called):
        # every tool call failed: the text is the tool's complaint, not an answer
        return "clarify" if CLARIFY.search(answer) or "?" in answer else "decline"
    if CLARIFY.search(headline(answer)) and answer.strip().endswith("?"):
        return "clarify"
    return "answer"


# --- checking an answer -----------------------------------------------------------------
LABELS = {
    "wip": r"WIP|work[- ]in[- ]progress|semi[- ]finished|intermediate",
    "mro": r"MRO|maintenance(?:, repair and operations)? (?:item|supply|supplies|material)",
    "raw_material": r"raw[- ]materials?|raw",
    "finished_good": r"finished[- ]goods?|finished[- ]products?|finished",
}
VERDICT = (
    r"(?:\bis|\bare|\breally|\bactually|\btruly|\blikely|\bprobably|\blooks like"
    r"|\bappears to be|\bclassif(?:ied|y) as|\bshould be)\s+"
    r"(?:an?\s+|really\s+|actually\s+|most likely\s+|probably\s+|likely\s+)?"
)
INFINITE = re.compile(
    r"unlimited|unbounded|infinite|no demand|never|not used|no (?:recent )?(?:use|consumption"
    r"|issues)|∞",
    re.I,
)


def verdict_labels(text: str) -> set[str]:
    found = set()
    for label, words in LABELS.items():
        for m in re.finditer(rf"{VERDICT}({words})\b", text, re.I):
            before = text[max(0, m.start() - 12) : m.start()].lower()
            if "not" in before.split() or "n't" in before:
                continue
            found.add(label)
    return found


DEMAND_CLASSES = ("smooth", "intermittent", "erratic", "lumpy")


def demand_classes(text: str) -> set[str]:
    """The demand classes a text asserts (a class right after "not" is not asserted)."""
    found = set()
    for name in DEMAND_CLASSES:
        for m in re.finditer(rf"\b{name}\b", text, re.I):
            before = text[max(0, m.start() - 25) : m.start()].lower()
            if re.search(r"\bnot\b|n't\b|rather than|instead of", before):
                continue
            found.add(name)
    # An item never drawn: the oracle's class "none" (no months with demand).
    # "months with no demand" describes a class; "has had no demand" is this one.
    if re.search(r"\bno_demand\b|\bha(?:s|d|ve)(?: had)? no demand\b", text, re.I):
        found.add("none")
    return found


def _says_none(spec: FigureSpec, head: str) -> bool:
    """A count of 0 may be written as "no", "none" or "nothing" in the headline."""
    return (
        spec.kind == "count"
        and 0.0 in spec.values
        and re.search(r"\b(?:no|none|nothing|zero)\b", head, re.I) is not None
    )


ORDER_ID = r"MO-\d{4}-\d{4}"


def listed_ids(masked_with_ids: str, known: set[str], rows_only: bool = False) -> list[str]:
    """Item ids the answer lists, in order: an id followed by its description or at the
    start of a list line; unless `rows_only`, also an id in the headline, `(product ID)`
    and `item ID`. When `known` holds order ids (MO-...), the orders a list line starts
    with."""
    found: dict[str, int] = {}
    if known and all(re.fullmatch(ORDER_ID, k) for k in known):
        patterns: tuple[str, ...] = (rf"(?m)^\s*(?:[-*•]|\d+\.)\s*(?:\*\*)?({ORDER_ID})\b",)
    else:
        patterns = (
            r"(?<![\w-])(\d{4,6})\s*‹item›",
            r"(?m)^\s*(?:[-*•]|\d+\.)\s*(?:\*\*)?(\d{4,6})\b",
        )
        if not rows_only:
            patterns += (r"\((?:product |item )?(\d{4,6})\b", r"\bitem (\d{4,6})\b")
    for pat in patterns:
        for m in re.finditer(pat, masked_with_ids):
            if m.group(1) in known or (known and re.fullmatch(ORDER_ID, m.group(1))):
                found[m.group(1)] = min(found.get(m.group(1), m.start(1)), m.start(1))
    if not rows_only and not (known and all(re.fullmatch(ORDER_ID, k) for k in known)):
        first = masked_with_ids.strip().split("\n", 1)[0]
        for m in re.finditer(r"(?<![\w.,-])(\d{4,6})(?![\w.,-])", first):
            if m.group(1) in known:
                found[m.group(1)] = min(found.get(m.group(1), m.start(1)), m.start(1))
    return sorted(found, key=found.__getitem__)


@dataclass
class Verdict:
    bucket: str
    outcome: str
    failures: list[str]


def check_answer(
    exp: Expectation,
    answer: str,
    question: str,
    descriptions: tuple[str, ...] = (),
    known_ids: frozenset[str] = frozenset(),
) -> list[str]:
    """Everything wrong with an answer, as short reasons; empty when it is right."""
    failures: list[str] = []
    body = strip_notice(answer)
    masked = mask(body, descriptions)
    head = headline(masked)
    figs = figures(masked)
    head_figs = figures(head)
    lower = body.lower()

    for spec in exp.figures:
        where = head_figs if spec.headline else figs
        if any(math.isinf(v) for v in spec.values):
            if not INFINITE.search(body):
                failures.append(f"missing {spec.label or 'figure'}: infinite (no demand)")
            continue
        if spec.with_unit and spec.unit:
            text = head if spec.headline else masked
            where = [f for f in where if unit_matches(spec.unit, text, f)]
        if not any(spec.matches(f) for f in where) and not _says_none(spec, head):
            shown = " or ".join(_fmt(v) for v in spec.values)
            failures.append(
                f"missing {spec.label or 'figure'} {shown}"
                + (" in the headline" if spec.headline else "")
            )

    failures += contradictions(exp, head, head_figs)

    for item in exp.ids:
        if not id_in(item, body):
            failures.append(f"missing id {item}")
    if exp.ids_any:
        hits = [i for i in exp.ids_any if id_in(i, body)]
        if len(hits) < exp.ids_any_min:
            failures.append(f"only {len(hits)} of the expected ids (need {exp.ids_any_min})")
    for item in exp.ids_none:
        if id_in(item, body):
            failures.append(f"id {item} should not be in the answer")
    masked_ids = mask_descriptions(body, descriptions)
    if exp.first_id:
        listed = listed_ids(masked_ids, set(known_ids))
        if not listed or listed[0] != exp.first_id:
            failures.append(
                f"first item listed is {listed[0] if listed else 'none'}, not {exp.first_id}"
            )
    if exp.ids_within is not None:
        allowed = set(exp.ids_within)
        orders = bool(allowed) and all(re.fullmatch(ORDER_ID, a) for a in allowed)
        listed = listed_ids(masked_ids, allowed if orders else set(known_ids), rows_only=True)
        if not listed:
            failures.append("lists no item")
        else:
            good = [i for i in listed if i in allowed]
            if len(good) / len(listed) < exp.ids_within_min_precision:
                bad = [i for i in listed if i not in allowed][:5]
                failures.append(f"lists items that do not belong: {', '.join(bad)}")
    if exp.label:
        verdicts = verdict_labels(headline(mask_descriptions(body, descriptions)))
        if exp.label not in verdicts:
            failures.append(f"no verdict '{exp.label}' in the headline")
        wrong = verdicts - {exp.label}
        if wrong:
            failures.append(f"headline also calls it {', '.join(sorted(wrong))}")
    if exp.demand_class:
        said = demand_classes(headline(mask_descriptions(body, descriptions)))
        if exp.demand_class not in said:
            failures.append(f"headline does not call demand {exp.demand_class}")
        if said - {exp.demand_class}:
            failures.append(f"headline calls demand {', '.join(sorted(said - {exp.demand_class}))}")
    if exp.text_any and not any(t.lower() in lower for t in exp.text_any):
        failures.append(f"mentions none of {exp.text_any}")
    for t in exp.text_all:
        if t.lower() not in lower:
            failures.append(f"does not mention {t!r}")
    for t in exp.text_none:
        if t.lower() in lower:
            failures.append(f"mentions {t!r}")
    return failures


def contradictions(exp: Expectation, head: str, head_figs: list[Figure]) -> list[str]:
    """Headline figures with the unit of an expected figure that match no expected or
    context figure of that unit. `unit: auto` takes the unit from where the expected figure
    stands in the headline (the word after it, or money)."""
    out = []
    for spec in exp.figures:
        unit = spec.unit.lower() if spec.unit else None
        if unit == "auto":
            unit = _auto_unit(spec, head, head_figs)
            same_unit = exp.figures + exp.context
        else:
            same_unit = [s for s in exp.figures + exp.context if (s.unit or "").lower() == unit]
        if not unit:
            continue
        for fig in head_figs:
            if is_window(head, fig) or not unit_matches(unit, head, fig):
                continue
            if not any(s.matches(fig) for s in same_unit):
                out.append(
                    f"headline says {fig.text.strip()} {unit}, expected {_fmt(spec.values[0])}"
                )
    return sorted(set(out))


def _auto_unit(spec: FigureSpec, head: str, head_figs: list[Figure]) -> str | None:
    for fig in head_figs:
        if spec.matches(fig):
            if is_money(head, fig):
                return "money"
            words = unit_after(head, fig, 1)
            return words[0] if words and words[0] not in ("‹item›", "‹id›") else None
    return None


def _fmt(v: float) -> str:
    if math.isinf(v):
        return "∞"
    return f"{v:,.2f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v):,}"


def judge(
    exp: Expectation,
    result: dict,
    question: str,
    endpoint: str | None = None,
    descriptions: tuple[str, ...] = (),
    known_ids: frozenset[str] = frozenset(),
) -> Verdict:
    """The bucket an answer falls in, its observed outcome and what was wrong."""
    if result.get("error"):
        return Verdict("error", "error", [str(result["error"])])
    outcome = observed_outcome(result)
    if endpoint and (result.get("notice") or not result.get("model_calls")):
        return Verdict("fallback", outcome, ["answered by the offline planner, not the model"])
    if outcome not in exp.outcome:
        bucket = {
            "decline": "declined",
            "clarify": "clarified",
            "approval": "paused",
            "answer": "confident_wrong",
        }[outcome]
        return Verdict(bucket, outcome, [f"expected {'/'.join(exp.outcome)}, got {outcome}"])
    if outcome == "approval":
        failures = check_approval(exp, result)
        return Verdict("correct" if not failures else "confident_wrong", outcome, failures)
    if outcome == "answer":
        failures = check_answer(
            exp, str(result.get("answer") or ""), question, descriptions, known_ids
        )
        return Verdict("correct" if not failures else "confident_wrong", outcome, failures)
    return Verdict("correct", outcome, [])


def check_approval(exp: Expectation, result: dict) -> list[str]:
    failures = []
    want = exp.approval or Approval()
    pending = result.get("pending_actions") or []
    actions = [p for p in pending if isinstance(p, dict)]
    match = [p for p in actions if p.get("action") == want.action]
    if not match:
        failures.append(f"paused for {[p.get('action') for p in actions]}, not {want.action}")
        return failures
    args = match[0].get("args") or {}
    for key, value in want.args.items():
        got = args.get(key)
        if isinstance(value, list) and isinstance(got, list):
            if sorted(map(str, value)) != sorted(map(str, got)):
                failures.append(f"{key}={got!r}, expected {value!r}")
        elif got != value:
            failures.append(f"{key}={got!r}, expected {value!r}")
    return failures
