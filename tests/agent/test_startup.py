"""What a cold `stockwise ask` imports: only the command it runs and the tool packages' light
modules, not the libraries that only running a tool needs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import typer
from typer.testing import CliRunner

from stockwise.assistant.cli.main import COMMANDS, app


def test_every_listed_command_loads_under_its_name_with_help():
    group = typer.main.get_command(app)
    for name in COMMANDS:
        command = group.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None and command.name == name, name
        assert (command.help or "").strip(), f"{name} has no help text"


def test_help_lists_every_command_and_a_typo_gets_a_suggestion():
    runner = CliRunner()
    listed = runner.invoke(app, ["--help"], terminal_width=200)
    assert listed.exit_code == 0
    for name in COMMANDS:
        assert f" {name} " in listed.output, name
    typo = runner.invoke(app, ["askk"])
    assert typo.exit_code != 0 and "Did you mean 'ask'" in typo.output


def _modules_after(code: str, **env: str) -> dict:
    probe = textwrap.dedent(code) + textwrap.dedent(
        """
        import json, sys
        print(json.dumps({"modules": sorted(sys.modules)}))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={**os.environ, **env},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_ask_path_imports_neither_other_commands_nor_unused_libraries(tmp_path):
    loaded = _modules_after(
        """
        import typer
        from stockwise.assistant.cli.main import app
        from stockwise.tools.core.settings import get_settings
        typer.main.get_command(app).get_command(None, "ask")
        import json
        import stockwise.assistant.agent.session, stockwise.assistant.agent.planner.model
        import stockwise.assistant.agent.models, stockwise.assistant.reports
        import stockwise.assistant.startup
        from stockwise.demo import GENERATOR_VERSION
        demo = get_settings().demo_dir  # an existing, current demo: found, not generated
        demo.mkdir(parents=True)
        (demo / "meta.json").write_text(json.dumps({"generator_version": GENERATOR_VERSION}))
        assert stockwise.assistant.startup.dataset_source(get_settings()) == demo
        """,
        STOCKWISE_DATA_DIR=str(tmp_path / "data"),
    )
    modules = set(loaded["modules"])
    assert "stockwise.assistant.cli.ask" in modules and "stockwise.assistant.agent.graph" in modules
    # Every tool package is listed at start; what only running a tool needs is not loaded.
    assert "stockwise.tools.replenish" in modules and "stockwise.tools.forecast" in modules
    for unused in (
        "stockwise.assistant.cli.stock",
        "stockwise.assistant.cli.reorder",
        "stockwise.assistant.cli.demo",
        "stockwise.demo.generator",
        "stockwise.assistant.reports.build",
        "stockwise.tools.forecast.item",
        "stockwise.tools.classify.service",
        "stockwise.tools.documents.store",
        "openai",
        "langchain_openai",
        "chromadb",
        "onnxruntime",
        "sklearn",
        "statsforecast",
        "matplotlib",
        "scipy",
        "fastapi",
    ):
        assert unused not in modules, f"{unused} is imported on the ask path"


def test_the_planner_serialises_without_printing_the_dataset(ctx):
    # LangChain serialises a chat model (via its repr) for callbacks on its first call.
    from langchain_core.load import dumpd

    from stockwise.assistant.agent.planner.model import OfflinePlanner

    planner = OfflinePlanner(ctx=ctx).bind_tools([])
    assert "ctx" not in repr(planner) and "DataFrame" not in repr(planner)
    assert len(str(dumpd(planner))) < 1000
