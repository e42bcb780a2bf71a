"""The audit report as an MCP prompt: a desktop client's user picks "audit_report", gives the
quarter (and a site), and the client's model is asked to write it with the
`write_audit_report` tool and to report its key figures with their trace ids. The prompt
checks the quarter the way the tool does, so a bad one is refused before the model runs."""

from __future__ import annotations

import mcp_types as types

from stockwise.tools.core.errors import InvalidArgumentError

AUDIT_PROMPT = "audit_report"


def listing() -> list[types.Prompt]:
    return [
        types.Prompt(
            name=AUDIT_PROMPT,
            title="Inventory audit report",
            description="Write the quarter's inventory audit (value, reconciliation, "
            "misclassifications, anomalies, aging, WIP, MRO risk, replenishment), every "
            "figure traced to the tool call behind it.",
            arguments=[
                types.PromptArgument(
                    name="period", description="The quarter, e.g. 2025-Q3.", required=True
                ),
                types.PromptArgument(
                    name="site", description="Site id or name; omit for all sites."
                ),
                types.PromptArgument(name="format", description="pdf (default), html or md."),
            ],
        )
    ]


def audit_prompt(arguments: dict[str, str] | None) -> types.GetPromptResult:
    given = arguments or {}
    from stockwise.assistant.reports.period import parse_period  # pandas: on use only

    period = parse_period(given.get("period") or "").label  # the report's own check
    site = (given.get("site") or "").strip() or None
    fmt = (given.get("format") or "pdf").strip()
    if fmt not in ("pdf", "html", "md"):
        raise InvalidArgumentError(f"format {fmt!r} is not one of pdf, html, md")
    call = {"period": period, "format": fmt} | ({"site": site} if site else {})
    scope = f"site {site}" if site else "all sites"
    text = (
        f"Write the inventory audit report for {period} ({scope}): call the write_audit_report "
        f"tool with {call}. Then tell me where the file is, list its sections and its key "
        "figures exactly as the tool returned them, and say that every figure is traced in the "
        "report's appendix (the evidence ids). Do not compute or round figures yourself."
    )
    return types.GetPromptResult(
        description=f"Inventory audit report for {period}, {scope}",
        messages=[types.PromptMessage(role="user", content=types.TextContent(text=text))],
    )
