"""Writing the planner's answers from tool results. Every figure is copied from a result
(formatted with separators and at most two decimals), never computed or guessed."""

from __future__ import annotations

import json
from typing import Any

from langchain_core.messages import ToolMessage

MAX_ROWS = 10
MAX_FIELDS = 7
MAX_TEXT = 280  # characters of a free-text field (a passage, an explanation) to show
ROW_KEYS_FIRST = (
    "item_id",
    "order_id",
    "equipment_id",
    "site_id",
    "doc_id",
    "description",
    "title",
    "name",
)


def fmt(value: Any) -> str:
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
    text = " ".join(str(value).split())
    if len(text) > MAX_TEXT:
        # Cut at a word boundary so no figure is cut in half.
        text = text[:MAX_TEXT].rsplit(" ", 1)[0] + " ..."
    return text


def label(key: str) -> str:
    return key.replace("_", " ")


def _compact(row: dict) -> str:
    keys = [k for k in ROW_KEYS_FIRST if k in row] + [k for k in row if k not in ROW_KEYS_FIRST]
    parts = []
    for k in keys:
        v = row[k]
        if isinstance(v, dict):
            continue
        if isinstance(v, list):
            if v and all(isinstance(x, dict) for x in v):
                inner = "; ".join(_short(x) for x in v[:4])
                parts.append(f"{label(k)}: {inner}")
            continue
        if v is None:
            continue
        parts.append(
            fmt(v) if k in ("item_id", "description", "title", "name") else f"{label(k)} {fmt(v)}"
        )
        if len(parts) >= MAX_FIELDS:
            break
    return ", ".join(parts)


def _short(row: dict) -> str:
    head = [fmt(row[k]) for k in ROW_KEYS_FIRST if k in row][:1]
    rest = [
        f"{label(k)} {fmt(v)}"
        for k, v in row.items()
        if k not in ROW_KEYS_FIRST and not isinstance(v, dict | list) and v is not None
    ][:3]
    return " ".join(head + [", ".join(rest)])


def render_result(data: Any) -> list[str]:
    """A readable digest of one tool result: scalars, small dicts, and the first rows."""
    if not isinstance(data, dict):
        return [str(data)]
    lines: list[str] = []
    for key, value in data.items():
        if key == "evidence" or isinstance(value, dict | list):
            continue
        lines.append(f"- {label(key)}: {fmt(value)}")
    for key, value in data.items():
        if key == "evidence":
            continue
        if isinstance(value, dict) and value:
            inner = ", ".join(
                f"{label(k)} {fmt(v)}" for k, v in value.items() if not isinstance(v, dict | list)
            )
            lines.append(f"- {label(key)}: {inner}")
        elif isinstance(value, list):
            if not value:
                lines.append(f"- {label(key)}: none")
                continue
            lines.append(f"- {label(key)} ({len(value)}):")
            for row in value[:MAX_ROWS]:
                lines.append("  - " + (_compact(row) if isinstance(row, dict) else fmt(row)))
            if len(value) > MAX_ROWS:
                lines.append("  - ... (more rows not shown)")
    return lines


def parse(message: ToolMessage) -> Any:
    try:
        return json.loads(message.content) if isinstance(message.content, str) else message.content
    except ValueError:
        return message.content


def render_answer(headline: str, results: list[ToolMessage], explain: str = "") -> str:
    lines = [headline] if headline else []
    if explain:
        lines.append(explain)
    for msg in results:
        if getattr(msg, "status", "") == "error":
            lines.append(f"{msg.name} could not answer: {str(msg.content).removeprefix('Error: ')}")
            continue
        data = parse(msg)
        if isinstance(data, dict) and data.get("rejected"):
            lines.append(f"{msg.name} was not run: {data.get('message', 'rejected')}")
            continue
        if len(results) > 1:
            lines.append(f"{label(msg.name or 'result').capitalize()}:")
        lines.extend(render_result(data))
        if explain and isinstance(data, dict) and isinstance(data.get("evidence"), dict):
            lines.extend(render_evidence(data["evidence"]))
    return "\n".join(lines)


def render_evidence(evidence: dict) -> list[str]:
    lines = []
    rows = evidence.get("rows_used") or {}
    if rows:
        lines.append("- computed from: " + ", ".join(f"{k} {fmt(v)} rows" for k, v in rows.items()))
    params = {k: v for k, v in (evidence.get("params") or {}).items() if v is not None}
    if params:
        lines.append("- with: " + ", ".join(f"{label(k)} {fmt(v)}" for k, v in params.items()))
    if evidence.get("as_of"):
        lines.append(f"- snapshot as of {evidence['as_of']}")
    lines.extend(f"- note: {n}" for n in evidence.get("notes") or [])
    return lines
