"""The report as Markdown: prose, tables, and the appendix of traced figures."""

from __future__ import annotations

from stockwise.assistant.reports.model import Report, Table
from stockwise.tools.core.safe_text import markdown_text


class Code(str):
    """A cell shown as a code span (a tool call's signature): as typed, not escaped."""


def _cell(text: str) -> str:
    if isinstance(text, Code):
        return "`" + text.replace("`", "'").replace("\n", " ") + "`"
    return markdown_text(text).replace("\n", " ")


def table_md(table: Table) -> str:
    head = "| " + " | ".join(table.columns) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    body = ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    return "\n".join([f"*{table.title}*", "", head, rule, *body])


def render_markdown(report: Report) -> str:
    out = [
        f"# {report.title}",
        "",
        f"Dataset: {report.dataset_name} · snapshot {report.as_of} · "
        f"fingerprint `{report.fingerprint[:16]}` · generated {report.generated_at}",
        "",
        table_md(Table("At a glance", ["figure", "value", "trace"], report.headline())),
        "",
        "## Contents",
        "",
    ]
    out += [f"{i}. {s.title}" for i, s in enumerate(report.sections, 1)]
    out.append(f"{len(report.sections) + 1}. Appendix: figures and their trace")
    for i, section in enumerate(report.sections, 1):
        out += ["", f"## {i}. {section.title}", ""]
        for paragraph in section.paragraphs:
            out += [markdown_text(paragraph), ""]
        out += [f"*Note: {markdown_text(note)}*\n" for note in section.notes]
        for table in section.tables:
            out += [table_md(table), ""]
    out += ["", f"## {len(report.sections) + 1}. Appendix: figures and their trace", ""]
    calls = Table(
        "Tool calls",
        ["trace id", "call"],
        [[c.trace_id, Code(c.signature)] for c in report.tracer.calls],
    )
    figures = Table(
        "Figures",
        ["trace id", "section", "figure", "value"],
        [r[:4] for r in report.appendix_rows()],
    )
    out += [table_md(calls), "", table_md(figures), ""]
    return "\n".join(out)
