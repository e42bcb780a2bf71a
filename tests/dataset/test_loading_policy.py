"""One loading policy for every command: a refused dataset is one line on stderr and exit
1 (never a traceback), and STOCKWISE_LENIENT=1 loads the valid rows and says what it left
out. Run as a user would: the installed `stockwise` command in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import write_dataset_folder

STOCKWISE = str(Path(sys.executable).with_name("stockwise"))
NEGATIVE_ON_HAND = (
    "item_id,site_id,on_hand_qty,as_of,reorder_point,reorder_qty,safety_stock\n"
    "I1,S1,500,2025-03-01T06:00:00,100,400,50\n"
    "I2,S1,4,2025-03-01T06:00:00,5,10,2\n"
    "I2,S2,-9,2025-03-01T06:00:00,,,\n"
    "4471,S1,20,2025-03-01T06:00:00,10,30,\n"
)


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    folder = write_dataset_folder(tmp_path / "plant", {"stock_levels": NEGATIVE_ON_HAND})
    environ = {
        **os.environ,
        "STOCKWISE_DATASET": str(folder),
        "STOCKWISE_DATA_DIR": str(tmp_path / "data"),
        "COLUMNS": "80",
        **env,
    }
    environ.pop("STOCKWISE_LLM_BASE_URL", None)
    return subprocess.run(
        [STOCKWISE, *args], capture_output=True, text=True, env=environ, timeout=120, stdin=None
    )


@pytest.mark.parametrize(
    "command",
    [
        ["ask", "how much I1 do we have"],
        ["chat"],
        ["stock", "on-hand", "I1"],
        ["report", "audit", "--period", "2025-Q1"],
        ["docs", "seal"],
        ["serve", "--port", "0"],
    ],
    ids=lambda c: c[0],
)
def test_a_refused_dataset_is_one_line_and_exit_1(tmp_path, command):
    done = run(tmp_path, *command)

    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("error:")]
    # serve first says who may call it; then, as everywhere, one error line and no more.
    assert errors == lines[-1:] and "Traceback" not in done.stderr, done.stderr
    assert "stock_levels.csv row 4: on_hand_qty is -9" in errors[0]
    assert "STOCKWISE_LENIENT=1" in errors[0] and "docs/data-contract.md" in errors[0]


def test_lenient_loads_the_valid_rows_and_says_what_it_left_out(tmp_path):
    done = run(tmp_path, "ask", "how much I1 do we have", STOCKWISE_LENIENT="1")

    assert done.returncode == 0, done.stderr
    assert "500" in done.stdout  # I1's on hand, from the rows that loaded
    note = done.stderr.strip()
    assert note.startswith("note: 1 row of") and "is left out" in note
    rejects = Path(note.rsplit(" ", 1)[-1])
    assert rejects.is_relative_to(tmp_path / "data") and "-9" in rejects.read_text()
