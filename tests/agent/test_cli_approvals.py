"""Deciding a paused action from the command line: the same authority as the service (the
settings' local user and role), an approved requisition written where the answer says,
truthful statuses, and every decision in the audit log."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from stockwise.assistant.cli.main import app
from stockwise.assistant.service.audit import open_audit_log
from stockwise.tools.core.settings import get_settings

DRAFT = "draft purchase requisitions for critical spare parts"
runner = CliRunner()


@pytest.fixture
def demo(demo_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("STOCKWISE_DATASET", str(demo_dir))
    monkeypatch.setenv("STOCKWISE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STOCKWISE_LOCAL_USER", "dana")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def ask(*args: str) -> dict:
    done = runner.invoke(app, ["ask", *args, "--json"])
    assert done.exit_code == 0, done.output
    # The JSON is stdout; `output` also holds stderr, where a warning or note may land.
    return json.loads(done.stdout)


def audit_kinds() -> list[str]:
    log = open_audit_log(get_settings())
    try:
        return [entry["kind"] for entry in log.entries()]
    finally:
        log.close()


def test_an_approved_requisition_is_written_where_the_answer_says(demo):
    paused = ask(DRAFT)
    thread = paused["thread_id"]
    assert paused["pending_actions"][0]["action"] == "draft_purchase_requisitions"

    # A question in the paused thread keeps the action waiting and says so.
    waiting = ask("how many hydraulic seal kits do we have", "--thread", thread)
    assert "waiting for your decision" in waiting["answer"] and waiting["pending_actions"]

    done = ask("--thread", thread, "--approve")
    answer = done["answer"]
    assert "approved by dana and written to" in answer
    csv_path = get_settings().data_dir / "requisitions" / "requisitions.csv"
    assert str(csv_path) in answer and csv_path.with_suffix(".jsonl").exists()
    written = pd.read_csv(csv_path)
    assert len(written) > 0 and set(written["approved_by"]) == {"dana"}
    assert done["sources"][0]["status"] == "success"

    # Nothing waits any more: a second --approve says so and changes nothing.
    again = runner.invoke(app, ["ask", "--thread", thread, "--approve"])
    assert again.exit_code == 1 and "nothing is waiting for approval" in again.output
    assert len(pd.read_csv(csv_path)) == len(written)
    assert audit_kinds() == ["approval", "decision_refused"]


def test_a_rejected_action_is_shown_as_rejected_and_writes_nothing(demo):
    thread = ask(DRAFT)["thread_id"]
    done = ask("--thread", thread, "--reject")
    assert done["sources"][0]["status"] == "rejected" and "Rejected by dana" in done["answer"]
    assert not (get_settings().data_dir / "requisitions").exists()
    assert audit_kinds() == ["rejection"]


def test_a_viewer_may_not_approve_from_the_command_line(demo, monkeypatch):
    thread = ask(DRAFT)["thread_id"]
    monkeypatch.setenv("STOCKWISE_LOCAL_ROLE", "viewer")
    get_settings.cache_clear()
    refused = runner.invoke(app, ["ask", "--thread", thread, "--approve"])
    assert refused.exit_code == 1 and "dana (viewer) may not approve" in refused.output
    assert not (get_settings().data_dir / "requisitions").exists()
    assert audit_kinds() == ["decision_refused"]
