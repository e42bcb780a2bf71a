"""Audit reports: a written account of the inventory for a quarter, every figure traced to
the tool call that produced it, rendered as Markdown, HTML (inline SVG charts) or PDF."""

from stockwise.assistant.reports.agent_tool import WriteAuditReportInput, write_audit_report

AGENT_TOOLS = [write_audit_report]

__all__ = ["AGENT_TOOLS", "WriteAuditReportInput", "write_audit_report"]
