"""The planner fills tools' arguments from what their input models declare (`fills`), and a
tool it cannot fill fails loudly when the planner is bound to it, never question by question."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field

from stockwise.assistant.agent.models import ModelChoice
from stockwise.assistant.agent.planner.arguments import CONVERSIONS, check_contracts, fill_args
from stockwise.assistant.agent.planner.entities import EntityExtractor
from stockwise.assistant.agent.planner.intents import INTENTS
from stockwise.assistant.agent.planner.model import PLANNED_TOOLS, OfflinePlanner
from stockwise.assistant.agent.registry import bind_tool, domain_tools, tool_fields
from stockwise.assistant.reports import report_tools
from stockwise.tools.core.contract import (
    CONVERSION_NAMES,
    ENTITIES_KEY,
    ENTITY_NAMES,
    ContractError,
    fills,
)
from stockwise.tools.core.results import ToolResult
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.stock.cover import RunOutWithinInput


@pytest.fixture
def real_tools(ctx):
    """The domain tools and the report tool the surfaces add, as a session has them."""
    added = report_tools(ModelChoice(model=None, fallback=None, endpoint=None))  # type: ignore[arg-type]
    return {fn.__name__: bind_tool(fn, ctx) for fn in [*domain_tools(), *added]}


def test_every_planned_tool_declares_what_the_planner_needs(real_tools):
    planned = [tool for name, tool in real_tools.items() if name in PLANNED_TOOLS]
    assert len(planned) > 20
    check_contracts(planned)  # raises, listing every problem
    for intent in INTENTS:
        for name in intent.tools:
            fields, _ = tool_fields(real_tools[name])
            takes = {e for f in fields.values() for e in f.get(ENTITIES_KEY) or {}}
            assert set(intent.needs) <= takes, f"{intent.name}: {name} takes no {intent.needs}"


def test_the_vocabularies_agree():
    assert set(CONVERSIONS) == CONVERSION_NAMES
    with pytest.raises(ContractError, match="itme"):
        fills("itme")  # type: ignore[arg-type]
    with pytest.raises(ContractError, match="as_set"):
        fills(item="as_set")  # type: ignore[arg-type]


def test_what_the_extractor_finds_is_an_entity_fields_can_declare(plant):
    extractor = EntityExtractor(plant, set())
    found: set[str] = set()
    for question in (
        "top 5 critical spare parts at the second site within their lead time",
        "demand for 4410 at S1 in the last 3 months by site",
        "what runs out in the next 2 weeks at P-3",
        "raw materials since 2025-01-01",
    ):
        found |= set(extractor.extract(question).values)
    assert found - ENTITY_NAMES == {"site_ordinal"}  # kept for follow-ups, fills no argument
    assert {"item", "site", "equipment", "days", "lead_time", "top", "criticality"} <= found


def test_entities_fill_the_fields_that_declare_them_reshaped_as_declared(real_tools):
    args, missing = fill_args(
        real_tools["draft_purchase_requisitions"],
        {"item": "4410", "site": "S1", "category": "raw_material", "criticality": "A"},
    )
    assert missing == []
    assert args == {"item_ids": ["4410"], "site_id": "S1", "group": "raw", "critical_only": True}
    args, _ = fill_args(real_tools["run_out_within"], {"lead_time": True, "top": 3})
    assert args == {"within": "lead_time", "limit": 3}
    # A value the tool refuses is left out, so it answers for everything.
    args, _ = fill_args(real_tools["recommend_reorder"], {"category": "finished_good"})
    assert args == {}
    # A required field the question does not fill is asked for by its entity.
    assert fill_args(real_tools["find_items"], {"site": "S1"}) == ({}, ["item"])


def test_the_chat_model_is_shown_the_schema_without_the_declarations(real_tools):
    tool = real_tools["run_out_within"]
    assert "x-" not in str(tool.args_schema)
    fields, _ = tool_fields(tool)
    assert fields["within"][ENTITIES_KEY] == {"days": None, "lead_time": "lead_time_keyword"}
    assert tool.args_schema == {
        **RunOutWithinInput.model_json_schema(),
        "properties": {
            name: {k: v for k, v in prop.items() if not k.startswith("x-")}
            for name, prop in RunOutWithinInput.model_json_schema()["properties"].items()
        },
    }


class UndeclaredInput(BaseModel):
    item: str = Field(description="Item id or description.")  # no fills("item")


class CountResult(ToolResult):
    count: int


def on_hand(ctx: ToolContext, args: UndeclaredInput) -> CountResult:
    """A stand-in with the planned tool's name and a required field nobody declared."""
    raise AssertionError("never run")


def test_a_required_field_nobody_declared_fails_when_the_planner_is_bound(ctx):
    tool = bind_tool(on_hand, ctx)
    with pytest.raises(ContractError, match="tool 'on_hand': required field 'item'"):
        OfflinePlanner(ctx=ctx).bind_tools([tool])
    with pytest.raises(ContractError, match="tool 'on_hand': required field 'item'"):
        fill_args(tool, {"item": "4410"})
