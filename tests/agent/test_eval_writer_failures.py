"""`stockwise eval qa` counts answer-writer failures: a writer that raises still leaves the
user the generic digest, so only this count (and the log) shows the bug, and the eval fails."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from stockwise.assistant.agent.planner.answers.registry import WRITERS
from stockwise.assistant.cli.evals import load_eval
from stockwise.assistant.cli.main import app
from stockwise.tools.core.settings import get_settings


@pytest.mark.slow  # loads the demo plant from CSV and imports every tool package
def test_the_eval_counts_writer_failures_per_question(demo_dir, monkeypatch):
    monkeypatch.setenv("STOCKWISE_DATASET", str(demo_dir))
    get_settings.cache_clear()

    def broken(data: dict, scope: object) -> list[str]:
        return [data["no such field"]]

    working = WRITERS["on_hand"]
    monkeypatch.setitem(WRITERS, "on_hand", broken)  # the eval's first question asks on_hand
    run = CliRunner().invoke(app, ["eval", "qa", "--limit", "2", "--json"])
    report = json.loads(run.stdout)
    rows = report["rows"]
    assert [r["called"] for r in rows] == [["on_hand"], ["on_hand"]]
    assert [r["writer_failures"] for r in rows] == [1, 1]
    assert report["summary"]["writer_failures"] == 2
    assert all(r["correct"] for r in rows)  # the digest still carried every figure

    WRITERS["on_hand"] = working  # the eval starts its count afresh
    run = CliRunner().invoke(app, ["eval", "qa", "--limit", "2", "--json"])
    assert json.loads(run.stdout)["summary"]["writer_failures"] == 0


def test_a_writer_failure_fails_the_eval_whatever_the_scores():
    qa = load_eval("qa.run")
    summary = {"correct": 1.0, "grounded": 1.0, "declined": 1.0, "writer_failures": 0}
    assert qa.passed(summary)
    assert not qa.passed({**summary, "writer_failures": 1})
    assert not qa.passed({**summary, "correct": 0.5})
