"""Details an auditor queries: the critical-spares count is the CLI's for the same question
and scope, the risk table is in the order its title says, a site's report marks the figures
it judges across all sites, money and counts read as elsewhere, report files are readable."""

from __future__ import annotations

import json
import os
import stat

import pytest
from typer.testing import CliRunner

from stockwise.assistant.cli.main import app
from stockwise.assistant.reports import sections_risk
from stockwise.assistant.reports.model import Report, Section
from stockwise.assistant.reports.trace import Tracer, format_value
from stockwise.assistant.reports.write import write_report
from stockwise.tools.core.settings import get_settings
from stockwise.tools.dataset.report import ValidationReport


def cli_count(monkeypatch, demo_dir, *args: str) -> int:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("STOCKWISE_DATASET", str(demo_dir))
    get_settings.cache_clear()
    out = CliRunner().invoke(app, ["stock", "run-out", *args, "--json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.output)["count"]


@pytest.mark.parametrize("site", [None, "S2"])
def test_critical_spares_count_is_the_clis_for_the_same_scope(
    demo_ctx, demo_dir, monkeypatch, site
):  # type: ignore[no-untyped-def]
    t = Tracer()
    section = sections_risk.mro_risk(demo_ctx, t, site)
    found = {f.label: f for f in t.figures}
    question = ["--criticality", "A", "--category", "mro", "--mro-subtype", "spare_part"]
    expected = cli_count(monkeypatch, demo_dir, *question, *(["--site", site] if site else []))
    spares = found["critical spare parts running out within lead time"]
    assert spares.value == expected  # 9 for the plant, 3 at S2 on the demo
    assert f"{expected} critical spare part" in section.paragraphs[0]
    assert " ".join(question) in section.paragraphs[0]  # the command that replays it
    # The wider projection is labelled for what it counts, not as "critical spares at risk".
    wider = found["critical MRO item-sites below safety stock within lead time"]
    assert wider.value > spares.value
    assert "critical spares at risk" not in found


def test_risk_table_is_in_the_order_its_title_names(demo_ctx):  # type: ignore[no-untyped-def]
    section = sections_risk.mro_risk(demo_ctx, Tracer(), None)
    table = section.tables[-1]
    assert "by the day they fall below it, then the day they run out" in table.title
    rows = [r for r in table.rows if r[0]]
    below, runs_out = table.columns.index("below safety"), table.columns.index("runs out")
    keys = [(r[below], r[runs_out] if r[runs_out] != "-" else "9999") for r in rows]
    assert keys == sorted(keys)


def _report(site: str | None) -> Report:
    t = Tracer()
    t.section = "value"
    call = t.record("inventory_value")
    t.fig("inventory value at the snapshot", 100.0, call, "money")
    for section, label in (
        ("classification", "suspected misclassifications"),
        ("wip", "WIP value"),
    ):
        t.section = section
        t.fig(label, 5.0, call, "count")
    sections = [Section("value", "Inventory value"), Section("wip", "WIP aging")]
    return Report("T", "2025-Q3", site, "d", "f" * 32, "now", "now", sections, t)


def test_a_site_report_marks_the_figures_it_judges_across_all_sites():
    labels = [row[0] for row in _report("S2").headline()]
    assert labels == [
        "Inventory value at the snapshot",
        "Suspected misclassifications (all sites)",
        "WIP value (all sites)",
    ]
    assert [row[0] for row in _report(None).headline()][1] == "Suspected misclassifications"


def test_money_and_counts_read_as_elsewhere():
    assert format_value(-17.2, "money") == "USD -17"  # not "-USD 17"
    assert format_value(-0.3, "money") == "USD 0"
    assert format_value(1234.5, "money") == "USD 1,234"
    assert (format_value(1.0, "days"), format_value(2.0, "days")) == ("1 day", "2 days")
    one = ValidationReport("items.csv")
    one.add("items", "items.csv", "unit_cost", "negative", 1, [(3, "unit_cost is -1")])
    assert one.summary() == "items.csv: 1 problem, dataset refused"
    one.add("items", "items.csv", "unit_cost", "negative", 1, [(4, "unit_cost is -2")])
    assert one.summary() == "items.csv: 2 problems, dataset refused"


def test_report_files_are_readable_by_others_as_open_would_make_them(tmp_path):  # type: ignore[no-untyped-def]
    old = os.umask(0o022)
    try:
        path = write_report(_report(None), "md", tmp_path / "audit.md")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["audit.md"]  # no temporary file left
