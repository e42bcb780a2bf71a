"""The README's MCP section works as written: its client configurations are valid JSON, and a
client that follows them (the stdio command and environment; the HTTP URL and key header)
lists the tools and gets an answer."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import anyio
from mcp import Client, StdioServerParameters

from .processes import STOCKWISE, free_port, http_client, http_server, new_key

README = Path(__file__).resolve().parents[2] / "README.md"


def configurations() -> list[dict]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## In a desktop assistant or another agent: MCP", 1)[1]
    section = section.split("\n## ", 1)[0]
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", section, re.S)]


def test_the_readme_has_a_stdio_and_an_http_configuration():
    stdio, http = configurations()
    assert stdio["mcpServers"]["stockwise"]["args"] == ["mcp"]
    assert stdio["mcpServers"]["stockwise"]["command"].endswith("/bin/stockwise")
    assert http["servers"]["stockwise"]["url"] == "http://127.0.0.1:8765/mcp"


def _env(demo_dir, tmp_path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("STOCKWISE_")}
    return {**keep, "STOCKWISE_DATASET": str(demo_dir), "STOCKWISE_DATA_DIR": str(tmp_path)}


def test_the_stdio_configuration_starts_a_server_that_answers(demo_dir, tmp_path):
    server = configurations()[0]["mcpServers"]["stockwise"]
    # The README's command is an example path: this installation's own stands in for it.
    params = StdioServerParameters(
        command=str(STOCKWISE),
        args=server["args"],
        env={**_env(demo_dir, tmp_path), **server["env"]},
    )

    async def main():
        async with Client(params, mode="legacy") as client:
            tools = [t.name for t in (await client.list_tools()).tools]
            return tools, await client.call_tool("on_hand", {"item": "4410"})

    tools, answer = anyio.run(main)
    assert "on_hand" in tools and "search_documents" in tools
    assert not answer.is_error and answer.structured_content["items"][0]["item_id"] == "4410"


def test_the_http_configuration_reaches_the_server_with_a_key(demo_dir, tmp_path):
    server = configurations()[1]["servers"]["stockwise"]
    env = {**_env(demo_dir, tmp_path), "STOCKWISE_API_KEYS_FILE": str(tmp_path / "keys.json")}
    key = new_key(env, "ana:manager")
    header = server["headers"]["Authorization"].replace("sw-YOUR-KEY", key)
    assert header == f"Bearer {key}"
    with http_server(env, port=free_port()) as url:
        assert url.endswith(server["url"].split(":8765", 1)[1])  # same path, a free port

        async def main():
            async with http_client(url, key) as client:
                return [t.name for t in (await client.list_tools()).tools]

        assert "on_hand" in anyio.run(main)
