"""The small vocabulary every answer writer shares: numbers, units, money and shares
formatted (never computed), item and site names, the filters a result was computed with, and
the note on rows left out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stockwise.tools.core.safe_text import markdown_text

MAX_ROWS = 10  # rows an answer lists before it points to a narrower question
MAX_TEXT = 280  # characters of a free-text field (a passage, an explanation) to show

CATEGORY = {
    "raw_material": ("raw material", "raw materials"),
    "raw": ("raw material", "raw materials"),
    "wip": ("WIP item", "WIP items"),
    "finished_good": ("finished good", "finished goods"),
    "mro": ("MRO item", "MRO items"),
    "unclassified": ("unclassified item", "unclassified items"),
}
SUBTYPE = {
    "spare_part": ("spare part", "spare parts"),
    "consumable": ("consumable", "consumables"),
    "tool": ("tool", "tools"),
    "safety": ("safety item", "safety items"),
}
# Question entity -> the argument names a tool may take it as (what the brain maps it onto).
FILTER_ARGS = {
    "site": ("site", "site_id"),
    "category": ("category", "group"),
    "mro_subtype": ("mro_subtype",),
    "criticality": ("criticality", "critical_only"),
}


@dataclass(frozen=True)
class Scope:
    """What the question named (the planner's entities) and the plant's site names."""

    entities: dict[str, Any] = field(default_factory=dict)
    sites: dict[str, str] = field(default_factory=dict)  # site id -> name

    def site(self, site_id: Any, name: str | None = None) -> str:
        """ "S1 (Riverside Plant)". A name not taken from the result is left out when it holds
        a digit: the grounding check would take it for a figure no tool returned."""
        if not name:
            name = self.sites.get(str(site_id))
            name = None if name and any(c.isdigit() for c in name) else name
        return f"{site_id} ({name})" if name and name != site_id else str(site_id)


def num(value: Any) -> str:
    """A figure as the result holds it: thousands separators, at most two decimals."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != value:  # NaN
            return "n/a"
        if value in (float("inf"), float("-inf")):
            return "unlimited"
        if abs(value - round(value)) < 1e-9:
            return f"{round(value):,}"
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if value is None:
        return "-"
    return text(value)


def text(value: Any, limit: int = MAX_TEXT) -> str:
    out = " ".join(str(value).split())
    if len(out) > limit:
        # Cut at a word boundary so no figure is cut in half.
        out = out[:limit].rsplit(" ", 1)[0] + " ..."
    return md(out)


def md(value: str) -> str:
    """Text from data made safe inside Markdown: no HTML, links, emphasis or code spans."""
    return markdown_text(value)


def signed(value: float, as_money: bool = False) -> str:
    return ("+" if value > 0 else "") + (money(value) if as_money else num(value))


# Units a reader (and the grounding check) would take for a scale after a figure:
# "170,513.72 M" reads as millions, so such a unit is shown in brackets.
SCALE_LIKE_UNITS = {"M", "m", "K", "k"}


def qty(value: Any, uom: Any = None) -> str:
    if not uom:
        return num(value)
    return f"{num(value)} ({uom})" if str(uom) in SCALE_LIKE_UNITS else f"{num(value)} {uom}"


def money(value: Any, currency: Any = None) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return num(value)
    shown = f"{value:,.2f}"
    return f"{shown} {currency}" if currency else shown


def pct(fraction: Any) -> str:
    """A fraction the result holds, shown as a percentage (the grounding check reads it back)."""
    if not isinstance(fraction, int | float) or isinstance(fraction, bool):
        return num(fraction)
    shown = f"{fraction * 100:,.1f}".removesuffix(".0")
    return f"{shown}%"


def count(n: Any, one: str, many: str | None = None) -> str:
    return f"{num(n)} {one if n == 1 else (many or one + 's')}"


def days(value: Any) -> str:
    return count(value, "day") if isinstance(value, int | float) else num(value)


def date(value: Any) -> str:
    return str(value)[:10] if value else "-"


def category(value: Any, plural: bool = False) -> str:
    if not value:
        return "no category"
    word = CATEGORY.get(str(value))
    if word is None:
        return str(value).replace("_", " ")
    return word[plural] if plural else word[0].removesuffix(" item")


def subtype(value: Any) -> str:
    return SUBTYPE.get(str(value), (str(value).replace("_", " "),))[0]


def item_name(row: dict, id_key: str = "item_id") -> str:
    parts = [str(row.get(id_key) or ""), text(row.get("description") or "", 80)]
    return " ".join(p for p in parts if p)


def params_of(data: dict) -> dict:
    evidence = data.get("evidence")
    params = evidence.get("params") if isinstance(evidence, dict) else None
    return params if isinstance(params, dict) else {}


def notes_of(data: dict) -> list[str]:
    evidence = data.get("evidence")
    notes = evidence.get("notes") if isinstance(evidence, dict) else None
    return [str(n) for n in notes] if isinstance(notes, list) else []


def window(data: dict) -> str:
    """The demand window behind a result's daily rates: 'the 90 days to 2025-09-30 18:00'."""
    w = data.get("demand_window") or {}
    if not w.get("days") or not w.get("end"):
        return "the last 90 days"
    return f"the {num(w['days'])} days to {str(w['end'])[:16].replace('T', ' ')}"


def subject(params: dict, scope: Scope, many: bool = True) -> str:
    """What a list is made of, from the filters the tool applied: "spare parts (criticality A)
    at S1 (Riverside Plant)"."""
    sub, cat = params.get("mro_subtype"), params.get("category") or params.get("group")
    if sub:
        noun = SUBTYPE.get(sub, (sub, sub))[many]
    elif cat:
        noun = CATEGORY.get(cat, (f"{cat} item", f"{cat} items"))[many]
    else:
        noun = "items" if many else "item"
    crit = params.get("criticality") or ("A" if params.get("critical_only") else None)
    if crit:
        noun += f" (criticality {crit})"
    site = params.get("site") or params.get("site_id")
    if site:
        noun += f" at {scope.site(site)}"
    return noun


def ignored_filters(params: dict, scope: Scope) -> str:
    """A note when the question named a filter the tool did not apply, so the reader knows
    the list is wider than asked."""
    missing = []
    for entity, names in FILTER_ARGS.items():
        asked = scope.entities.get(entity)
        if asked and not any(params.get(n) for n in names):
            shown = scope.site(asked) if entity == "site" else str(asked).replace("_", " ")
            missing.append(shown)
    if not missing:
        return ""
    return f"Not narrowed to {', '.join(missing)}: this answer's tool cannot filter on that."


def left_out(total: Any, shown: int, hint: str) -> str:
    """The note under a cut list: how many there are in all (a figure the result holds)."""
    if not isinstance(total, int | float) or total <= shown:
        return ""
    return f"First rows only, {num(total)} in all. {hint}"


def bullets(rows: list[str]) -> list[str]:
    return [f"- {r}" for r in rows]


def join(parts: list[str], sep: str = " · ") -> str:
    return sep.join(p for p in parts if p)
