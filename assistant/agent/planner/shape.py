"""A question's shape: its entities replaced by {placeholders}, so intent matching sees what
is asked, not the nouns it is asked about."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Entities:
    values: dict[str, Any] = field(default_factory=dict)
    shape: str = ""  # the question with entities replaced by {placeholders}


def replace_first(pattern: str, text: str, placeholder: str) -> tuple[str, re.Match | None]:
    """`text` with the first match of `pattern` replaced by `placeholder`, and the match."""
    m = re.search(pattern, text)
    if m is None:
        return text, None
    return text[: m.start()] + placeholder + text[m.end() :], m
