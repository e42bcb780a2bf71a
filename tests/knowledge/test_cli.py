"""`stockwise index` then `stockwise docs` through the real CLI, offline, on the demo dataset
(its equipment list resolves --equipment) with a small documents folder indexed."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from stockwise.assistant.cli.main import app
from stockwise.tools.core.settings import get_settings


@pytest.fixture
def demo_settings(demo_dir, monkeypatch):
    monkeypatch.setenv("STOCKWISE_DATASET", str(demo_dir))
    get_settings.cache_clear()


def test_index_then_docs_prints_cited_passages(demo_settings, small_corpus):
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

    # CNC-2 is known from the dataset's equipment table, not from any document.
    by_machine = runner.invoke(app, ["docs", "coolant", "--equipment", "CNC-2", "--json"])
    docs = {p["citation"]["doc_id"] for p in json.loads(by_machine.output)["passages"]}
    assert "MAN-CNC" in docs and docs <= {"MAN-CNC", "SOP-LOTO-01", "SDS-4490"}

    unknown = runner.invoke(app, ["docs", "coolant", "--equipment", "CNC-22"])
    assert unknown.exit_code == 1 and "no equipment 'CNC-22'" in unknown.output


def test_docs_reports_an_unreachable_chroma_server(demo_settings, monkeypatch):
    monkeypatch.setenv("STOCKWISE_CHROMA_URL", "http://127.0.0.1:9")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["docs", "seal"])
    assert result.exit_code == 1
    assert "not reachable" in result.output


def test_a_dataset_without_documents_never_gets_another_datasets(
    demo_settings, small_corpus, tmp_path, monkeypatch
):
    """Documents belong to a dataset: after the demo's are indexed, switching to a dataset
    with no documents/ folder finds nothing and says why, from the CLI and in chat."""
    from dataset.conftest import write_dataset_folder  # tests/dataset, a sibling test package

    from stockwise.assistant.agent.session import open_session
    from stockwise.assistant.startup import open_context

    runner = CliRunner()
    assert runner.invoke(app, ["index", str(small_corpus)]).exit_code == 0
    assert "SOP Lockout/tagout" in runner.invoke(app, ["docs", "lock out a machine"]).output

    own = write_dataset_folder(tmp_path / "own")
    monkeypatch.setenv("STOCKWISE_DATASET", str(own))
    get_settings.cache_clear()
    indexed = runner.invoke(app, ["index"])
    assert indexed.exit_code == 0 and "has no documents/ folder" in indexed.output
    found = runner.invoke(app, ["docs", "lock out a machine", "--json"])
    payload = json.loads(found.output)
    assert payload["passages"] == [] and "has no documents" in payload["evidence"]["notes"][0]

    with open_session(open_context()) as session:
        question = "how do I replace the seal on press P-3?"  # the issue's own question
        answer = session.ask(question, session.new_thread())["answer"]
    assert "has no documents" in answer and "MAN-HP" not in answer and "Lockout" not in answer
