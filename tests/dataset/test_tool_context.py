"""`ToolContext.cached`: what a tool builds from the context is built once, keyed by the
function that builds it, and a test can provide its own."""

from __future__ import annotations

from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.frames import dataset_from_frames

calls: list[str] = []


def item_count(ctx: ToolContext) -> int:
    calls.append("item_count")
    return len(ctx.dataset.items)


def site_count(ctx: ToolContext) -> int:
    calls.append("site_count")
    return len(ctx.dataset.sites)


def test_each_builder_runs_once_per_context(tmp_path):
    calls.clear()
    ctx = ToolContext(dataset=dataset_from_frames({}), settings=Settings(data_dir=tmp_path))
    assert ctx.cached(item_count) == 0 and ctx.cached(item_count) == 0
    assert ctx.cached(site_count) == 0
    assert calls == ["item_count", "site_count"]
    other = ToolContext(dataset=ctx.dataset, settings=ctx.settings)
    assert other.cached(item_count) == 0 and calls[-1] == "item_count"  # its own cache


def test_a_provided_value_is_used_instead_of_building(tmp_path):
    calls.clear()
    ctx = ToolContext(dataset=dataset_from_frames({}), settings=Settings(data_dir=tmp_path))
    ctx.provide(item_count, 7)
    assert ctx.cached(item_count) == 7 and calls == []


def test_a_new_dataset_drops_what_was_built_from_the_old_one(tmp_path):
    ctx = ToolContext(dataset=dataset_from_frames({}), settings=Settings(data_dir=tmp_path))
    ctx.provide(item_count, 7)
    ctx.use_dataset(dataset_from_frames({}))
    assert ctx.cached(item_count) == 0
