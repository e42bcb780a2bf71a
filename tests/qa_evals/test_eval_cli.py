"""`stockwise eval qa --model M` against an endpoint that does not answer: every answer comes
from the offline planner, so none is scored correct and the eval fails (it reported 100 %
with 0 model calls before issue 19). Run as a user runs it: the installed command, which
starts the eval from the checkout in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

STOCKWISE = str(Path(sys.executable).with_name("stockwise"))


@pytest.mark.slow  # loads the demo plant and the agent
@pytest.mark.parametrize("question_set", ["tuned", "blind"])
def test_an_endpoint_that_does_not_answer_scores_nothing(demo_dir, tmp_path, question_set):
    env = {
        **os.environ,
        "STOCKWISE_DATASET": str(demo_dir),
        "STOCKWISE_DATA_DIR": str(tmp_path / "data"),
        "STOCKWISE_LLM_BASE_URL": "http://127.0.0.1:9/v1",  # nothing listens
        "STOCKWISE_LLM_TIMEOUT_S": "1",
        "STOCKWISE_LLM_MAX_RETRIES": "0",
    }
    run = subprocess.run(
        [STOCKWISE, "eval", "qa", "--set", question_set, "--model", "m", "--limit", "3", "--json"],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    report = json.loads(run.stdout)
    assert run.returncode == 1
    assert [r["bucket"] for r in report["rows"]] == ["fallback"] * 3
    assert report["summary"]["buckets"]["correct"] == 0
    assert report["summary"]["correct"] == 0
