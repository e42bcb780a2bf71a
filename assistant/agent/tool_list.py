"""The agent's domain tools, listed once per process: the tool packages' `AGENT_TOOLS`. Apart
from the registry (which binds them as LangChain tools) so that a surface that only lists
them, the MCP server's tools/list, does not load langchain and langgraph: importing the
registry took 1.15 s of CPU, this module with the tool packages 0.25 s (measured with
`python -X importtime`, 2-CPU machine). The tool packages keep pandas and their models'
libraries inside the tools' functions for the same reason."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from types import ModuleType

from stockwise.tools import anomalies, classify, documents, forecast, replenish, stock

TOOL_PACKAGES = (stock, documents, forecast, classify, anomalies, replenish)

# Tools that change something: the graph pauses for a person's approval before running them.
# A tool function may also declare itself an action with `fn.is_action = True`.
ACTION_TOOLS = {"draft_purchase_requisitions"}


def is_action(fn: Callable) -> bool:
    return bool(getattr(fn, "is_action", False)) or fn.__name__ in ACTION_TOOLS


def unique_names(functions: Iterable[Callable]) -> list[Callable]:
    """`functions` as a list; two tools of one name would shadow each other: refused."""
    found: list[Callable] = []
    seen: set[str] = set()
    for fn in functions:
        if fn.__name__ in seen:
            raise ValueError(f"tool {fn.__name__!r} is registered twice")
        seen.add(fn.__name__)
        found.append(fn)
    return found


def package_tools(packages: Iterable[ModuleType]) -> list[Callable]:
    """Every `AGENT_TOOLS` function of `packages`, in package order."""
    return unique_names(fn for package in packages for fn in package.AGENT_TOOLS)


@functools.cache
def domain_tools() -> tuple[Callable, ...]:
    """The domain tool packages' tools, listed (and checked) once per process."""
    return tuple(package_tools(TOOL_PACKAGES))
