"""The report as a PDF (fpdf2, pure Python: no system libraries): a contents page, page
numbers, and the data fingerprint in every footer so a printed page names its data."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.fonts import FontFace

from stockwise.assistant.reports.charts import chart_png
from stockwise.assistant.reports.model import Report, Table
from stockwise.assistant.reports.render_html import _is_number

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
ID_COLUMNS = {"item", "order", "product", "trace id", "site"}
INK, MUTED, RULE, HEAD_FILL = (34, 34, 34), (110, 110, 120), (200, 204, 214), (236, 240, 246)


class _AuditPDF(FPDF):
    def __init__(self, report: Report) -> None:
        super().__init__(format="A4")
        self.report = report
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.add_font("DejaVu", "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))
        self.set_title(report.title)
        self.set_author("Stockwise")

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font("DejaVu", "", 7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 5, self.report.title, align="R")
        self.ln(8)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"Data fingerprint {self.report.fingerprint[:16]} · snapshot "
                  f"{self.report.as_of}", align="L")  # fmt: skip
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")


def _render_toc(pdf: FPDF, outline) -> None:  # type: ignore[no-untyped-def]
    pdf.set_x(pdf.l_margin)
    pdf.set_font("DejaVu", "B", 13)
    pdf.set_text_color(*INK)
    pdf.cell(0, 9, "Contents", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    for section in outline:
        link = pdf.add_link(page=section.page_number)
        width = pdf.epw - 14
        pdf.cell(width, 7, section.name, link=link)
        pdf.cell(14, 7, str(section.page_number), align="R", link=link,
                 new_x="LMARGIN", new_y="NEXT")  # fmt: skip


# Cell padding (mm): top/bottom, left/right; and what a cell needs beyond its text.
PADDING = (0.6, 1.2)
CELL_SLACK = 2 * PADDING[1] + 1.0
WIDEST_COLUMN = 0.45  # of the page width: a long description wraps rather than crowd out


def column_widths(pdf: FPDF, table: Table) -> list[float]:
    """Column widths (mm) filling the page so that no word breaks: each column is at least
    as wide as its longest word (an item id, a part number such as 'P/N 990-4471' wraps at
    the space, never inside '990-4471'); the rest of the width goes to the columns whose
    text is longer than that, in proportion."""
    style = pdf.font_style
    pdf.set_font(style="B")  # headings are bold, so wider
    heads = [pdf.get_string_width(w) for w in table.columns]
    head_words = [max(pdf.get_string_width(w) for w in c.split() or [""]) for c in table.columns]
    pdf.set_font(style=style)
    need, want = [], []
    for i, col in enumerate(zip(*table.rows, strict=True) if table.rows else [()] * len(heads)):
        words = [w for v in col for w in str(v).split()]
        longest = max([pdf.get_string_width(w) for w in words] + [head_words[i]])
        whole = max([pdf.get_string_width(str(v)) for v in col] + [heads[i]])
        need.append(longest + CELL_SLACK)
        want.append(max(need[-1], min(whole + CELL_SLACK, pdf.epw * WIDEST_COLUMN)))
    room = pdf.epw - sum(need)
    if room <= 0:  # not even the words fit: shrink in proportion (rare: very many columns)
        return [n * pdf.epw / sum(need) for n in need]
    extra = [w - n for w, n in zip(want, need, strict=True)]
    if sum(extra) <= room:  # everything fits on one line: share out what is left
        spare = room - sum(extra)
        return [w + spare * w / sum(want) for w in want]
    return [n + room * e / sum(extra) for n, e in zip(need, extra, strict=True)]


def _table(pdf: FPDF, table: Table) -> None:
    if pdf.will_page_break(24):  # keep a caption with the first rows of its table
        pdf.add_page()
    pdf.set_font("DejaVu", "I", 8)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(0, 4.5, table.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*RULE)
    pdf.set_font("DejaVu", "", 7.5)
    columns = list(zip(*([table.columns, *table.rows]), strict=True))
    numeric = [
        col[0] not in ID_COLUMNS and sum(_is_number(str(v)) for v in col[1:]) > len(col[1:]) / 2
        if len(col) > 1
        else False
        for col in columns
    ]
    with pdf.table(
        col_widths=column_widths(pdf, table),
        text_align=tuple("RIGHT" if n else "LEFT" for n in numeric),
        headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_FILL),
        borders_layout="HORIZONTAL_LINES",
        line_height=4.2,
        padding=PADDING,
        width=pdf.epw,
    ) as grid:
        for row in [table.columns, *table.rows]:
            cells = grid.row()
            for value in row:
                cells.cell(str(value))
    pdf.ln(3)


def render_pdf(report: Report) -> bytes:
    pdf = _AuditPDF(report)
    pdf.add_page()
    pdf.set_text_color(*INK)
    pdf.set_font("DejaVu", "B", 20)
    pdf.multi_cell(0, 10, report.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9.5)
    pdf.set_text_color(*MUTED)
    for line in (
        f"Dataset: {report.dataset_name}",
        f"Stock snapshot: {report.as_of}",
        f"Data fingerprint: {report.fingerprint}",
        f"Generated: {report.generated_at} by Stockwise",
    ):
        pdf.cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)
    pdf.set_text_color(*INK)
    _table(pdf, Table("At a glance (trace ids refer to the appendix)",
                      ["figure", "value", "trace"], report.headline()))  # fmt: skip
    pdf.ln(2)
    pdf.insert_toc_placeholder(_render_toc, pages=1, reset_page_indices=False)
    for i, section in enumerate(report.sections, 1):
        _section_heading(pdf, f"{i}. {section.title}")
        pdf.set_font("DejaVu", "", 9.5)
        pdf.set_text_color(*INK)
        for paragraph in section.paragraphs:
            pdf.multi_cell(0, 5, paragraph, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        pdf.set_font("DejaVu", "I", 8)
        for note in section.notes:
            pdf.multi_cell(0, 4.5, f"Note: {note}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 9.5)
        for chart in section.charts:
            png = io.BytesIO(chart_png(chart))
            width = pdf.epw * 0.86
            if pdf.will_page_break(width * 2.9 / 6.4):
                pdf.add_page()
            pdf.image(png, x=pdf.l_margin + (pdf.epw - width) / 2, w=width)
            pdf.ln(2)
        for table in section.tables:
            _table(pdf, table)
    _section_heading(pdf, f"{len(report.sections) + 1}. Appendix: figures and their trace")
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(0, 4.8, "Each figure above, with the id of the call that produced it. A call "
                   "is a Stockwise tool (or ledger reading) with its arguments; replaying it on "
                   "data with the same fingerprint gives the same figure.",
                   new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.ln(2)
    _table(pdf, Table("Tool calls", ["trace id", "call"],
                      [[c.trace_id, c.signature] for c in report.tracer.calls]))  # fmt: skip
    _table(pdf, Table("Figures", ["trace id", "section", "figure", "value"],
                      [r[:4] for r in report.appendix_rows()]))  # fmt: skip
    return bytes(pdf.output())


def _section_heading(pdf: FPDF, title: str) -> None:
    if pdf.will_page_break(40):
        pdf.add_page()
    pdf.ln(3)
    pdf.start_section(title)
    pdf.set_font("DejaVu", "B", 13)
    pdf.set_text_color(*INK)
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*RULE)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
    pdf.ln(2.5)
