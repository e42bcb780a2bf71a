"""`stockwise classify` and `stockwise anomalies` on the small plant written as CSV files."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from stockwise.assistant.cli.main import app
from stockwise.tools.classify.corrections import corrections_path
from stockwise.tools.core.settings import get_settings

from .plant import build_plant, to_dataset


@pytest.fixture
def plant_folder(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    b = build_plant(n_per_class=8)
    next(i for i in b.items if i["item_id"] == "M001")["recorded_category"] = "raw_material"
    folder = tmp_path / "plant"
    folder.mkdir()
    for name, frame in to_dataset(b).tables.items():
        if len(frame):
            frame.to_csv(folder / f"{name}.csv", index=False)
    monkeypatch.setenv("STOCKWISE_DATASET", str(folder))
    get_settings.cache_clear()
    return folder


def test_classify_set_stores_and_refuses(plant_folder):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    ok = runner.invoke(app, ["classify", "set", "M001", "mro", "--by", "Ana", "--why", "a seal"])
    assert ok.exit_code == 0, ok.output
    assert "M001 is mro" in ok.output
    path = corrections_path(get_settings().data_dir)
    assert len(path.read_text().splitlines()) == 1
    bad = runner.invoke(app, ["classify", "set", "NOPE", "mro", "--by", "Ana", "--why", "x"])
    assert bad.exit_code == 1 and "no item 'NOPE'" in bad.output
    bad = runner.invoke(app, ["classify", "set", "M001", "gizmo", "--by", "Ana", "--why", "x"])
    assert bad.exit_code == 1 and "unknown category 'gizmo'" in bad.output
    assert len(path.read_text().splitlines()) == 1


def test_classify_item_json_and_suspects(plant_folder):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    one = runner.invoke(app, ["classify", "M001", "--json"])
    assert one.exit_code == 0, one.output
    row = json.loads(one.output)
    assert row["predicted_category"] == "mro" and row["recorded_category"] == "raw_material"
    listing = runner.invoke(app, ["classify", "--json"])
    data = json.loads(listing.output)
    assert "M001" in [r["item_id"] for r in data["suspected_misclassifications"]]
    anomalies = runner.invoke(app, ["anomalies", "--json"])
    assert anomalies.exit_code == 0, anomalies.output
    assert json.loads(anomalies.output)["evidence"]["tool"] == "find_anomalies"


def test_anomalies_prints_readable_tables_not_a_python_dict(plant_folder):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    data = json.loads(runner.invoke(app, ["anomalies", "--json"]).output)
    shown = runner.invoke(app, ["anomalies"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "{'" not in shown.output and "':" not in shown.output  # no raw dict
    n = data["n_findings"]
    assert f"{n} {'finding' if n == 1 else 'findings'}" in shown.output.splitlines()[0]
    for kind, count in data["by_kind"].items():
        assert any(
            line.split("│")[0].strip() == kind.replace("_", " ")
            and line.rstrip().endswith(str(count))
            for line in shown.output.splitlines()
        ), kind
    first = data["findings"][0]
    assert f"{first['value_at_stake']:,.0f}" in shown.output
    one = runner.invoke(app, ["anomalies", "--limit", "1", "--kind", first["kind"]])
    assert "1 finding" in one.output or "findings, the first 1 listed" in one.output


def _write_plant(b, folder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    folder.mkdir()
    for name, frame in to_dataset(b).tables.items():
        if len(frame):
            frame.to_csv(folder / f"{name}.csv", index=False)
    monkeypatch.setenv("STOCKWISE_DATASET", str(folder))
    get_settings.cache_clear()


def test_classify_item_shows_evidence_and_use_shares(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    from .test_evidence import DUAL, dual_use_plant

    _write_plant(dual_use_plant(), tmp_path / "plant", monkeypatch)
    shown = CliRunner().invoke(app, ["classify", DUAL], env={"COLUMNS": "400"})
    assert shown.exit_code == 0, shown.output
    assert "Raw material (" in shown.output and "issued to 144 production orders" in shown.output
    assert "uses by issued quantity (dual use): production 75%, maintenance 25%" in shown.output
    assert "note: no routings, no maintenance work orders in this plant" in shown.output
    data = json.loads(CliRunner().invoke(app, ["classify", DUAL, "--json"]).output)
    assert data["dual_use"] is True and data["verdict"] == "confident"
    assert data["use_production"] == pytest.approx(0.75, abs=0.02)


def test_classify_item_says_unsure_when_the_uses_are_split_evenly(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    from .test_evidence import DUAL, dual_use_plant

    _write_plant(dual_use_plant(maintenance_share=0.49), tmp_path / "plant", monkeypatch)
    shown = CliRunner().invoke(app, ["classify", DUAL], env={"COLUMNS": "400"})
    assert shown.exit_code == 0, shown.output
    assert "Unsure: raw material (0.5" in shown.output and " or mro (0.4" in shown.output
    assert "uses by issued quantity (dual use): production 51%, maintenance 49%" in shown.output
    data = json.loads(CliRunner().invoke(app, ["classify", DUAL, "--json"]).output)
    assert data["verdict"] == "unsure"
