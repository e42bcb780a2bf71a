"""The compiled graph's shape, as a Mermaid snapshot (a change of shape shows in review),
and the tool registry's rules."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from stockwise.assistant.agent.graph import build_graph
from stockwise.assistant.agent.registry import (
    ToolRegistry,
    bind_spec,
    discover_tool_functions,
    load_specs,
)

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


def test_missing_tool_package_is_skipped_but_a_broken_one_fails_loudly(tmp_path, monkeypatch):
    pkg = tmp_path / "broken_tools_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("import no_such_module_anywhere\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert discover_tool_functions(["no_such_tools_package"]) == []
    with pytest.raises(ModuleNotFoundError, match="no_such_module_anywhere"):
        discover_tool_functions(["broken_tools_pkg"])
    sys.modules.pop("broken_tools_pkg", None)


def test_the_same_tool_name_twice_is_refused(tmp_path, monkeypatch):
    for name in ("dup_a", "dup_b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(
            "from tests_agent_dup import tool\nAGENT_TOOLS = [tool]\n"
        )
    (tmp_path / "tests_agent_dup.py").write_text(
        "from pydantic import BaseModel\nclass A(BaseModel):\n    x: int\n"
        "def tool(ctx, args: A):\n    'doc'\n    return {}\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ValueError, match="registered by two packages"):
        discover_tool_functions(["dup_a", "dup_b"])


def test_tool_specs_are_cached_and_tools_import_lazily(ctx, tmp_path, monkeypatch):
    pkg = tmp_path / "lazy_tools_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(
        "from pydantic import BaseModel\n"
        "class A(BaseModel):\n    x: int\n"
        "def double(ctx, args: A):\n    'Twice x.'\n    return {'twice': 2 * args.x}\n"
        "AGENT_TOOLS = [double]\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    (spec,) = load_specs(ctx.settings, ["lazy_tools_pkg"])
    assert (spec.name, spec.description, spec.schema["required"]) == ("double", "Twice x.", ["x"])
    sys.modules.pop("lazy_tools_pkg")
    # The second time the manifest answers: the package is not imported to list its tools...
    monkeypatch.setattr(
        "stockwise.assistant.agent.registry.discover_tool_functions",
        lambda packages: pytest.fail("manifest not used"),
    )
    (cached,) = load_specs(ctx.settings, ["lazy_tools_pkg"])
    tool = bind_spec(cached, ctx)
    assert "lazy_tools_pkg" not in sys.modules
    # ...only when the tool runs.
    assert tool.invoke({"x": 21}) == '{"twice": 42}'
    assert "lazy_tools_pkg" in sys.modules
    sys.modules.pop("lazy_tools_pkg")
