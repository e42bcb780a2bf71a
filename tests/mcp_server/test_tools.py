"""The tools over MCP (the SDK's client, in process): the listing is the agent's tool list with
the tools' own schemas and descriptions, a call returns the tool's own result as structured
content with its evidence in the text, and bad input is a one-line error that leaves the
server serving."""

from __future__ import annotations

import inspect

import anyio
import pytest
from mcp.shared.exceptions import MCPError

from stockwise.assistant.agent.registry import domain_tools
from stockwise.assistant.mcp.calls import MAX_ARGUMENT_CHARS
from stockwise.tools.core.contract import input_model, without_contract
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.stock import demand, on_hand


def test_listing_is_every_agent_tool_with_its_own_schema_and_description(client_as):
    async def main():
        async with client_as() as client:
            return (await client.list_tools()).tools

    tools = {tool.name: tool for tool in anyio.run(main)}
    agent = {fn.__name__: fn for fn in domain_tools()}
    assert set(agent) <= set(tools)
    assert set(tools) - set(agent) == {"write_audit_report", "decide_action"}
    for name, fn in agent.items():
        assert tools[name].input_schema == without_contract(input_model(fn).model_json_schema())
        assert tools[name].description.startswith(inspect.cleandoc(fn.__doc__))
    assert "x-entities" not in str(tools["on_hand"].input_schema)  # our wiring stays home
    assert tools["on_hand"].annotations.read_only_hint is True
    assert tools["on_hand"].output_schema["properties"]["items"]["type"] == "array"
    assert "only drafts" in tools["draft_purchase_requisitions"].description
    assert tools["decide_action"].annotations.read_only_hint is False


def _ctx(space) -> ToolContext:
    return space.ctx


def test_a_call_returns_the_tools_own_result_and_its_evidence(client_as, space):
    async def main():
        async with client_as() as client:
            return await client.call_tool("on_hand", {"item": "hydraulic seal"})

    result = anyio.run(main)
    direct = on_hand(_ctx(space), input_model(on_hand)(item="hydraulic seal"))
    assert not result.is_error
    assert result.structured_content == direct.model_dump(mode="json")
    text = result.content[0].text
    item = direct.items[0]
    assert f"item_id={item.item_id}" in text and f"on_hand={item.on_hand:g}" in text
    assert "as of: 2025-09-30" in text and "rows read: stock_levels" in text


def test_demand_figures_match_the_tool(client_as, space):
    async def main():
        async with client_as() as client:
            return await client.call_tool("demand", {"item": "4420"})

    result = anyio.run(main)
    direct = demand(_ctx(space), input_model(demand)(item="4420"))
    assert result.structured_content == direct.model_dump(mode="json")
    assert result.structured_content["demand"] == direct.demand > 0


@pytest.mark.parametrize(
    ("name", "arguments", "expected"),
    [
        ("on_hand", {}, "invalid argument: item: Field required"),
        ("on_hand", {"item": 42}, "invalid argument: item: Input should be a valid string"),
        ("demand", {"item": "4420", "top": "many"}, "invalid argument: top:"),
        ("on_hand", {"item": "zzqx nothing like it"}, "no item 'zzqx nothing like it'"),
        ("on_hand", {"item": "seal", "colour": "red"}, "on_hand has no argument 'colour'"),
        ("on_hand", {"item": "x" * (MAX_ARGUMENT_CHARS + 1)}, "the limit is 16,384"),
        ("forecast_demand", {"item": "4410", "horizon": "forever"}, "horizon 'forever'"),
        ("forecast_demand", {"item": "4410", "horizon": "5y"}, "between 1 day and 730 days"),
        ("forecast_demand", {"item": "4410", "grain": "day"}, "invalid argument: grain:"),
    ],
)
def test_bad_input_is_a_one_line_tool_error_and_the_server_goes_on(
    client_as, name, arguments, expected
):
    async def main():
        async with client_as() as client:
            bad = await client.call_tool(name, arguments)
            good = await client.call_tool("on_hand", {"item": "4410"})
            return bad, good

    bad, good = anyio.run(main)
    assert bad.is_error
    message = bad.content[0].text
    assert expected in message
    assert "\n" not in message and "Traceback" not in message
    assert not good.is_error and good.structured_content["items"][0]["item_id"] == "4410"


def test_an_unknown_tool_is_a_protocol_error_naming_the_closest(client_as):
    async def main():
        async with client_as() as client:
            with pytest.raises(MCPError) as refused:
                await client.call_tool("on_hands", {"item": "4410"})
            good = await client.call_tool("on_hand", {"item": "4410"})
            return refused.value, good

    refused, good = anyio.run(main)
    assert "unknown tool 'on_hands'; closest matches: on_hand" in str(refused)
    assert not good.is_error


def test_every_call_is_in_the_audit_log(client_as, space):
    from stockwise.assistant.service.audit import open_audit_log

    async def main():
        async with client_as("ana", "viewer") as client:
            await client.call_tool("on_hand", {"item": "4410"})
            await client.call_tool("on_hand", {"item": "zzqx nothing"})

    anyio.run(main)
    log = open_audit_log(space.settings)
    try:
        entries = [e for e in log.entries() if e["kind"] == "tool_call"]
    finally:
        log.close()
    assert [(e["user"], e["channel"], e["data"]["status"]) for e in entries] == [
        ("ana", "mcp", "success"),
        ("ana", "mcp", "error"),
    ]
    assert entries[0]["data"]["args"] == {"item": "4410"}


def test_a_dataset_that_cannot_open_is_each_calls_one_line_error(tmp_path):
    from mcp import Client

    from stockwise.assistant.mcp.server import build_server
    from stockwise.assistant.mcp.workspace import Workspace
    from stockwise.assistant.service.auth import Principal
    from stockwise.tools.core.settings import Settings

    settings = Settings(data_dir=tmp_path / "data", dataset=str(tmp_path / "no-such-plant"))
    server = build_server(Workspace(settings), Principal("ana", "manager", "local"))

    async def main():
        async with Client(server) as client:
            tools = (await client.list_tools()).tools  # listing needs no dataset
            first = await client.call_tool("on_hand", {"item": "4410"})
            second = await client.call_tool("inventory_value", {})
            return tools, first, second

    tools, first, second = anyio.run(main)
    assert len(tools) > 20
    assert first.is_error and second.is_error
    assert "no-such-plant" in first.content[0].text
    assert first.content[0].text == second.content[0].text
    assert "\n" not in first.content[0].text


def test_rows_a_lenient_load_left_out_are_noted_with_every_result(demo_dataset, tmp_path):
    import dataclasses

    from mcp import Client

    from stockwise.assistant.mcp.server import build_server
    from stockwise.assistant.mcp.workspace import Workspace
    from stockwise.assistant.service.auth import Principal
    from stockwise.tools.core.settings import Settings

    meta = {**demo_dataset.meta, "rows_rejected": 3, "rejects_path": "/data/rejects/x"}
    lenient = dataclasses.replace(demo_dataset, meta=meta)
    settings = Settings(data_dir=tmp_path / "data")
    space = Workspace(settings, ToolContext(dataset=lenient, settings=settings))
    server = build_server(space, Principal("ana", "manager", "local"))

    async def main():
        async with Client(server) as client:
            return await client.call_tool("on_hand", {"item": "4410"})

    text = anyio.run(main).content[0].text
    assert text.splitlines()[-1].startswith("note: 3 rows of ")
    assert "are left out (STOCKWISE_LENIENT); with reasons in /data/rejects/x" in text
