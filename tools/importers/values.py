"""Numbers and dates as exports write them, read without guessing row by row.

German SAP exports write `1.234,5` and `31.03.2025`; SAP writes a negative as `5,000-`
(the sign after the number) and an empty date as `00.00.0000` or `00000000`; Odoo and
ERPNext write `1234.5` and ISO dates. A value that fits none of these is NaN / NaT, and
the caller drops its row with a reason (`bad_rows`).
"""

from __future__ import annotations

import pandas as pd

from stockwise.tools.importers.report import ImportReport

TEXT = pd.StringDtype("pyarrow")
_COMMA_DECIMAL = r"^[+-]?[\d.]*,\d+-?$"
_POINT_DECIMAL = r"^[+-]?[\d,]*\.\d+-?$"


def text_of(values: pd.Series) -> pd.Series:
    """`values` as trimmed Arrow-backed text, blanks as ''. Arrow strings keep string work
    in C++ (and a 10-million-row column in one buffer instead of ten million objects)."""
    if values.dtype != TEXT:
        values = values.astype(TEXT)
    return values.fillna("").str.strip()


def decimal_mark(*columns: pd.Series) -> str:
    """',' when the values are written the German way (more `1,5` than `1.5`), else '.'.

    Decided per file: one file never mixes the two, and `1.234` alone is ambiguous."""
    comma = point = 0
    for values in columns:
        text = text_of(values)
        comma += int(text.str.match(_COMMA_DECIMAL).sum())
        point += int(text.str.match(_POINT_DECIMAL).sum())
    return "," if comma > point else "."


def to_number(values: pd.Series, decimal: str = ".") -> pd.Series:
    """Floats; '' -> NaN (blank), anything unreadable -> NaN too (see `bad_rows`)."""
    text = text_of(values).str.replace(" ", "", regex=False)
    trailing_minus = text.str.endswith("-") & (text.str.len() > 1)
    text = text.where(~trailing_minus, "-" + text.str[:-1])
    if decimal == ",":
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        text = text.str.replace(",", "", regex=False)
    return pd.to_numeric(text.where(text != "", None), errors="coerce").astype("float64")


def to_date(values: pd.Series) -> pd.Series:
    """Timestamps from ISO (`2025-03-31`, with or without a time), German (`31.03.2025`)
    and SAP internal (`20250331`) dates; SAP's zero dates are blank."""
    text = text_of(values)
    text = text.where(~text.isin(["00.00.0000", "00000000", "0000-00-00"]), "")
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    patterns = {
        r"^\d{1,2}\.\d{1,2}\.\d{4}$": "%d.%m.%Y",
        r"^\d{8}$": "%Y%m%d",
        r"^\d{4}-\d{2}-\d{2}$": "%Y-%m-%d",
        r"^\d{4}-\d{2}$": "%Y-%m",  # a period header: the month
    }
    rest = pd.Series(True, index=values.index) & (text != "")
    for pattern, fmt in patterns.items():
        hit = rest & text.str.match(pattern)
        if hit.any():
            out[hit] = pd.to_datetime(text[hit], format=fmt, errors="coerce")
            rest &= ~hit
    if rest.any():  # ISO with a time, as Odoo and ERPNext write timestamps
        out[rest] = pd.to_datetime(
            text[rest], format="ISO8601", errors="coerce", utc=True
        ).dt.tz_localize(None)
    return out


def bad_rows(raw: pd.Series, parsed: pd.Series) -> pd.Series:
    """Rows with a value that did not parse (a blank is not bad: it is missing)."""
    return text_of(raw).ne("").astype(bool) & parsed.isna()


def keep_parsed(
    frame: pd.DataFrame,
    column: str,
    parsed: pd.Series,
    *,
    what: str,
    file: str,
    report: ImportReport,
    required: bool = True,
) -> pd.DataFrame:
    """`frame` without the rows whose `column` did not parse as `what` (or is blank when
    `required`); each dropped row is a reject naming the value."""
    bad = bad_rows(frame[column], parsed)
    report.drop(f"{column} is not {what}", file, frame[bad], column)
    keep = ~bad
    if required:
        blank = parsed.isna() & ~bad
        report.drop(f"{column} is blank", file, frame[blank], column)
        keep &= ~blank
    return frame if keep.all() else frame[keep]
