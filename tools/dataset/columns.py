"""Parse and check one column against its contract spec, vectorised.

`check_column` returns the typed values plus a list of `Check`s: a boolean mask of the
rows that break one rule and a function that words the problem for one row. Masks are
cheap on tens of millions of rows; wording runs only for the rows that get listed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stockwise.tools.dataset.frames import _as_id, _as_str
from stockwise.tools.dataset.schema import Column

# A trailing zone offset after a time of day: the contract reads a stamp's wall time as
# site local time, so "10:00+02:00" is 10:00 at the site.
_ZONE = r"^(.*\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|[+-]\d{2}:?\d{2})$"
_DATE_SHAPE = r"^\d{4}-\d{1,2}-\d{1,2}"
_RULES = {
    "positive": (lambda v: v <= 0, "must be more than 0"),
    "nonnegative": (lambda v: v < 0, "must be 0 or more"),
    "nonzero": (lambda v: v == 0, "a movement is never 0"),
}


@dataclass
class Check:
    column: str | None
    code: str
    mask: np.ndarray
    reason: Callable[[int], str]  # position -> words for that row


def show(value: object) -> str:
    if isinstance(value, float) and value == int(value):
        return f"{value:.0f}"
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ")
    return repr(value) if isinstance(value, str) else str(value)


def _blank(raw: pd.Series) -> np.ndarray:
    blank = raw.isna().to_numpy()
    if raw.dtype == object:
        blank[~blank] = raw[~blank].astype(str).str.strip().eq("").to_numpy()
    return blank


def _text(raw: pd.Series) -> pd.Series:
    return raw.map(lambda v: None if pd.isna(v) else str(v).strip())


def check_column(
    col: Column, raw: pd.Series, *, clean_text: bool = False
) -> tuple[pd.Series, list[Check]]:
    """Typed values and the checks they fail; `clean_text`: ids/text are already trimmed."""
    name = col.name
    checks: list[Check] = []
    values = raw.to_numpy()

    def at(i: int) -> str:
        return show(values[i])

    if col.kind in ("id", "str"):
        parsed = raw if clean_text else _as_id(raw) if col.kind == "id" else _as_str(raw)
        blank = parsed.isna().to_numpy()
    elif col.kind in ("int", "float"):
        parsed, blank, bad = _numbers(raw)
        checks.append(Check(name, "not_number", bad, lambda i: f"{name} is {at(i)}, not a number"))
        if col.kind == "int":
            frac = (parsed.notna() & (parsed % 1 != 0)).to_numpy()
            checks.append(
                Check(
                    name,
                    "not_whole_number",
                    frac,
                    lambda i: f"{name} is {at(i)}, not a whole number",
                )
            )
    else:
        parsed, blank, bad, impossible = _stamps(raw)
        checks.append(
            Check(
                name,
                "impossible_date",
                impossible,
                lambda i: f"{name} is {at(i)}, a date that does not exist",
            )
        )
        checks.append(
            Check(
                name,
                "bad_date",
                bad,
                lambda i: f"{name} is {at(i)}, not a date (write ISO 8601, e.g. 2025-03-01)",
            )
        )
    if col.required:
        checks.append(Check(name, "blank", blank, lambda i: f"{name} is blank (a required column)"))
    if col.choices is not None:
        wrong = (parsed.notna() & ~parsed.isin(col.choices)).to_numpy()
        allowed = ", ".join(col.choices)
        checks.append(
            Check(
                name, "not_a_choice", wrong, lambda i: f"{name} is {at(i)}, not one of: {allowed}"
            )
        )
    if col.kind in ("int", "float"):
        numbers = parsed.to_numpy()
        checks.extend(_limits(col, parsed, lambda i: show(float(numbers[i]))))
    return parsed, [c for c in checks if c.mask.any()]


def _limits(col: Column, parsed: pd.Series, at: Callable[[int], str]) -> list[Check]:
    name = col.name
    checks = []
    if col.rule is not None:
        broken, words = _RULES[col.rule]
        checks.append(
            Check(
                name, col.rule, broken(parsed).to_numpy(), lambda i: f"{name} is {at(i)} ({words})"
            )
        )
    low, high = col.min_value, col.max_value
    if low is not None or high is not None:
        out = (parsed < (low if low is not None else -np.inf)) | (
            parsed > (high if high is not None else np.inf)
        )
        if low is not None and high is not None:
            span = f"between {show(float(low))} and {show(float(high))}"
        elif low is not None:
            span = f"at least {show(float(low))}"
        else:
            assert high is not None  # one bound at least, by the enclosing if
            span = f"at most {show(float(high))}"
        checks.append(
            Check(
                name,
                "out_of_range",
                out.to_numpy(),
                lambda i: f"{name} is {at(i)} (must be {span})",
            )
        )
    return checks


def _numbers(raw: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        parsed = raw.astype("float64")
        return parsed, parsed.isna().to_numpy(), np.zeros(len(raw), bool)
    blank = _blank(raw)
    text = _text(raw)
    parsed = pd.to_numeric(text, errors="coerce").astype("float64")
    bad = parsed.isna().to_numpy() & ~blank
    return parsed, blank, bad


def _stamps(raw: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray, np.ndarray]:
    if pd.api.types.is_datetime64_any_dtype(raw):
        parsed = raw
        if isinstance(parsed.dtype, pd.DatetimeTZDtype):
            parsed = parsed.dt.tz_localize(None)
        none = np.zeros(len(raw), bool)
        return parsed.astype("datetime64[ns]"), parsed.isna().to_numpy(), none, none
    blank = _blank(raw)
    text = _text(raw).str.replace(_ZONE, r"\1", regex=True)
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_localize(None)
    failed = parsed.isna().to_numpy() & ~blank
    shaped = text.str.match(_DATE_SHAPE, na=False).to_numpy(dtype=bool)
    return parsed.astype("datetime64[ns]"), blank, failed & ~shaped, failed & shaped
