"""Periods and horizons in a question: "last 30 days", "Q4 2024", "in August", "this year",
"since 2025-01-01" (a start and an end, counted back from the dataset's as-of day), "within 2
weeks", "next month" and "within their lead time" (a horizon)."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

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


def find_period(text: str, out: dict, as_of: pd.Timestamp) -> str:
    """A period ("last 30 days", "Q4", "in August", "since 2025-01-01") into `out` as start
    and end, or a horizon ("within 2 weeks", "lead time") as days; the first found is
    replaced by {period} or {days}."""
    a = as_of
    day = pd.Timedelta(days=1)
    month_start = a.replace(day=1)
    rules: list[tuple[str, Any]] = [
        (
            r"\b(?:in |during |over )?(?:the )?next (\d+|[a-z]+) " + UNITS + r"s?\b",
            "horizon",
        ),
        (r"\b(?:in |during |over )?(?:the )?next (day|week|month|quarter|year)\b", "horizon1"),
        (r"\bwithin (?:the next )?(\d+|[a-z]+) (day|week|month|quarter|year)s?\b", "horizon"),
        (
            r"\b(?:in |over |during )?(?:the )?(?:coming|upcoming|following) (\d+|[a-z]+) "
            + UNITS
            + r"s?\b",
            "horizon",
        ),
        (r"\bin (\d+|[a-z]+) (day|week|month)s?(?: time)?\b", "horizon"),
        (
            r"\bbefore (?:a|the|the next|any) (?:new )?(?:delivery|order|restock|"
            r"replenishment) (?:could |can |would )?(?:arrives?|comes? in|gets? here|lands?)\b",
            "lead_time",
        ),
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
        (r"\b(?:in|during|for|of) (20\d\d)\b", "year"),
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
            if start > a and g[1]:
                out["future"] = True
            elif start > a:
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
            if start > a and g[1]:
                out["future"] = True
            elif start > a:
                start = pd.Timestamp(year - 1, month, 1)
            out["start"] = start
            out["end"] = min(start + pd.DateOffset(months=1) - day, a)
        elif kind == "since":
            out["start"], out["end"] = pd.Timestamp(g[0]), a
            if out["start"] > a:
                out["future"] = True
        elif kind == "year":
            start = pd.Timestamp(int(g[0]), 1, 1)
            if start > a:
                out["future"] = True
            out["start"], out["end"] = start, min(pd.Timestamp(int(g[0]), 12, 31), a)
        placeholder = "{days}" if kind in ("horizon", "horizon1", "lead_time") else "{period}"
        return text[: m.start()] + placeholder + text[m.end() :]
    return text
