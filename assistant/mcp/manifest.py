"""The tools/list answer, written down. `tools.json` beside this module is exactly the listing
the catalog builds from the tools' own functions and models (names, descriptions, input and
output schemas), so a start answers tools/list without importing the tool modules and
building their JSON schemas: that took 0.30-0.34 s of CPU of a start of about 1.6 s on a
loaded 2-CPU machine; reading the file takes 0.003 s.

It is generated, never edited: `python -m stockwise.assistant.mcp.manifest` rewrites it, and
`tests/mcp_server/test_manifest.py` fails whenever it differs from what the catalog builds
now (a renamed argument, a new tool, a changed docstring), naming the tools that differ.
Calls still go through the catalog, so what runs is always the tool's current code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import mcp_types as types

MANIFEST = Path(__file__).with_name("tools.json")


def built_listing() -> list[dict[str, Any]]:
    """The listing as the catalog builds it now (imports every tool module)."""
    from stockwise.assistant.mcp.offered import catalog

    return [
        tool.listing().model_dump(mode="json", by_alias=True, exclude_none=True)
        for tool in catalog().values()
    ]


def written_listing() -> list[dict[str, Any]]:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def listing() -> list[types.Tool]:
    """The tools/list answer, from the written listing."""
    return [types.Tool.model_validate(entry) for entry in written_listing()]


def write() -> Path:
    text = json.dumps(built_listing(), indent=1, sort_keys=True, ensure_ascii=False)
    MANIFEST.write_text(text + "\n", encoding="utf-8")
    return MANIFEST


if __name__ == "__main__":
    print(f"wrote {write()}")
