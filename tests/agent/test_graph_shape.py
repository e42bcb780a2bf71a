"""The compiled graph's shape, as a Mermaid snapshot (a change of shape shows in review),
and the tool registry's rules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from stockwise.assistant.agent.graph import build_graph
from stockwise.assistant.agent.registry import ToolRegistry
from stockwise.assistant.agent.tool_list import TOOL_PACKAGES, domain_tools, package_tools

from . import fakes
from .fakes import ScriptedChatModel

SNAPSHOT = Path(__file__).parent / "snapshots" / "graph.mmd"


def test_graph_mermaid_matches_snapshot(ctx):
    graph = build_graph(
        ctx, ScriptedChatModel(script=[]), registry=ToolRegistry(ctx, fakes.TEST_TOOLS)
    )
    drawing = graph.get_graph().draw_mermaid()
    assert drawing == SNAPSHOT.read_text(), (
        "graph shape changed: review, then update tests/agent/snapshots/graph.mmd"
    )


def test_registry_binds_schema_docstring_and_action_flag(ctx):
    registry = ToolRegistry(ctx, fakes.TEST_TOOLS)
    tool = registry.by_name["stock_of"]
    assert tool.description == "On hand of one item across all sites."
    assert tool.args_schema == fakes.StockInput.model_json_schema()
    assert registry.action_names == {"draft_requisition"}
    assert '"on_hand":9.0' in tool.invoke({"item_id": "4410"})


def test_a_missing_tool_package_stops_the_start_and_is_named():
    # None in sys.modules is how Python spells "this module is not there".
    probe = (
        "import sys\n"
        "sys.modules['stockwise.tools.forecast'] = None\n"
        "import stockwise.assistant.agent.registry\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    assert "ModuleNotFoundError" in run.stderr and "stockwise.tools.forecast" in run.stderr


def test_the_same_tool_name_twice_is_refused(ctx):
    def stock_of(ctx, args: fakes.StockInput):  # type: ignore[no-untyped-def]
        """Another tool of the same name."""

    first, second = SimpleNamespace(AGENT_TOOLS=fakes.TEST_TOOLS), SimpleNamespace(AGENT_TOOLS=[])
    assert package_tools([first, second]) == fakes.TEST_TOOLS
    with pytest.raises(ValueError, match="'stock_of' is registered twice"):
        package_tools([first, SimpleNamespace(AGENT_TOOLS=[stock_of])])
    with pytest.raises(ValueError, match="'stock_of' is registered twice"):
        ToolRegistry(ctx, fakes.TEST_TOOLS, extra_tools=[stock_of])


def test_the_registry_lists_every_package_tool_and_the_callers_extra_ones(ctx):
    def count_sites(ctx, args: fakes.StockInput) -> dict:  # type: ignore[no-untyped-def]
        """How many sites the plant has."""
        return {"sites": len(ctx.dataset.sites)}

    registry = ToolRegistry(ctx, extra_tools=[count_sites])
    listed = [fn.__name__ for package in TOOL_PACKAGES for fn in package.AGENT_TOOLS]
    assert registry.names == [*listed, "count_sites"]
    assert "write_audit_report" not in registry.names  # a surface adds it, the agent does not
    assert registry.by_name["count_sites"].invoke({"item_id": "4410"}) == '{"sites": 2}'
    assert domain_tools() is domain_tools()  # listed once per process
