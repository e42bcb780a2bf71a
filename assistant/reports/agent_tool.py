"""The `write_audit_report` agent tool: chat asks "write the Q3 inventory audit for site S2"
and gets the file's path and the report's key figures back.

The agent does not know reports exist: the surfaces that open a session add this tool with
`report_tools(choice)`, so the report's prose is written by the session's own model."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from stockwise.assistant.reports.write import Format
from stockwise.tools.core.contract import fills
from stockwise.tools.core.results import Evidence, ToolResult
from stockwise.tools.dataset.context import ToolContext

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from stockwise.assistant.agent.models import ModelChoice


class WriteAuditReportInput(BaseModel):
    period: str = Field(
        description="The quarter, e.g. 2025-Q3.", json_schema_extra=fills(start="quarter_label")
    )
    site: str | None = Field(
        default=None,
        description="Site id or name; omit for all sites.",
        json_schema_extra=fills("site"),
    )
    format: Format = Field(default="pdf", description="pdf, html or md (Markdown).")


class WriteAuditReportResult(ToolResult):
    path: str = Field(description="Where the report was written.")
    format: str
    period: str
    site: str | None
    sections: list[str]
    key_figures: dict[str, float | str] = Field(
        description="The report's headline figures (money in the dataset's currency)."
    )
    figures_traced: int = Field(description="Figures listed in the appendix with a trace id.")


def write_audit_report(
    ctx: ToolContext, args: WriteAuditReportInput, model: BaseChatModel | None = None
) -> WriteAuditReportResult:
    """Write the inventory audit report for a quarter (and optionally one site): value by
    category and site with the change over the quarter, book vs on-hand reconciliation,
    suspected misclassifications, anomalies, slow-moving and excess stock, WIP aging, MRO
    service risk and replenishment, every figure traced to the tool call behind it. Saves a
    PDF, HTML or Markdown file in the data folder's reports/ and returns its path and the key
    figures."""
    # The sections (every tool's internals, the classifier among them) load when a report is
    # written, not when a session lists its tools: importing stockwise.assistant.reports
    # took 2.2 s of CPU with them, 1.2 s without (langchain_core, which the agent loads anyway).
    from stockwise.assistant.reports.build import build_audit_report
    from stockwise.assistant.reports.write import default_name, write_report

    report = build_audit_report(ctx, args.period, args.site, model=model)
    path = ctx.settings.data_dir / "reports" / default_name(report, args.format)
    write_report(report, args.format, path)
    return WriteAuditReportResult(
        path=str(path),
        format=args.format,
        period=report.period,
        site=report.site,
        sections=[s.title for s in report.sections],
        key_figures=report.key_figures,
        figures_traced=len(report.tracer.figures),
        evidence=Evidence(
            tool="write_audit_report",
            params=args.model_dump(),
            as_of=ctx.dataset.as_of,
            rows_used=ctx.dataset.row_counts(),
            ids=[c.trace_id for c in report.tracer.calls],
            notes=[f"{c.trace_id}: {c.signature}" for c in report.tracer.calls],
        ),
    )


def report_tools(choice: ModelChoice) -> list[Callable]:
    """The tools a surface adds to an agent session: `write_audit_report`, its prose written
    by the session's model choice."""
    # langchain_core (the prose model) loads when a session adds the tool, not when the MCP
    # server lists it: listing every tool took 1.28 s of CPU with it at the top of this module.
    from stockwise.assistant.reports.prose import prose_model

    model = prose_model(choice)

    def tool(ctx: ToolContext, args: WriteAuditReportInput) -> WriteAuditReportResult:
        return write_audit_report(ctx, args, model)

    # The registry names a tool and describes it to the model by its function's name and
    # docstring: this one is write_audit_report with the session's model filled in.
    tool.__name__ = tool.__qualname__ = write_audit_report.__name__
    tool.__doc__ = write_audit_report.__doc__
    return [tool]
