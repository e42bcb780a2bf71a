"""Text from data, made safe for where it is written. An item description or a document
is data typed by anyone with ERP access: in a Markdown answer or report it must not become
HTML (`<script>`), a link or emphasis; in a CSV a spreadsheet opens, it must not become a
formula (`=HYPERLINK(...)`, the OWASP "CSV injection")."""

from __future__ import annotations

import re
from typing import Any

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# A spreadsheet reads a cell starting with one of these as a formula (or a DDE call).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def markdown_text(value: Any) -> str:
    """Plain text that Markdown shows as typed: HTML tags, links, emphasis, code spans and
    table pipes are escaped."""
    text = str(value).replace("&", "&amp;")
    return _MARKDOWN_SPECIAL.sub(
        lambda m: _HTML[m.group(1)] if m.group(1) in _HTML else "\\" + m.group(1), text
    )


def csv_cell(value: Any) -> Any:
    """A value a spreadsheet will not evaluate: text that starts like a formula gets a
    leading apostrophe, which spreadsheets hide. Numbers stay numbers (-9 is data)."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
