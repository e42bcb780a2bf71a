"""The written tools/list answer (assistant/mcp/tools.json) is the catalog's own: any change
to a tool's name, docstring or models shows here until the file is written again."""

from __future__ import annotations

from stockwise.assistant.mcp import manifest
from stockwise.assistant.mcp.server import tool_listing


def test_the_written_listing_is_what_the_catalog_builds_now():
    built = {entry["name"]: entry for entry in manifest.built_listing()}
    written = {entry["name"]: entry for entry in manifest.written_listing()}
    stale = sorted(n for n in built.keys() | written.keys() if built.get(n) != written.get(n))
    assert not stale, (
        f"assistant/mcp/tools.json is stale for {', '.join(stale)}: "
        "run `python -m stockwise.assistant.mcp.manifest`"
    )
    assert list(built) == list(written)  # the same order as the catalog


def test_the_server_lists_the_written_tools():
    listed = tool_listing()
    assert [tool.name for tool in listed] == [e["name"] for e in manifest.written_listing()]
    search = next(tool for tool in listed if tool.name == "search_documents")
    assert "query" in search.input_schema["properties"]


def test_a_renamed_argument_makes_the_listing_stale(monkeypatch):
    from stockwise.assistant.mcp import catalog as catalog_module

    real = catalog_module.McpTool.listing

    def renamed(self):
        tool = real(self)
        if tool.name == "search_documents":
            props = tool.input_schema["properties"]
            props["question"] = props.pop("query")
        return tool

    monkeypatch.setattr(catalog_module.McpTool, "listing", renamed)
    built = {e["name"]: e for e in manifest.built_listing()}
    written = {e["name"]: e for e in manifest.written_listing()}
    assert built["search_documents"] != written["search_documents"]
    assert built["on_hand"] == written["on_hand"]
