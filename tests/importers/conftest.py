"""Running the real `stockwise` command in-process, on the dataset an import wrote.

An ERP test module names its export with SYSTEM (the `--from` value) and FIXTURE (the
folder); `imported` is then that export imported once per test."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from stockwise.assistant.cli.main import app
from stockwise.tools.core.settings import get_settings


@pytest.fixture
def stockwise(monkeypatch):  # type: ignore[no-untyped-def]
    """`stockwise(*args)` -> the result; `stockwise.json(*args)` -> its parsed --json."""
    runner = CliRunner()

    class Cli:
        def __call__(self, *args, dataset=None):  # type: ignore[no-untyped-def]
            if dataset is not None:
                monkeypatch.setenv("STOCKWISE_DATASET", str(dataset))
                get_settings.cache_clear()
            return runner.invoke(app, [str(a) for a in args])

        def json(self, *args, dataset=None):  # type: ignore[no-untyped-def]
            result = self(*args, "--json", dataset=dataset)
            assert result.exit_code == 0, result.output
            return json.loads(result.stdout)

    return Cli()


@pytest.fixture
def imported(stockwise, tmp_path, request):  # type: ignore[no-untyped-def]
    """(dataset folder, the import's --json report) of the test module's FIXTURE."""
    module = request.module
    out = tmp_path / "plant"
    return out, stockwise.json("import", "--from", module.SYSTEM, module.FIXTURE, "--out", out)
