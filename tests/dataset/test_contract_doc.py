"""The data contract users read (docs/data-contract.md, a copy of the project's
shared/DATA_CONTRACT.md) and the one the code enforces (tools/dataset/schema.py) name the
same tables and columns, and agree on which columns are required."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stockwise.tools.dataset.schema import TABLES

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-contract.md"
EXTRA_COLUMNS = "any further numeric column"  # equipment_usage keeps extra sensor columns


def documented_tables(text: str) -> dict[str, dict[str, bool | None]]:
    """table -> column -> required (None where the doc does not say), read from the
    `### \\`table\\`` sections' column tables and from lines "`table(.csv)`: `a`, `b`"."""
    tables: dict[str, dict[str, bool | None]] = {}
    current: dict[str, bool | None] | None = None
    for line in text.splitlines():
        heading = re.match(r"^###\s+`(\w+)`", line)
        if heading:
            current = tables.setdefault(heading.group(1), {})
            continue
        if line.startswith("#"):
            current = None
        row = re.match(r"^\|\s*([\w, ]+?)\s*\|\s*([RO])\s*\|", line)
        if current is not None and row:
            for name in row.group(1).split(","):
                if name.strip() != EXTRA_COLUMNS:
                    current[name.strip()] = row.group(2) == "R"
    # Inline lists may wrap over lines: read them from the text with lines joined.
    inline = r"`(\w+)(?:\.csv)?`: ((?:`\w+`(?:, )?)+)( \(all R\))?"
    for table, columns, all_required in re.findall(inline, " ".join(text.splitlines())):
        required = True if all_required else None
        # A later list adds columns to the table (a newer version's optional columns).
        tables.setdefault(table, {}).update({c: required for c in re.findall(r"`(\w+)`", columns)})
    return tables


def test_the_shipped_contract_matches_the_schema():
    documented = documented_tables(DOC.read_text(encoding="utf-8"))
    assert set(documented) == set(TABLES)
    for name, table in TABLES.items():
        expected = {c.name: c.required for c in table.columns}
        said = documented[name]
        assert set(said) == set(expected), name
        assert all(said[c] in (None, expected[c]) for c in said), name


def test_the_parser_reads_sections_and_inline_tables():
    text = (
        "### `sites`\n| column | | meaning |\n|---|---|---|\n| site_id | R | key |\n"
        "| a, b | O | |\n\n`kits`: `plan_id`, `qty` (all R).\n## Other\n`x.csv`: `y` and prose"
    )
    assert documented_tables(text) == {
        "sites": {"site_id": True, "a": False, "b": False},
        "kits": {"plan_id": True, "qty": True},
        "x": {"y": None},
    }


SHARED = Path(__file__).resolve().parents[3] / "shared" / "DATA_CONTRACT.md"


@pytest.mark.skipif(not SHARED.is_file(), reason="no project workspace beside this checkout")
def test_the_shipped_copy_is_in_step_with_the_project_contract():
    # The copy may add to the project contract (the shared file is read-only to sessions),
    # never drop or reword it: every line of the contract is in the copy, in order.
    copy = iter(DOC.read_text(encoding="utf-8").splitlines())
    missing = [line for line in SHARED.read_text(encoding="utf-8").splitlines()
               if not any(line == mine for mine in copy)]  # fmt: skip
    assert missing == []
