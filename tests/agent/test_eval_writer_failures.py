"""The Q&A eval counts answer-writer failures: a writer that raises still leaves the user
the generic digest, so only this count (and the log) shows the bug, and the eval fails."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from stockwise.assistant.agent.planner.answers.registry import WRITERS
from stockwise.tools.core.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def qa(monkeypatch):
    """evals/qa/run.py, imported from the checkout (evals/ is not installed), in-process so
    a writer can be broken for the run."""
    monkeypatch.syspath_prepend(str(ROOT))
    return importlib.import_module("evals.qa.run")


@pytest.mark.slow  # loads the demo plant from CSV and imports every tool package
def test_the_eval_counts_writer_failures_per_question(qa, demo_dir, monkeypatch, capsys):
    monkeypatch.setenv("STOCKWISE_DATASET", str(demo_dir))
    get_settings.cache_clear()

    def broken(data: dict, scope: object) -> list[str]:
        return [data["no such field"]]

    working = WRITERS["on_hand"]
    monkeypatch.setitem(WRITERS, "on_hand", broken)  # the eval's first question asks on_hand
    assert qa.main(limit=2, as_json=True) == 1
    report = json.loads(capsys.readouterr().out)
    rows = report["rows"]
    assert [r["called"] for r in rows] == [["on_hand"], ["on_hand"]]
    assert [r["writer_failures"] for r in rows] == [1, 1]
    assert report["summary"]["writer_failures"] == 2

    WRITERS["on_hand"] = working  # the eval starts its count afresh
    qa.main(limit=2, as_json=True)
    assert json.loads(capsys.readouterr().out)["summary"]["writer_failures"] == 0


def test_a_writer_failure_fails_the_eval_whatever_the_scores(qa):
    summary = {"correct": 1.0, "grounded": 1.0, "declined": 1.0, "writer_failures": 0}
    assert qa.passed(summary)
    assert not qa.passed({**summary, "writer_failures": 1})
    assert not qa.passed({**summary, "correct": 0.5})
