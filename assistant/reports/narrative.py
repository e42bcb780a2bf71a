"""Offline prose: small sentence templates chosen by what the figures show, so a quiet
quarter and a troubled one read differently and no section is a wall of "N/A"."""

from __future__ import annotations

CATEGORY_NAMES = {
    "raw_material": "raw material",
    "wip": "work in progress",
    "finished_good": "finished goods",
    "mro": "MRO",
    "unclassified": "items with no recorded category",
}


def short_category(key: str) -> str:
    """For chart axes."""
    return {"wip": "WIP", "unclassified": "no category", "mro": "MRO"}.get(key, category_name(key))


def category_name(key: str) -> str:
    return CATEGORY_NAMES.get(key, key.replace("_", " "))


def change_words(delta: float, base: float) -> str:
    """'rose', 'fell', 'held steady' for a change of `delta` on `base`."""
    if base <= 0:
        return "built up from nothing" if delta > 0 else "stayed empty"
    share = delta / base
    if abs(share) < 0.01:
        return "held essentially steady"
    if share > 0.15:
        return "rose sharply"
    if share > 0:
        return "rose"
    if share < -0.15:
        return "fell sharply"
    return "fell"


def severity_words(share: float) -> str:
    """How much a variance matters against the stock value (share of it)."""
    if share >= 0.02:
        return "a material difference that should be investigated before sign-off"
    if share >= 0.005:
        return "a noticeable difference; the largest lines deserve a recount"
    return "a small difference, not material to the stock value"


def plural(n: int, one: str, many: str | None = None) -> str:
    return one if n == 1 else (many or one + "s")


def join_words(words: list[str], last: str = "and") -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {last} " + words[-1]


def fit(text: str | None, limit: int = 60) -> str:
    """A description for a table cell: whole, or cut at a word boundary when very long, so
    a part number ('P/N 990-4471') is never cut in half. Renderers wrap it at spaces."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    head = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return head + " …"
