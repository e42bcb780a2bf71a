"""Reports with nothing to audit stay short and say why; bad requests are refused clearly."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from stockwise.assistant.cli.main import app
from stockwise.assistant.reports import WriteAuditReportInput, report_tools, write_audit_report
from stockwise.assistant.reports.build import build_audit_report, resolve_site
from stockwise.assistant.reports.period import parse_period
from stockwise.assistant.reports.write import render
from stockwise.tools.core.errors import InvalidArgumentError, UnknownEntityError
from stockwise.tools.core.settings import get_settings
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.stock.resolve import Resolver


def test_period_parsing():
    q = parse_period("2025-q3")
    assert (q.label, str(q.start.date()), str(q.end.date())) == (
        "2025-Q3",
        "2025-07-01",
        "2025-09-30",
    )
    with pytest.raises(InvalidArgumentError, match="2025-Q3"):
        parse_period("2025-Q5")


def test_empty_period_gives_a_short_report(demo_ctx):  # type: ignore[no-untyped-def]
    report = build_audit_report(demo_ctx, "2021-Q1")
    assert report.short
    assert [s.title for s in report.sections] == ["Scope", "Findings", "Method notes"]
    assert "No stock movement was booked in 2021-Q1 (before the ledger begins)" in report.narrative
    assert "The ledger runs from 2023-07-01" in report.narrative
    pdf = PdfReader(io.BytesIO(render(report, "pdf")))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert "before the ledger begins" in text and "Page 1 of" in text
    assert "No stock movement" in render(report, "html").decode()


def test_site_with_no_stock_gives_a_short_report(demo_dataset, report_settings):  # type: ignore[no-untyped-def]
    from stockwise.tools.dataset.context import ToolContext

    tables = dict(demo_dataset.tables)
    sites = pd.concat([tables["sites"], pd.DataFrame([{"site_id": "S3", "name": "New Annex"}])])
    tables["sites"] = sites.reset_index(drop=True)
    ds = Dataset(tables=tables, source="demo+S3", name="demo with an empty site",
                 fingerprint="f" * 32, currency="USD")  # fmt: skip
    report = build_audit_report(ToolContext(ds, report_settings), "2025-Q3", "New Annex")
    assert report.short and report.site == "S3"
    assert "Site S3 holds no stock at the snapshot" in report.narrative
    assert "No stock movement was booked in 2025-Q3" in report.narrative
    assert render(report, "md").decode().count("## ") == 5  # contents, 3 sections, appendix


def test_unknown_site_is_refused(demo_ctx):  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownEntityError, match="site"):
        build_audit_report(demo_ctx, "2025-Q3", "Moon Base")
    with pytest.raises(UnknownEntityError) as refused:
        build_audit_report(demo_ctx, "2025-Q3", "Lakside Plant")
    assert refused.value.suggestions[0] == "S2 (Lakeside Plant)"  # the closest, to pick from


def test_sites_resolve_by_id_name_and_bare_number(demo_ctx):  # type: ignore[no-untyped-def]
    assert resolve_site(demo_ctx, "S2") == "S2"
    assert resolve_site(demo_ctx, "lakeside plant") == "S2"
    assert resolve_site(demo_ctx, "2") == "S2"
    assert resolve_site(demo_ctx, " ") is None


def test_a_bug_in_the_site_lookup_is_not_reported_as_an_unknown_site(demo_ctx, monkeypatch):  # type: ignore[no-untyped-def]
    def broken(self, query: str) -> int:
        raise KeyError("name")

    monkeypatch.setattr(Resolver, "site", broken)
    with pytest.raises(KeyError, match="name"):
        resolve_site(demo_ctx, "S2")


def test_agent_tool_writes_into_the_data_folder(demo_ctx):  # type: ignore[no-untyped-def]
    result = write_audit_report(demo_ctx, WriteAuditReportInput(period="2026-Q1", format="md"))
    path = demo_ctx.settings.data_dir / "reports" / "audit-2026-Q1-all-sites.md"
    assert result.path == str(path) and path.read_text().startswith("# Inventory audit 2026-Q1")
    assert result.key_figures["movements booked in the period"] == 0
    assert "after the stock snapshot" in path.read_text()
    assert result.evidence.tool == "write_audit_report" and result.evidence.ids[0] == "T01"


def test_the_surfaces_report_tool_writes_its_prose_with_the_sessions_model(demo_ctx):  # type: ignore[no-untyped-def]
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from stockwise.assistant.agent.models import ModelChoice
    from stockwise.assistant.agent.registry import ToolRegistry

    endpoint = FakeListChatModel(responses=["Nothing moved in 2021-Q1."] * 20)
    choice = ModelChoice(model=endpoint, fallback=None, endpoint="http://127.0.0.1:9/v1")
    registry = ToolRegistry(demo_ctx, extra_tools=report_tools(choice))
    tool = registry.by_name["write_audit_report"]
    assert tool.description.startswith("Write the inventory audit report for a quarter")
    out = json.loads(tool.invoke({"period": "2021-Q1", "format": "md"}))
    assert "Nothing moved in 2021-Q1." in Path(out["path"]).read_text()  # the model's prose
    assert endpoint.i > 0
    # On the offline planner the templates write the prose: the planner is not asked.
    offline = ModelChoice(model=FakeListChatModel(responses=[]), fallback=None, endpoint=None)
    (tool,) = ToolRegistry(demo_ctx, [], extra_tools=report_tools(offline)).tools
    out = json.loads(tool.invoke({"period": "2021-Q1", "format": "md"}))
    assert "Nothing moved in 2021-Q1." not in Path(out["path"]).read_text()


def test_cli_writes_the_report_and_refuses_bad_input(demo_dir, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("STOCKWISE_DATASET", str(demo_dir))
    get_settings.cache_clear()
    runner = CliRunner()
    out = tmp_path / "q1.html"
    done = runner.invoke(app, ["report", "audit", "--period", "2021-Q1", "--format", "html",
                               "--out", str(out), "--timings"])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "short report" in done.output and out.read_text().startswith("<!doctype html>")
    steps = [line.split()[0] for line in done.output.splitlines()[1:]]
    assert steps == ["scope", "findings", "method", "render"]  # one line each, with times
    bad = runner.invoke(app, ["report", "audit", "--period", "Q3", "--format", "pdf"])
    assert bad.exit_code == 1 and "not a quarter" in bad.output
    fmt = runner.invoke(app, ["report", "audit", "--period", "2025-Q3", "--format", "docx"])
    assert fmt.exit_code == 1 and "unknown format" in fmt.output
    assert not (tmp_path / "stockwise-data" / "reports").exists()
