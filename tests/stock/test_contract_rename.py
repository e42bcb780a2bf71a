"""Rename a field of a tool's model and every surface follows it or fails loudly: the CLI
offers the new option, the planner fills the new argument (or refuses to be bound to a
tool it cannot fill), and the docs/json.md check flags what the doc no longer matches."""

from __future__ import annotations

import json
from collections.abc import Callable
from copy import copy
from pathlib import Path
from typing import Any, get_type_hints

import pytest
import typer
from pydantic import BaseModel, create_model
from typer.testing import CliRunner

import stockwise.tools.stock as stock_tools
from stockwise.assistant.agent.planner.arguments import fill_args
from stockwise.assistant.agent.planner.brain import Brain
from stockwise.assistant.agent.planner.model import OfflinePlanner
from stockwise.assistant.agent.registry import bind_tool
from stockwise.assistant.cli import stock as stock_cli
from stockwise.assistant.cli.from_model import tool_command
from stockwise.tools.core.contract import ContractError, input_model
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.replenish import recommend_reorder
from stockwise.tools.stock import levels, value

from .json_doc import doc_problems


def renamed(model: type[BaseModel], renames: dict[str, str], forget: set[str] = set()):  # noqa: B006
    """A copy of `model` with fields renamed (declarations travel with them); a field in
    `forget` also loses its declarations, the way a hand-kept table loses track."""
    fields: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        field = copy(field)
        new = renames.get(name, name)
        if new in forget:
            field.json_schema_extra = None
        fields[new] = (field.annotation, field)
    return create_model(model.__name__, __base__=None, **fields)


def tool_taking(tool: Callable, renames: dict[str, str], forget: set[str] = set()):  # noqa: B006
    """`tool` behind an input model with renamed fields, under the same name."""
    model = input_model(tool)
    new_model = renamed(model, renames, forget)
    back = {new: old for old, new in renames.items()}

    def renamed_tool(ctx: ToolContext, args: BaseModel) -> Any:
        return tool(ctx, model(**{back.get(k, k): v for k, v in args.model_dump().items()}))

    renamed_tool.__name__ = tool.__name__
    renamed_tool.__doc__ = tool.__doc__
    renamed_tool.__annotations__ = {
        "ctx": ToolContext,
        "args": new_model,
        "return": get_type_hints(tool)["return"],
    }
    return renamed_tool


def cli_of(tools: dict[str, Callable], ctx: ToolContext) -> typer.Typer:
    """A command group (give two or more: typer makes one command a bare command)."""
    app = typer.Typer()
    for name, tool in tools.items():
        app.command(name)(tool_command(tool, lambda: ctx))
    return app


def options(app: typer.Typer, command: str) -> set[str]:
    click_command = typer.main.get_command(app).commands[command]  # type: ignore[attr-defined]
    return {o for p in click_command.params for o in p.opts}


def test_the_cli_offers_the_renamed_field(ctx):
    tool = tool_taking(levels.below_reorder_point, {"limit": "max_rows"})
    app = cli_of({"below-rop": tool, "other": levels.find_items}, ctx)
    assert "--max-rows" in options(app, "below-rop") and "--limit" not in options(app, "below-rop")
    run = CliRunner().invoke(app, ["below-rop", "--max-rows", "1", "--json"])
    assert run.exit_code == 0, run.output
    payload = json.loads(run.output)
    assert (payload["count"], len(payload["rows"])) == (3, 1)
    assert CliRunner().invoke(app, ["below-rop", "--limit", "1"]).exit_code == 2  # gone
    # A derived option name follows the field; a declared one travels with it.
    by_plant = tool_taking(value.inventory_value, {"site": "plant"})
    app = cli_of(
        {"value": by_plant, "reorder": tool_taking(recommend_reorder, {"site_id": "plant_id"})}, ctx
    )
    assert "--plant" in options(app, "value") and "--site" not in options(app, "value")
    assert "--site" in options(app, "reorder") and "--plant-id" not in options(app, "reorder")


def test_the_planner_fills_the_renamed_argument(ctx):
    tool = bind_tool(tool_taking(levels.below_reorder_point, {"limit": "max_rows"}), ctx)
    assert fill_args(tool, {"site": "S1", "top": 2}) == ({"site": "S1", "max_rows": 2}, [])
    plan = Brain(ctx).plan(
        "top 2 items below reorder point at S1", None, {"below_reorder_point": tool}
    )
    [call] = plan.calls
    assert call["args"] == {"site": "S1", "max_rows": 2}


def test_a_renamed_field_that_lost_its_declaration_fails_loudly(ctx):
    tool = bind_tool(tool_taking(levels.on_hand, {"item": "part"}, forget={"part"}), ctx)
    with pytest.raises(ContractError, match="tool 'on_hand': required field 'part'"):
        OfflinePlanner(ctx=ctx).bind_tools([tool])
    # An optional field that lost its declaration is simply not filled, as it says.
    tool = bind_tool(tool_taking(levels.on_hand, {"site": "plant"}, forget={"plant"}), ctx)
    assert fill_args(tool, {"item": "I1", "site": "S1"}) == ({"item": "I1"}, [])


def returning(tool: Callable, renames: dict[str, str]) -> Callable:
    """`tool` as if its result model had fields renamed (for the doc check: never run)."""
    result = get_type_hints(tool)["return"]
    fake = tool_taking(tool, {})
    fake.__annotations__["return"] = renamed(result, renames)
    return fake


def test_the_json_doc_check_flags_a_renamed_field(ctx):
    doc = (Path(stock_tools.__file__).parents[2] / "docs" / "json.md").read_text()
    tools = {
        **stock_cli.TOOLS,
        "below-rop": returning(levels.below_reorder_point, {"count": "row_count"}),
        "slow": tool_taking(value.slow_moving_and_excess, {"cover_threshold": "excess_days"}),
    }
    problems = doc_problems(doc, tools, typer.main.get_command(cli_of(tools, ctx)))
    assert problems == [
        "below-rop: doc names `count`, which its JSON does not have",
        "below-rop: JSON field `row_count` is missing from docs/json.md",
        "docs/json.md names option --cover-threshold, which no command has",
    ]
