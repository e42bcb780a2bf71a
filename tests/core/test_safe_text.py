"""Hostile text from data stays text: no HTML or links in Markdown, no formulas in CSV."""

from __future__ import annotations

import csv

from stockwise.assistant.reports.model import Table
from stockwise.assistant.reports.render_md import table_md
from stockwise.tools.core.safe_text import csv_cell, markdown_text
from stockwise.tools.dataset.load import write_csv_atomically

SCRIPT = "<script>alert(1)</script> SEAL *KIT* [x](http://evil) | a_b"
FORMULA = '=HYPERLINK("http://evil","click")'


def test_markdown_text_escapes_html_links_emphasis_and_pipes():
    out = markdown_text(SCRIPT)
    assert "<" not in out and ">" not in out and "&lt;script&gt;" in out
    assert r"\*KIT\*" in out and r"\[x\]" in out and r"\|" in out and r"a\_b" in out
    assert markdown_text("P&ID") == "P&amp;ID"


def test_csv_cells_that_look_like_formulas_are_neutralised_but_numbers_are_not():
    assert csv_cell(FORMULA) == "'" + FORMULA
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)" and csv_cell("+1-2") != "+1-2"
    assert csv_cell("-9") == "-9" and csv_cell(-9.0) == -9.0 and csv_cell("SEAL") == "SEAL"


def test_a_report_table_shows_hostile_descriptions_as_text():
    md = table_md(Table("Items", ["item", "description"], [["4471", SCRIPT]]))
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert md.count("|") - md.count(r"\|") == 9  # the pipe in the text does not split a cell


def test_a_rejects_file_does_not_carry_formulas(tmp_path):
    import pandas as pd

    path = tmp_path / "rejects.csv"
    write_csv_atomically(pd.DataFrame({"description": [FORMULA], "qty": [-9]}), path)
    with path.open() as fh:
        row = next(csv.DictReader(fh))
    assert row == {"description": "'" + FORMULA, "qty": "-9"}
