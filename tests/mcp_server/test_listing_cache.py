"""The tool listing kept between starts: used only when made from the very same code."""

from __future__ import annotations

import json

from stockwise.assistant.mcp.listing_cache import ListingCache
from stockwise.assistant.mcp.server import tool_listing


def test_a_stored_listing_of_this_code_answers_without_building(tmp_path):
    path = tmp_path / "cache" / "mcp-tools.json"
    ListingCache(path).listing(tool_listing)  # the first start builds and stores it
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert [t["name"] for t in stored["tools"]] == [t.name for t in tool_listing()]

    def must_not_build():
        raise AssertionError("a matching stored listing must be used")

    again = ListingCache(path).listing(must_not_build)
    assert [t.model_dump() for t in again] == [t.model_dump() for t in tool_listing()]


def test_a_listing_of_other_code_is_rebuilt(tmp_path):
    path = tmp_path / "mcp-tools.json"
    cache = ListingCache(path)
    cache.store(tool_listing()[:1])
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["fingerprint"] = "code of another version"
    path.write_text(json.dumps(stored), encoding="utf-8")
    rebuilt = ListingCache(path).listing(tool_listing)
    assert len(rebuilt) == len(tool_listing()) > 1
    assert json.loads(path.read_text(encoding="utf-8"))["fingerprint"] == cache.fingerprint()


def test_an_unreadable_listing_is_rebuilt(tmp_path):
    path = tmp_path / "mcp-tools.json"
    path.write_text("{not json", encoding="utf-8")
    assert len(ListingCache(path).listing(tool_listing)) == len(tool_listing())
