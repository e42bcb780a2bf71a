"""The short text beside a result's structured content: its headline figures, its first rows,
and where it came from (the evidence: snapshot, rows read, ids, notes, citations). Clients
that show the model only text still get the figures and their sources; the full result is
the structured content."""

from __future__ import annotations

from typing import Any

ROWS_SHOWN = 5  # of each list: enough to answer from, short enough to read
IDS_SHOWN = 10


def _value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.2f}"
    return str(value)


def _scalars(record: dict[str, Any]) -> str:
    return ", ".join(
        f"{k}={_value(v)}"
        for k, v in record.items()
        if v is not None and not isinstance(v, list | dict)
    )


def _citation(passage: dict[str, Any]) -> str:
    cite = passage["citation"]
    parts = [cite.get("title") or cite.get("doc_id", "")]
    if cite.get("section"):
        parts.append(f"§ {cite['section']}")
    if cite.get("revision"):
        parts.append(f"rev. {cite['revision']}")
    if cite.get("page"):
        parts.append(f"p. {cite['page']}")
    return f"{', '.join(parts)} [{cite.get('doc_id', '')}]"


def evidence_lines(evidence: dict[str, Any]) -> list[str]:
    lines = [f"source: {evidence.get('tool', '?')} {evidence.get('params') or {}}"]
    if evidence.get("as_of"):
        lines.append(f"as of: {evidence['as_of']}")
    if evidence.get("rows_used"):
        rows = ", ".join(f"{table} {count:,}" for table, count in evidence["rows_used"].items())
        lines.append(f"rows read: {rows}")
    ids = evidence.get("ids") or []
    if ids:
        more = f" (+{len(ids) - IDS_SHOWN} more)" if len(ids) > IDS_SHOWN else ""
        lines.append(f"ids: {', '.join(map(str, ids[:IDS_SHOWN]))}{more}")
    lines += [f"note: {note}" for note in evidence.get("notes") or []]
    return lines


def summary(tool: str, result: dict[str, Any]) -> str:
    body = {k: v for k, v in result.items() if k not in ("evidence", "pending_action")}
    lines = [f"{tool}: {_scalars(body)}".rstrip(": ")]
    for key, value in body.items():
        if isinstance(value, dict) and value:
            lines.append(f"{key}: {_scalars(value)}")
        elif isinstance(value, list):
            lines.append(f"{key}: {len(value)} row{'' if len(value) == 1 else 's'}")
            for row in value[:ROWS_SHOWN]:
                if isinstance(row, dict) and "citation" in row:
                    lines.append(
                        f"- {_citation(row)}: {' '.join(str(row.get('text', '')).split())[:300]}"
                    )
                elif isinstance(row, dict):
                    lines.append(f"- {_scalars(row)}")
                else:
                    lines.append(f"- {row}")
    if isinstance(result.get("evidence"), dict):
        lines += evidence_lines(result["evidence"])
    pending = result.get("pending_action")
    if pending:
        lines.append(
            f"NOT WRITTEN: action {pending['action_id']} waits for a decision; a "
            f"{' or '.join(pending['approvers'])} calls {pending['decide_with']}"
            f"(action_id='{pending['action_id']}', decision='approve' or 'reject')."
        )
    return "\n".join(lines)
