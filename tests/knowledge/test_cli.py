"""`stockwise index` then `stockwise docs` on a folder, offline, through the real CLI."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.settings import get_settings


def test_index_then_docs_prints_cited_passages(small_corpus, tmp_path):
    (small_corpus / "empty.txt").write_bytes(b"")
    runner = CliRunner()

    indexed = runner.invoke(app, ["index", str(small_corpus)])
    assert indexed.exit_code == 0, indexed.output
    assert "3 indexed" in indexed.output
    assert "skipped empty.txt: the file is empty" in indexed.output

    found = runner.invoke(app, ["docs", "how do I lock out a machine", "--k", "2"])
    assert found.exit_code == 0, found.output
    assert "1. SOP Lockout/tagout of machines, § Steps to lock out, rev. E" in found.output

    as_json = runner.invoke(app, ["docs", "flash point", "--doc-type", "safety", "--json"])
    payload = json.loads(as_json.output)
    assert payload["passages"][0]["citation"]["doc_id"] == "SDS-4490"
    assert payload["evidence"]["params"]["doc_type"] == "safety"


def test_docs_reports_an_unreachable_chroma_server(monkeypatch):
    monkeypatch.setenv("STOCKWISE_CHROMA_URL", "http://127.0.0.1:9")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["docs", "seal"])
    assert result.exit_code == 1
    assert "not reachable" in result.output
