"""`stockwise stock ...`: tables for people, stable JSON for scripts, clean refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import stockwise.tools.stock as stock_tools
from stockwise.assistant.cli import stock as stock_cli
from stockwise.tools.core.settings import get_settings

from .json_doc import doc_problems

runner = CliRunner()


@pytest.fixture
def cli(ctx, monkeypatch):  # type: ignore[no-untyped-def]
    """The stock commands over the hand-made plant."""
    monkeypatch.setattr(stock_cli, "open_context", lambda *args, **kwargs: ctx)

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(stock_cli.app, list(args))

    return invoke


def test_on_hand_json_is_the_result_model(cli):
    result = cli("on-hand", "hydraulic seal 50mm", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    [item] = payload["items"]
    assert (item["item_id"], item["on_hand"], item["value"], item["uom"]) == ("I1", 20, 200, "EA")
    assert [s["on_hand"] for s in item["sites"]] == [12, 8]
    assert payload["evidence"]["tool"] == "on_hand"
    assert payload["evidence"]["as_of"] == "2025-06-30T12:00:00"


def test_on_hand_table_is_readable(cli):
    result = cli("on-hand", "hydraulic seal")
    assert result.exit_code == 0, result.output
    assert "Hydraulic seal 50mm" in result.output and "Hyd. seal kit 80mm" in result.output
    assert "total" in result.output and "as of 2025-06-30 12:00" in result.output


@pytest.mark.parametrize(
    ("args", "key", "expected"),
    [
        (["demand", "I1", "--start", "2025-04-15", "--end", "2025-06-01"], "demand", 8),
        (["demand", "--category", "mro"], "demand", 15),
        (["value", "--by", "site"], "total_value", 5470),
        (["below-rop"], "count", 3),
        (["run-out", "--within", "200"], "count", 3),
        (["run-out", "--criticality", "A", "--mro-subtype", "spare_part"], "count", 1),
        (["cover", "I4"], "cover", None),
        (["slow", "--days", "180", "--cover-threshold", "100"], "slow_value", 2820),
        (["variance", "--min-value", "30"], "count", 1),
        (["wip"], "count", 3),
        (["wip-value"], "total_value", 3340),
        (["stalled"], "count", 1),
        (["movements", "I1", "--start", "2025-01-01", "--type", "scrap"], "net_qty", -1),
        (["find", "hyd seal", "--limit", "2"], "query", "hyd seal"),
    ],
)
def test_every_command_prints_json_with_the_tools_numbers(cli, args, key, expected):
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    if key == "cover":
        assert payload["cover"]["days_of_cover"] is None  # no demand: null, not Infinity
    else:
        assert payload[key] == expected
    table = cli(*args)
    assert table.exit_code == 0, table.output
    assert "rows read" in table.output


def test_refusals_print_one_line_and_exit_1(cli):
    unknown = cli("on-hand", "pump casing")
    assert unknown.exit_code == 1
    assert "no item 'pump casing'; closest matches: P1 Hydraulic pump assembly" in unknown.output
    assert "Traceback" not in unknown.output
    dates = cli("demand", "I1", "--start", "2025-06-10", "--end", "2025-06-01")
    assert dates.exit_code == 1 and "before it starts" in dates.output
    bad = cli("run-out", "--within", "soon")
    assert bad.exit_code == 1 and "invalid argument: within" in bad.output


def test_commands_read_the_configured_dataset(plant, tmp_path, monkeypatch):
    """End to end: STOCKWISE_DATASET -> the real loader -> the tool -> JSON."""
    folder = tmp_path / "plant"
    folder.mkdir()
    for name, frame in plant.tables.items():
        if len(frame):
            frame.to_csv(folder / f"{name}.csv", index=False)
    monkeypatch.setenv("STOCKWISE_DATASET", str(folder))
    get_settings.cache_clear()
    result = runner.invoke(stock_cli.app, ["value", "--by", "category", "--json"])
    assert result.exit_code == 0, result.output
    groups = {g["key"]: g["value"] for g in json.loads(result.output)["groups"]}
    assert groups == {
        "finished_good": 2500,
        "raw_material": 2400,
        "unclassified": 320,
        "mro": 250,
        "wip": 0,
    }


def test_docs_json_matches_the_commands_and_their_result_models():
    """docs/json.md is the contract for scripts: each command's row names every field of its
    JSON, nested ones too, and nothing else; usage and options are the CLI's own."""
    doc = (Path(stock_tools.__file__).parents[2] / "docs" / "json.md").read_text()
    group = typer.main.get_command(stock_cli.app)
    assert doc_problems(doc, stock_cli.TOOLS, group) == []
    assert set(stock_cli.TOOLS.values()) == set(stock_tools.AGENT_TOOLS)  # every tool has one


def test_brackets_in_user_text_are_printed_not_parsed_as_markup(cli):
    result = cli("on-hand", "zzz [/red] [bold]")
    assert result.exit_code == 1
    assert "zzz [/red] [bold]" in result.output and "MarkupError" not in result.output
