"""`stockwise eval qa --model M` against an endpoint that does not answer: every answer comes
from the offline planner, so none is scored correct and the eval fails (it reported 100 %
with 0 model calls before issue 19)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from stockwise.assistant.cli.main import app
from stockwise.tools.core.settings import get_settings


@pytest.mark.slow  # loads the demo plant and the agent
@pytest.mark.parametrize("question_set", ["tuned", "blind"])
def test_an_endpoint_that_does_not_answer_scores_nothing(demo_dir, monkeypatch, question_set):
    monkeypatch.setenv("STOCKWISE_DATASET", str(demo_dir))
    monkeypatch.setenv("STOCKWISE_LLM_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens
    monkeypatch.setenv("STOCKWISE_LLM_TIMEOUT_S", "1")
    monkeypatch.setenv("STOCKWISE_LLM_MAX_RETRIES", "0")
    get_settings.cache_clear()
    run = CliRunner().invoke(
        app,
        ["eval", "qa", "--set", question_set, "--model", "m", "--limit", "3", "--json"],
    )
    report = json.loads(run.stdout)
    assert run.exit_code == 1
    assert [r["bucket"] for r in report["rows"]] == ["fallback"] * 3
    assert report["summary"]["buckets"]["correct"] == 0
    assert report["summary"]["correct"] == 0
