"""`stockwise eval qa --model M` against an OpenAI-protocol endpoint (the scripted server on
127.0.0.1): the eval reports model calls per question and prompt size per call, and the
prompt size counts what the endpoint was really sent, tool definitions included."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from stockwise.tools.core.settings import get_settings

from .openai_server import OpenAIServer, completion

# The eval's first two questions, answered the way a good model would: one tool call, then
# an answer in words (no figure of its own, so the grounding check passes first time).
SCRIPT = [
    ("json", completion(None, [{"id": "c1", "name": "on_hand", "args": {"item": "4430"}}])),
    ("json", completion("Here is the stock of the spindle bearing, from the on_hand tool.")),
    ("json", completion(None, [{"id": "c2", "name": "on_hand", "args": {"item": "4412"}}])),
    ("json", completion("Here is the stock of the pressure relief valve.")),
]


@pytest.fixture
def endpoint(demo_dir, monkeypatch):
    with OpenAIServer() as server:
        server.script = list(SCRIPT)
        monkeypatch.setenv("STOCKWISE_DATASET", str(demo_dir))
        monkeypatch.setenv("STOCKWISE_LLM_BASE_URL", server.url)
        monkeypatch.setenv("STOCKWISE_LLM_API_KEY", "sk-test")
        get_settings.cache_clear()
        yield server


def wire_chars(request: dict) -> int:
    """Characters of the messages' text and the tool definitions in one request body."""
    text = sum(len(m.get("content") or "") for m in request["messages"])
    calls = sum(len(json.dumps(m.get("tool_calls", []))) for m in request["messages"])
    return text + calls + len(json.dumps(request["tools"]))


@pytest.mark.slow  # loads the demo plant from CSV and imports every tool package
def test_eval_reports_model_calls_and_prompt_size_per_call(endpoint):
    # The eval runs as `python -m evals.qa` in a child process: run the console command
    # itself so that its output is captured, and the child reaches this server on 127.0.0.1.
    stockwise = Path(sys.executable).with_name("stockwise")
    run = subprocess.run(
        [stockwise, "eval", "qa", "--model", "scripted-model", "--limit", "2", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.stdout.strip(), run.stderr
    report = json.loads(run.stdout)
    summary, rows = report["summary"], report["rows"]

    # Two calls per one-tool question: one to choose the tool, one to answer.
    assert len(endpoint.requests) == 4
    assert {r["model"] for r in endpoint.requests} == {"scripted-model"}
    assert [r["model_calls"] for r in rows] == [2, 2]
    assert summary["model_calls_per_question"] == 2
    assert summary["model_calls_per_one_tool_question"] == 2
    assert [r["called"] for r in rows] == [["on_hand"], ["on_hand"]]

    # Prompt size per call: what the endpoint received, tool definitions included.
    sent = [wire_chars(r) for r in endpoint.requests]
    reported = [c for r in rows for c in r["prompt_chars"]]
    assert len(reported) == 4
    for got, wire in zip(reported, sent, strict=True):
        assert abs(got - wire) <= 0.05 * wire, (got, wire)
    assert reported[1] > reported[0]  # the second call also carries the tool's result
    tools = endpoint.requests[0]["tools"]
    assert summary["tool_definitions_chars"] == len(json.dumps(tools))
    system = endpoint.requests[0]["messages"][0]
    assert system["role"] == "system"
    assert summary["system_prompt_chars"] == len(system["content"])
    fixed = summary["tool_definitions_chars"] + summary["system_prompt_chars"]
    assert fixed < summary["prompt_chars_per_call_p50"] <= summary["prompt_chars_per_call_max"]
    assert summary["prompt_chars_per_call_max"] == max(reported)
