"""PDF tables never cut a word: an item id or a part number wraps whole or not at all, and
report tables show descriptions whole (a cut 'P/N 990' names another part)."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from stockwise.assistant.reports import sections_risk
from stockwise.assistant.reports.model import Report, Section, Table
from stockwise.assistant.reports.render_pdf import render_pdf
from stockwise.assistant.reports.trace import Tracer

PART = "HC-50/25-550-V14-XL/EXTRA"  # 25 characters, no space to wrap at


def _pdf_words(table: Table) -> set[str]:
    report = Report(
        "T", "2025-Q3", None, "d", "f" * 32, "2025-09-30 18:00", "now",
        [Section("x", "X", ["p"], [table])], Tracer(),
    )  # fmt: skip
    reader = PdfReader(io.BytesIO(render_pdf(report)))
    return set(re.split(r"\s+", "\n".join(p.extract_text() for p in reader.pages)))


def test_a_crowded_table_wraps_at_spaces_never_inside_a_part_number():
    filler = "seal kit for the hydraulic cylinder of press three"
    columns = [f"column {i}" for i in range(8)]
    rows = [[f"cylinder {PART} spare"] + [filler] * 7, ["4412"] + [filler] * 7]
    words = _pdf_words(Table("crowded", columns, rows))
    cut = [w for row in rows for cell in row for w in cell.split() if w not in words]
    assert cut == []


def test_risk_table_shows_whole_descriptions(demo_ctx):  # type: ignore[no-untyped-def]
    t = Tracer()
    section = sections_risk.mro_risk(demo_ctx, t, None)
    from stockwise.tools.replenish import StockoutRiskInput, stockout_risk

    alerts = stockout_risk(
        demo_ctx, StockoutRiskInput(group="mro", critical_only=True, limit=10)
    ).alerts
    table = section.tables[-1]
    shown = {row[0]: row[1] for row in table.rows if row[0]}
    for a in alerts:
        assert shown[a.item_id] == a.description  # e.g. 'PROX SENSOR M18 PNP NO P/N 9908-198'
