"""Writing the planner's answers from tool results. Each tool with an answer writer
(`assistant/planner/answers/`) gets a worded answer; any other result gets a generic digest.
Every figure is copied from a result (formatted with separators and at most two decimals),
never computed or guessed."""

from __future__ import annotations

import json
from typing import Any

from langchain_core.messages import ToolMessage

from stockwise.assistant.agent.planner.answers import write
from stockwise.assistant.agent.planner.answers.words import MAX_ROWS, MAX_TEXT, Scope, num

MAX_FIELDS = 7
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
__all__ = ["MAX_TEXT", "Scope", "fmt", "render_answer", "render_result"]

fmt = num  # the digest formats figures exactly as the writers do


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
        if key == "evidence" or value is None or isinstance(value, dict | list):
            continue
        lines.append(f"- {label(key)}: {fmt(value)}")
    for key, value in data.items():
        if key == "evidence":
            continue
        if isinstance(value, dict) and value:
            inner = ", ".join(
                f"{label(k)} {fmt(v)}"
                for k, v in value.items()
                if v is not None and not isinstance(v, dict | list)
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


def render_answer(
    headline: str,
    results: list[ToolMessage],
    explain: str = "",
    scope: Scope | None = None,
    digest_only: bool = False,
) -> str:
    """The answer in Markdown: each result worded by its tool's writer (the generic digest,
    under the headline, where there is none, or with `digest_only`); for "why?" the
    definition and the evidence follow."""
    scope = scope or Scope()
    blocks: list[str] = []
    digest: list[str] = []
    for msg in results:
        if getattr(msg, "status", "") == "error":
            error = str(msg.content).removeprefix("Error: ")
            blocks.append(f"The {label(msg.name or 'tool')} tool could not answer: {error}")
            continue
        data = parse(msg)
        if isinstance(data, dict) and data.get("rejected"):
            blocks.append(f"{msg.name} was not run: {data.get('message', 'rejected')}")
            continue
        worded = None if digest_only else write(msg.name or "", data, scope)
        if worded is not None:
            blocks.extend(worded)
            continue
        lines = [f"{label(msg.name or 'result').capitalize()}:"] if len(results) > 1 else []
        lines.extend(render_result(data))
        digest.append("\n".join(lines))
    if digest:
        blocks = ([headline] if headline else []) + blocks + digest
    if explain:
        blocks.append(f"How it is worked out: {explain}")
        evidence = [
            line
            for msg in results
            if isinstance(data := parse(msg), dict) and isinstance(data.get("evidence"), dict)
            for line in render_evidence(data["evidence"])
        ]
        if evidence:
            blocks.append("\n".join(evidence))
    return "\n\n".join(b for b in blocks if b)


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
