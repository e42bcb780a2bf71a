"""The `write_audit_report` agent tool: chat asks "write the Q3 inventory audit for site S2"
and gets the file's path and the report's key figures back."""

from __future__ import annotations

from pydantic import BaseModel, Field

from stockwise.assistant.reports.build import build_audit_report, prose_model
from stockwise.assistant.reports.write import Format, default_name, write_report
from stockwise.tools.core.contract import fills
from stockwise.tools.core.results import Evidence, ToolResult
from stockwise.tools.dataset.context import ToolContext


class WriteAuditReportInput(BaseModel):
    period: str = Field(description="The quarter, e.g. 2025-Q3.")
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


def write_audit_report(ctx: ToolContext, args: WriteAuditReportInput) -> WriteAuditReportResult:
    """Write the inventory audit report for a quarter (and optionally one site): value by
    category and site with the change over the quarter, book vs on-hand reconciliation,
    suspected misclassifications, anomalies, slow-moving and excess stock, WIP aging, MRO
    service risk and replenishment, every figure traced to the tool call behind it. Saves a
    PDF, HTML or Markdown file in the data folder's reports/ and returns its path and the key
    figures."""
    report = build_audit_report(ctx, args.period, args.site, model=prose_model(ctx.settings))
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
