"""Top-N tables end with a row for what they leave out, so the table adds up to the total
the prose states."""

from __future__ import annotations

from stockwise.assistant.reports import sections_stock
from stockwise.assistant.reports.model import Table
from stockwise.assistant.reports.trace import Tracer


def money(text: str) -> float:
    return float(text.removeprefix("USD ").replace(",", ""))


def test_idle_stock_table_adds_up_to_the_year_idle_value(demo_ctx):  # type: ignore[no-untyped-def]
    t = Tracer()
    section = sections_stock.aging(demo_ctx, t)
    table = section.tables[-1]
    *listed, rest = table.rows
    found = {f.label: f for f in t.figures}
    more = found["idle 365+ items not listed"]
    assert rest[1] == f"{more.shown} more items" and rest[0] == ""
    assert len(listed) + more.value == found["items idle over 365 days"].value
    total = sum(money(r[3]) for r in table.rows)
    assert abs(total - found["value idle 365+"].value) <= len(table.rows)  # whole-dollar rounding
    # The rest row's figures are traced like any other.
    assert found["idle 365+ value not listed"].trace_id == found["value idle 365+"].trace_id


def test_add_rest_fills_named_columns_only():
    table = Table("t", ["item", "description", "value"], [["A", "a", "1"]])
    table.add_rest(description="3 more", value="USD 9")
    assert table.rows[-1] == ["", "3 more", "USD 9"]
