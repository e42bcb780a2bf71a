"""The report as one self-contained HTML page: charts inline as SVG, no external files."""

from __future__ import annotations

from html import escape

from stockwise.assistant.reports.charts import chart_svg
from stockwise.assistant.reports.model import Report, Table

CSS = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; color: #222;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem;
     border-bottom: 1px solid #ccd; padding-bottom: .2rem; }
.meta { color: #666; font-size: .9rem; } table { border-collapse: collapse; margin: .6rem 0 1rem;
        font-size: .85rem; } th, td { border-bottom: 1px solid #e3e3e8; padding: .2rem .5rem;
        text-align: left; } th { background: #f2f4f7; } caption { text-align: left;
        font-style: italic; color: #555; padding-bottom: .2rem; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: .5rem 0 1rem; } figure svg { max-width: 100%; height: auto; }
code { font-size: .8rem; }
"""


def _is_number(text: str) -> bool:
    core = text.replace("USD", "").replace(",", "").replace("%", "").replace("x", "").strip()
    core = core.replace("days", "").strip().lstrip("-").strip()
    return core.replace(".", "", 1).isdigit()


def table_html(table: Table) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
    rows = []
    for row in table.rows:
        cells = "".join(
            f'<td class="num">{escape(str(c))}</td>' if _is_number(str(c)) else
            f"<td>{escape(str(c))}</td>"
            for c in row
        )  # fmt: skip
        rows.append(f"<tr>{cells}</tr>")
    return (
        f"<table><caption>{escape(table.title)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def render_html(report: Report) -> str:
    n_appendix = len(report.sections) + 1
    toc = (
        "".join(f'<li><a href="#{s.key}">{escape(s.title)}</a></li>' for s in report.sections)
        + '<li><a href="#appendix">Appendix: figures and their trace</a></li>'
    )
    body = []
    for i, s in enumerate(report.sections, 1):
        body.append(f'<section id="{s.key}"><h2>{i}. {escape(s.title)}</h2>')
        body += [f"<p>{escape(p)}</p>" for p in s.paragraphs]
        body += [f'<p class="meta">Note: {escape(n)}</p>' for n in s.notes]
        body += [f"<figure>{chart_svg(c)}</figure>" for c in s.charts]
        body += [table_html(t) for t in s.tables]
        body.append("</section>")
    calls = Table("Tool calls", ["trace id", "call"],
                  [[c.trace_id, c.signature] for c in report.tracer.calls])  # fmt: skip
    figures = Table("Figures", ["trace id", "section", "figure", "value"],
                    [r[:4] for r in report.appendix_rows()])  # fmt: skip
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(report.title)}</title>
<style>{CSS}</style></head><body>
<h1>{escape(report.title)}</h1>
<p class="meta">Dataset {escape(report.dataset_name)} · snapshot {escape(report.as_of)} ·
data fingerprint <code>{escape(report.fingerprint)}</code> ·
generated {escape(report.generated_at)}</p>
{table_html(Table("At a glance", ["figure", "value", "trace"], report.headline()))}
<nav><h2>Contents</h2><ol>{toc}</ol></nav>
{"".join(body)}
<section id="appendix"><h2>{n_appendix}. Appendix: figures and their trace</h2>
{table_html(calls)}{table_html(figures)}</section>
</body></html>
"""
