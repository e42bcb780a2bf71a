"""What every surface (CLI, service, reports, LangGraph Studio) does first: pick the dataset
of the settings, or the demo plant when none is set, and open it as a `ToolContext`.

The demo is chosen here, at the top, so that the tools and the agent below never know a
demo exists: they are handed a dataset.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from stockwise.tools.core.settings import Settings, get_settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.open import open_dataset
from stockwise.tools.dataset.source import is_url


def dataset_source(settings: Settings) -> str | Path:
    """`settings.dataset` (a folder or a database URL), or the demo plant's folder,
    generated on first use."""
    if settings.dataset:
        return settings.dataset if is_url(settings.dataset) else Path(settings.dataset)
    from stockwise.demo.ensure import ensure_demo  # the generator loads only when needed

    return ensure_demo(settings)


def loading_notice(ctx: ToolContext) -> str | None:
    """What a lenient load set aside, for the surface to say before its first answer."""
    rejected = int(ctx.dataset.meta.get("rows_rejected") or 0)
    if not rejected:
        return None
    rows, verb = ("row", "does") if rejected == 1 else ("rows", "do")
    return (
        f"{rejected:,} {rows} of {ctx.dataset.name} {verb} not meet the data contract and "
        f"{'is' if rejected == 1 else 'are'} left out (STOCKWISE_LENIENT); with reasons in "
        f"{ctx.dataset.meta.get('rejects_path')}"
    )


def timed_context(settings: Settings | None = None) -> tuple[ToolContext, dict[str, float]]:
    """`open_context`, with how long the dataset took to open (ms), as answers report it."""
    start = time.perf_counter()
    ctx = open_context(settings)
    return ctx, {"load_dataset": round((time.perf_counter() - start) * 1000, 1)}


def open_context(
    settings: Settings | None = None, progress: Callable[[str, int, int], None] | None = None
) -> ToolContext:
    """The dataset of `settings` (default: the process's settings), opened for the tools."""
    settings = settings or get_settings()
    dataset = open_dataset(settings, dataset_source(settings), progress=progress)
    return ToolContext(dataset=dataset, settings=settings)
