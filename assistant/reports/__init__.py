"""Audit reports: a written account of the inventory for a quarter, every figure traced to
the tool call that produced it, rendered as Markdown, HTML (inline SVG charts) or PDF."""

from stockwise.assistant.reports.agent_tool import (
    WriteAuditReportInput,
    report_tools,
    write_audit_report,
)

__all__ = ["WriteAuditReportInput", "report_tools", "write_audit_report"]
