"""`ensure_demo` generates once, atomically, and `stockwise demo` writes where it is told."""

from __future__ import annotations

import threading

from typer.testing import CliRunner

from stockwise.assistant.cli.main import app
from stockwise.demo.ensure import build_atomically, ensure_demo, is_complete
from stockwise.tools.core.settings import get_settings


def test_ensure_demo_generates_once_into_the_settings_folder(monkeypatch):
    monkeypatch.setenv("STOCKWISE_DEMO_SCALE", "0.05")
    get_settings.cache_clear()
    settings = get_settings()
    folder = ensure_demo(settings)
    assert folder == settings.demo_dir and is_complete(folder)
    stamp = (folder / "transactions.csv").stat().st_mtime_ns
    assert ensure_demo(settings) == folder
    assert (folder / "transactions.csv").stat().st_mtime_ns == stamp  # not generated again
    leftovers = [p.name for p in folder.parent.iterdir() if ".tmp-" in p.name]
    assert leftovers == []


def test_half_made_folder_is_replaced_and_concurrent_callers_agree(tmp_path):
    target = tmp_path / "demo"
    target.mkdir()
    (target / "transactions.csv").write_text("txn_id\n")  # an interrupted run, no meta.json
    results, errors = [], []

    def build():
        try:
            results.append(build_atomically(target, scale=0.05, seed=5, progress=None))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=build) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and results == [target, target]
    assert is_complete(target) and (target / "items.csv").is_file()
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


def test_cli_writes_the_demo_and_refuses_a_full_folder(tmp_path):
    runner = CliRunner()
    out = tmp_path / "plant"
    result = runner.invoke(app, ["demo", "--scale", "0.05", "--seed", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert is_complete(out) and (out / "planted_anomalies.csv").is_file()
    again = runner.invoke(app, ["demo", "--scale", "0.05", "--out", str(out)])
    assert again.exit_code == 1 and "not empty" in again.output
    bad = runner.invoke(app, ["demo", "--format", "xlsx", "--out", str(tmp_path / "x")])
    assert bad.exit_code != 0 and "csv" in bad.output


def test_a_demo_made_by_an_older_generator_is_rebuilt(monkeypatch):
    import json

    from stockwise.demo import GENERATOR_VERSION
    from stockwise.demo.ensure import is_current

    monkeypatch.setenv("STOCKWISE_DEMO_SCALE", "0.05")
    get_settings.cache_clear()
    settings = get_settings()
    folder = settings.demo_dir
    folder.mkdir(parents=True)
    (folder / "items.csv").write_text("item_id\nZZ-STALE\n")
    (folder / "meta.json").write_text(json.dumps({"generator_version": GENERATOR_VERSION - 1}))
    assert not is_current(folder)
    assert ensure_demo(settings) == folder
    assert is_current(folder) and "ZZ-STALE" not in (folder / "items.csv").read_text()
    assert [p.name for p in folder.parent.iterdir() if ".tmp-" in p.name] == []
    # The CLI on the data directory's demo reports it current instead of refusing.
    result = CliRunner().invoke(app, ["demo"])
    assert result.exit_code == 0 and "already at" in result.output
