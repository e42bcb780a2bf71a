"""`stockwise reorder` and `stockwise simulate` on the hand-made plant, from CSV files."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from stockwise.assistant.cli.main import app
from stockwise.tools.core.settings import get_settings

from .conftest import plant_frames


@pytest.fixture
def plant_dir(tmp_path, monkeypatch):
    folder = tmp_path / "plant"
    folder.mkdir()
    for name, frame in plant_frames().items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    monkeypatch.setenv("STOCKWISE_DATASET", str(folder))
    get_settings.cache_clear()
    return folder


def test_reorder_critical_lists_only_a_items(plant_dir):
    out = CliRunner().invoke(app, ["reorder", "--critical", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert {r["item_id"] for r in data["rows"]} == {"C1", "M1", "P1"}
    table = CliRunner().invoke(app, ["reorder", "--group", "mro"])
    assert table.exit_code == 0 and "M1" in table.output and "C1" not in table.output


def test_simulate_with_chart(plant_dir, tmp_path):
    chart = tmp_path / "curve.png"
    out = CliRunner().invoke(app, ["simulate", "--group", "mro", "--chart", str(chart), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert chart.read_bytes()[:4] == b"\x89PNG"
    policies = {row["policy"] for row in data["tradeoff"]}
    assert policies == {"current", "recommended", "recommended by class"}
    assert {f["policy"] for f in data["figures"]} == {"recommended", "current"}


def test_bad_group_is_one_clear_line(plant_dir):
    out = CliRunner().invoke(app, ["reorder", "--group", "spares"])
    assert out.exit_code == 1
    assert "group" in out.output and "Traceback" not in out.output
