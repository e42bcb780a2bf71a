"""The audit report on the demo plant: one report built (the classifier trains once), every
format rendered from it, figures checked against the contract and replayed from their trace."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from stockwise.assistant.agent.grounding import FIGURE
from stockwise.assistant.reports.build import build_audit_report
from stockwise.assistant.reports.write import render, write_report
from stockwise.tools.stock.value import (
    InventoryValueInput,
    VarianceInput,
    inventory_value,
    variance,
)

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def flat(text: str) -> str:
    return " ".join(text.split())


def money(value: float) -> str:
    return f"USD {round(value):,}"


def untraced_figures(narrative: str, shown: list[str]) -> list[str]:
    """Figures in the prose not covered by a traced figure's text at that very place."""
    covered: list[tuple[int, int]] = []
    for text in set(shown):
        covered += [(m.start(), m.end()) for m in re.finditer(re.escape(text), narrative)]
    return [
        m.group(0)
        for m in FIGURE.finditer(narrative)
        if not any(a <= m.start() and m.end() <= b for a, b in covered)
    ]


@pytest.fixture(scope="session")
def s2_report(demo_dataset, report_settings):  # type: ignore[no-untyped-def]
    from stockwise.tools.dataset.context import ToolContext

    ctx = ToolContext(dataset=demo_dataset, settings=report_settings)
    return ctx, build_audit_report(ctx, "2025-Q3", "S2")


def contract_figures(ds, site: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The contract's definitions computed straight from the tables, not through the tools."""
    levels = ds.stock_levels[ds.stock_levels["site_id"] == site]
    cost = ds.items.set_index("item_id")["unit_cost"]
    value = float((levels["on_hand_qty"] * levels["item_id"].map(cost)).sum())
    tx = ds.transactions[(ds.transactions["ts"] <= ds.as_of) & (ds.transactions["site_id"] == site)]
    book = tx.groupby(["item_id", "site_id"], observed=True)["qty"].sum()
    on_hand = levels.set_index(["item_id", "site_id"])["on_hand_qty"]
    diff = on_hand.sub(book.reindex(on_hand.index).fillna(0.0))
    diff = diff[diff.abs() >= 1e-6]
    worth = diff * diff.index.get_level_values(0).map(cost).to_numpy()
    orders = ds.production_orders["status"].isin(["released", "in_progress"]).sum()
    return {"value": value, "abs_variance": float(worth.abs().sum()), "open_orders": int(orders)}


@pytest.mark.slow  # the first report on a dataset trains the classifier: ~60 s on 2 busy cores
def test_every_format_from_one_report(s2_report, demo_dataset, tmp_path):  # type: ignore[no-untyped-def]
    ctx, report = s2_report
    assert not report.short
    keys = [s.key for s in report.sections]
    assert keys == [
        "scope", "value", "reconciliation", "classification", "anomalies", "aging", "wip",
        "mro_risk", "replenishment", "method",
    ]  # fmt: skip
    # A site's report says which figures it judges across all sites.
    glance = {row[0] for row in report.headline()}
    assert {"WIP value (all sites)", "Suspected misclassifications (all sites)"} <= glance
    assert "Inventory value at the snapshot" in glance
    titles = {s.key: s.title for s in report.sections}
    assert titles["wip"] == "WIP aging (all sites)" and "all sites" not in titles["value"]
    # No empty section and no "N/A" wall.
    assert all(s.paragraphs for s in report.sections)
    assert "N/A" not in report.narrative and "n/a" not in report.narrative

    pdf_path = write_report(report, "pdf", tmp_path / "audit.pdf")
    reader = PdfReader(io.BytesIO(pdf_path.read_bytes()))
    pages = [flat(p.extract_text()) for p in reader.pages]
    text = " ".join(pages)
    assert len(reader.pages) >= 4
    # Contents page, page numbers and the fingerprint in every footer.
    assert "Contents" in pages[0] and "Appendix: figures and their trace" in pages[0]
    for n, page in enumerate(pages, 1):
        assert f"Page {n} of {len(pages)}" in page
        assert f"Data fingerprint {demo_dataset.fingerprint[:16]}" in page

    # Key figures: the contract's definitions, the tools' results, the PDF's text agree.
    truth = contract_figures(demo_dataset, "S2")
    tool_value = inventory_value(ctx, InventoryValueInput(site="S2")).total_value
    assert tool_value == pytest.approx(truth["value"], rel=1e-9)
    assert f"Stock on hand is worth {money(truth['value'])} at the snapshot" in text
    tool_var = variance(ctx, VarianceInput(site="S2"))
    assert tool_var.abs_value == pytest.approx(truth["abs_variance"], rel=1e-9)
    assert f"{money(truth['abs_variance'])} in absolute value" in text
    assert f"{truth['open_orders']} production orders are open" in text

    # Every figure of the prose is in the appendix, with a trace id naming a real call.
    shown = [f.shown for f in report.tracer.figures]
    assert untraced_figures(report.narrative, shown) == []
    calls = {c.trace_id: c for c in report.tracer.calls}
    assert all(f.trace_id in calls for f in report.tracer.figures)
    for f in report.tracer.figures[:40]:
        assert f.trace_id in text  # the appendix lists it in the PDF too

    # A figure replays from its trace: same tool, same arguments, same number.
    fig = next(f for f in report.tracer.figures if f.label == "inventory value at the snapshot")
    call = calls[fig.trace_id]
    assert call.tool == "inventory_value" and call.args == {"site": "S2"}
    assert inventory_value(ctx, InventoryValueInput(**call.args)).total_value == fig.value

    html = render(report, "html").decode()
    assert html.count("<svg") >= 3 and "http://" not in html.split("<svg", 1)[0]
    assert money(truth["value"]) in html and demo_dataset.fingerprint in html
    markdown = render(report, "md").decode()
    assert markdown.startswith("# Inventory audit 2025-Q3, site S2")
    assert "## 11. Appendix: figures and their trace" in markdown
    assert "`inventory_value(site='S2')`" in markdown


def test_untraced_figure_is_caught():
    # The check itself can fail: a number typed into prose without a trace is reported.
    assert untraced_figures("Stock is worth USD 1,000 and 37 items.", ["USD 1,000"]) == ["37"]
