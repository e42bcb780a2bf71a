"""`stockwise check`: the report on screen or as JSON, and the exit code scripts rely on."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from stockwise.assistant.cli.main import app

from .conftest import with_line, write_dataset_folder

runner = CliRunner()


def test_check_accepts_a_valid_dataset(small_folder):
    result = runner.invoke(app, ["check", str(small_folder)])

    assert result.exit_code == 0, result.output
    assert "no problems found" in result.output


def test_check_refuses_a_bad_dataset(tmp_path):
    bad = with_line("transactions", "T11,2025-01-03,I1,S1,0,adjustment,,")
    folder = write_dataset_folder(tmp_path / "bad", {"transactions": bad})

    result = runner.invoke(app, ["check", str(folder)])

    assert result.exit_code == 1
    assert "transactions.csv row 12: qty is 0 (a movement is never 0)" in result.output
    assert "refused" in result.output


def test_check_lenient_writes_rejects_and_succeeds(tmp_path):
    bad = with_line("transactions", "T11,2025-01-03,I1,S1,0,adjustment,,")
    folder = write_dataset_folder(tmp_path / "bad", {"transactions": bad})
    rejects = tmp_path / "rejects.csv"

    result = runner.invoke(app, ["check", str(folder), "--lenient", "--rejects", str(rejects)])

    assert result.exit_code == 0, result.output
    assert rejects.read_text().count("\n") == 2  # header + the one rejected row


def test_check_json(tmp_path):
    folder = write_dataset_folder(tmp_path / "bad", {"items": None})

    result = runner.invoke(app, ["check", str(folder), "--json"])

    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False
    assert report["problems"][0]["code"] == "missing_table"
    assert report["problems"][0]["reason"] == "the required table items is missing"


def test_check_unreachable_database():
    result = runner.invoke(app, ["check", "postgresql://postgres@127.0.0.1:9/test", "--json"])

    assert result.exit_code == 1
    assert "127.0.0.1:9" in json.loads(result.output)["error"]
