"""Periods and horizons in a question: "last 30 days", "Q4 2024", "in August", "this year",
"since 2025-01-01", "since July", "between 1 August and 15 September 2025", "from July to
September" (a start and an end, counted back from the dataset's as-of day), "within 2 weeks",
"next month" and "within their lead time" (a horizon)."""

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
MONTHS["sept"] = 9  # as often written as "sep"
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
UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "quarter": 90, "year": 365}
_MONTH = r"(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_ORD = r"(\d{1,2})(?:st|nd|rd|th)?(?!\d)"
# One day or one month, as people write them: "2025-08-01", "1 august 2025", "august 1st",
# "aug 1, 2025", "01.08.2025", "1/8/2025" (day first, as in most plants' countries), "july".
DATE = (
    r"(?:(\d{4})-(\d{2})-(\d{2})"
    rf"|{_ORD} (?:of )?{_MONTH}(?:,? (\d{{4}}))?"
    rf"|{_MONTH} {_ORD}(?:,? (\d{{4}}))?"
    r"|(\d{1,2})[./](\d{1,2})[./](\d{4})"
    rf"|{_MONTH}(?: (\d{{4}}))?)"
)
RANGE = re.compile(
    rf"\b(?:between|from) (?:the )?{DATE} (?:and|to|until|till|through|thru|-) (?:the )?{DATE}"
)
SINCE = re.compile(rf"\b(?:since|from|after|starting) (?:the )?(?:start of |beginning of )?{DATE}")
UNITS = "(day|week|fortnight|month|quarter|year)"


def find_period(text: str, out: dict, as_of: pd.Timestamp) -> str:
    """A period ("last 30 days", "Q4", "in August", "since 2025-01-01") into `out` as start
    and end, or a horizon ("within 2 weeks", "lead time") as days; the first found is
    replaced by {period} or {days}."""
    a = as_of
    ranged = _find_range(text, out, a)
    if ranged is not None:
        return ranged
    day = pd.Timedelta(days=1)
    month_start = a.replace(day=1)
    rules: list[tuple[str, Any]] = [
        # "won't last 2 weeks", "enough to last the next month": a horizon, although "last 2
        # weeks" alone is a past period. Only the length is replaced, so the shape keeps
        # the "won't last" that says what is asked.
        (
            r"(?:n'?t|\bnot|\bto|\bwill|\bwould|\bgoing to|\benough to) last (?:for )?"
            r"(?:the )?(?:next )?(?:another )?(\d+|[a-z]+) " + UNITS + r"s?\b",
            "horizon_last",
        ),
        (
            r"\b(?:in |during |over )?(?:the )?next (\d+|[a-z]+) " + UNITS + r"s?\b",
            "horizon",
        ),
        (
            r"\b(?:in |during |over )?(?:the )?(?:next|coming|upcoming) "
            r"(day|week|fortnight|month|quarter|year)\b",
            "horizon1",
        ),
        (
            r"\bwithin (?:the next )?(\d+|[a-z]+) (day|week|fortnight|month|quarter|year)s?\b",
            "horizon",
        ),
        (
            r"\b(?:in |over |during )?(?:the )?(?:coming|upcoming|following) (\d+|[a-z]+) "
            + UNITS
            + r"s?\b",
            "horizon",
        ),
        (r"\bin (\d+|[a-z]+) (day|week|fortnight|month|quarter|year)s?(?: time)?\b", "horizon"),
        (
            r"\bbefore (?:a|the|the next|any) (?:new )?(?:delivery|order|restock|"
            r"replenishment) (?:could |can |would )?(?:arrives?|comes? in|gets? here|lands?)\b",
            "lead_time",
        ),
        (r"\bwithin (?:their|its|the) lead ?times?\b|\blead ?times?\b", "lead_time"),
        (
            r"\b(?:in |over |during )?(?:the )?(?:last|past|previous) (\d+|[a-z]+) "
            r"(day|week|fortnight|month|quarter|year)s?\b",
            "past_n",
        ),
        (
            r"\b(?:in |over |during )?(?:the )?(?:last|past|previous) " + UNITS + r"\b",
            "last_unit",
        ),
        (r"\b(?:in )?q([1-4])(?: (\d{4}))?\b", "quarter"),
        (r"\b(?:this|current) (month|year|quarter)\b|\b(ytd|year to date|mtd)\b", "this_unit"),
        (
            r"\bsince (?:the )?(?:start|beginning) of (?:the |this )?(month|year|quarter)\b"
            r"|\b(?:so far )?this (month|year|quarter) so far\b",
            "this_unit2",
        ),
        (r"\b(?:in |during )?(" + "|".join(MONTHS) + r")(?: (\d{4}))?\b", "month"),
        (r"\bsince (\d{4}-\d{2}-\d{2})\b", "since"),
        (r"\b(?:in|during|for|of) (20\d\d)\b", "year"),
    ]
    for pattern, kind in rules:
        m = re.search(pattern, text)
        if m is None:
            continue
        g = m.groups()
        if kind == "horizon_last":
            n = int(g[0]) if g[0].isdigit() else NUMBER_WORDS.get(g[0])
            if n is None:
                continue
            out["days"] = n * UNIT_DAYS[g[1]]
            return text[: m.start(1)] + "{days}" + text[m.end() :]
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
            else:  # a week or a fortnight, back from the as-of day
                out["start"], out["end"] = a - pd.Timedelta(days=UNIT_DAYS[unit] - 1), a
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
        elif kind in ("this_unit", "this_unit2"):
            if kind == "this_unit2":
                unit = g[0] or g[1]
            else:
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


def _day_span(groups: tuple, as_of: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The first and last day a DATE match names (a month names all its days). A date
    without a year is the latest one not after `as_of`."""
    iso_y, iso_m, iso_d, d1, m1, y1, m2, d2, y2, d3, m3, y3, m4, y4 = groups
    try:
        if iso_y:
            day = pd.Timestamp(int(iso_y), int(iso_m), int(iso_d))
            return day, day
        if d3:
            day = pd.Timestamp(int(y3), int(m3), int(d3))
            return day, day
        if d1 or d2:
            month, day_no, year = (MONTHS[m1], int(d1), y1) if d1 else (MONTHS[m2], int(d2), y2)
            day = pd.Timestamp(int(year) if year else as_of.year, month, day_no)
            if not year and day > as_of:
                day = day - pd.DateOffset(years=1)
            return day, day
        start = pd.Timestamp(int(y4) if y4 else as_of.year, MONTHS[m4], 1)
        if not y4 and start > as_of:
            start = start - pd.DateOffset(years=1)
        return start, start + pd.DateOffset(months=1) - pd.Timedelta(days=1)
    except ValueError:  # "31 february": not a day; the question is read without a period
        return None


def _find_range(text: str, out: dict, as_of: pd.Timestamp) -> str | None:
    """A period with two ends ("between 1 August and 15 September", "from July to
    September") or an open one ("since July", "since 15 Aug"), ending at `as_of`."""
    m = RANGE.search(text)
    if m:
        first, last = _day_span(m.groups()[:14], as_of), _day_span(m.groups()[14:], as_of)
        if first and last:
            _set(out, first[0], last[1], as_of)
        else:
            out["impossible_date"] = m.group(0)
        return text[: m.start()] + "{period}" + text[m.end() :]
    m = SINCE.search(text)
    if m and not (m.group(0).startswith("from") and _is_month_only(m)):
        span = _day_span(m.groups(), as_of)
        if span:
            _set(out, span[0], as_of, as_of)
        else:
            out["impossible_date"] = m.group(0)
        return text[: m.start()] + "{period}" + text[m.end() :]
    return None


def _is_month_only(m: re.Match) -> bool:
    """ "from July" alone is ambiguous ("stock from July deliveries"): only "since" opens a
    period with a bare month."""
    return m.group(13) is not None


def _set(out: dict, start: pd.Timestamp, end: pd.Timestamp, as_of: pd.Timestamp) -> None:
    if start > as_of:
        out["future"] = True
    out["start"], out["end"] = start, min(end, as_of)
