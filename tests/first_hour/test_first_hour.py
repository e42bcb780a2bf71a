"""A new user's first hour, scripted (issue 17): the README's own commands on the demo plant,
then the user's own small dataset without documents, each run as the installed `stockwise`
command in a fresh data directory. Slow: it starts many processes."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from dataset.conftest import write_dataset_folder  # tests/dataset, a sibling test package

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
STOCKWISE = str(Path(sys.executable).with_name("stockwise"))
# README lines that are not a one-shot command on the demo: run elsewhere in this module
# (serve, chat, the lenient and own-data lines) or developer tooling.
# `stockwise import` reads an export the demo does not have (tests/importers runs it).
NOT_ONE_SHOT = (
    "stockwise serve", "stockwise chat", "stockwise eval", "./my-plant", '"..."',
    "stockwise import",
)  # fmt: skip


def readme_commands() -> list[str]:
    """Every `stockwise ...` line of the README's bash blocks, comments cut off."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            command = line.split("  #", 1)[0].strip()
            if command.startswith("stockwise ") and not any(s in command for s in NOT_ONE_SHOT):
                lines.append(command)
    return lines


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("first-hour") / "data"


def run(data_dir: Path, args: list[str], **env: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "STOCKWISE_DATA_DIR": str(data_dir), "COLUMNS": "120", **env}
    for key in ("STOCKWISE_DATASET", "STOCKWISE_LLM_BASE_URL", "STOCKWISE_LENIENT"):
        if key not in env:
            environ.pop(key, None)
    return subprocess.run(
        [STOCKWISE, *args], capture_output=True, text=True, env=environ, timeout=300
    )


def test_the_readme_lists_its_commands():
    commands = readme_commands()
    assert len(commands) >= 6 and commands[0].startswith("stockwise ask")


@pytest.mark.parametrize("command", readme_commands())
def test_every_readme_command_runs_on_the_demo(data_dir, command):
    args = shlex.split(command)[1:]
    thread = None
    if "--thread" in args:  # "and at the second site?" follows the question before it
        first = run(data_dir, ["ask", "how much rye flour did we use last month", "--json"])
        thread = json.loads(first.stdout)["thread_id"]
        args[args.index("--thread") + 1] = thread
    done = run(data_dir, args)
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr and done.stdout.strip()


def test_chat_quits_on_slash_quit(data_dir):
    environ = {**os.environ, "STOCKWISE_DATA_DIR": str(data_dir), "COLUMNS": "120"}
    done = subprocess.run(
        [STOCKWISE, "chat"], input="how many hydraulic seal kits do we have\n/quit\n",
        capture_output=True, text=True, env=environ, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "hydraulic" in done.stdout.lower()


def test_own_data_without_documents_never_gets_the_demos_manuals(data_dir, tmp_path):
    own = write_dataset_folder(tmp_path / "own-plant")
    assert run(data_dir, ["check", str(own)]).returncode == 0

    env = {"STOCKWISE_DATASET": str(own)}
    indexed = run(data_dir, ["index"], **env)
    assert indexed.returncode == 0 and "has no documents/ folder" in indexed.stdout
    docs = run(data_dir, ["docs", "replace the seal on press P-3"], **env)
    assert "has no documents" in docs.stdout and "MAN-HP" not in docs.stdout
    asked = run(data_dir, ["ask", "how do I replace the seal on press P-3?"], **env)
    assert asked.returncode == 0 and "MAN-HP" not in asked.stdout


def test_own_data_with_a_bad_row_is_one_line_or_loads_leniently(data_dir, tmp_path):
    bad = write_dataset_folder(tmp_path / "bad-plant")
    levels = bad / "stock_levels.csv"
    levels.write_text(levels.read_text().replace("I2,S2,9,", "I2,S2,-9,"))
    env = {"STOCKWISE_DATASET": str(bad)}
    for args in (["ask", "how much I1 do we have"], ["stock", "on-hand", "I1"]):
        refused = run(data_dir, args, **env)
        assert refused.returncode == 1 and len(refused.stderr.strip().splitlines()) == 1
        assert "docs/data-contract.md" in refused.stderr
    lenient = run(data_dir, ["ask", "how much I1 do we have"], STOCKWISE_LENIENT="1", **env)
    assert lenient.returncode == 0 and "is left out" in lenient.stderr


def test_the_audit_report_is_written_from_chat(data_dir):
    done = run(data_dir, ["ask", "write the Q3 inventory audit for site S2", "--json"])
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["sources"][0]["tool"] == "write_audit_report"
    assert result["sources"][0]["args"] == {"period": "2025-Q3", "site": "S2"}
    report = data_dir / "reports" / "audit-2025-Q3-S2.pdf"
    assert f"`{report}`" in result["answer"] and report.read_bytes().startswith(b"%PDF")


def test_an_approved_requisition_is_written_and_a_second_approval_says_nothing_waits(data_dir):
    paused = json.loads(
        run(
            data_dir, ["ask", "draft purchase requisitions for critical spare parts", "--json"]
        ).stdout
    )
    thread = paused["thread_id"]
    assert paused["pending_actions"]
    approved = run(data_dir, ["ask", "--thread", thread, "--approve"])
    csv_path = data_dir / "requisitions" / "requisitions.csv"
    assert approved.returncode == 0 and csv_path.exists()
    assert "written to" in approved.stdout and csv_path.with_suffix(".jsonl").exists()
    again = run(data_dir, ["ask", "--thread", thread, "--approve"])
    assert again.returncode == 1 and "nothing is waiting for approval" in again.stderr
