"""`stockwise ask` end to end on the demo plant: the answer, its source and its timings."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from stockwise.assistant.cli.main import app
from stockwise.tools.core.settings import get_settings


def test_ask_answers_with_its_sources_and_timings(demo_dir, monkeypatch):
    monkeypatch.setenv("STOCKWISE_DATASET", str(demo_dir))
    get_settings.cache_clear()
    run = CliRunner().invoke(
        app, ["ask", "--json", "how many nitrile gloves do we have at Riverside?"]
    )
    assert run.exit_code == 0, run.output
    result = json.loads(run.stdout)
    assert [s["tool"] for s in result["sources"]] == ["on_hand"]
    assert "4471" in result["answer"] or "nitrile" in result["answer"].lower()
    # What the dataset took to open is reported as a timing (it was once taken for the model).
    assert set(result["timings_ms"]) >= {"load_dataset", "build_graph", "answer"}
    assert result["timings_ms"]["load_dataset"] > 0
