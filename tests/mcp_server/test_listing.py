"""Listing the tools loads their models, not the libraries their work needs: a desktop
client lists them right after starting the server, on every start."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "numpy", "scipy", "statsforecast", "chromadb", "langchain_core", "langgraph")


def test_the_listing_loads_no_heavy_library():
    code = (
        "import sys\n"
        "from stockwise.assistant.mcp.server import tool_listing\n"
        "names = [t.name for t in tool_listing()]\n"
        f"print(len(names), sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    count, loaded = out.stdout.split(" ", 1)
    assert int(count) > 20  # the whole catalog was built, not an empty list
    assert loaded.strip() == "[]"
