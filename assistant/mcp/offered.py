"""The tools the server offers, assembled once per process: every tool the agent has (the
registry's domain tools, actions among them), the audit report, and the decision on a
drafted action."""

from __future__ import annotations

import functools
import threading

from stockwise.assistant.mcp.approvals import decide_tool
from stockwise.assistant.mcp.catalog import McpTool, from_function, report_tool

_building = threading.Lock()


def catalog() -> dict[str, McpTool]:
    """Every tool by name. The warm-up thread and the first request may both ask at once:
    one builds (importing the tool packages), the other waits for it."""
    with _building:
        return _catalog()


@functools.cache
def _catalog() -> dict[str, McpTool]:
    # The agent's one list of tools, without the registry's langchain: the tool packages
    # import their models, not pandas, so listing them all costs about 0.25 s of CPU.
    from stockwise.assistant.agent.tool_list import domain_tools, is_action

    tools = [from_function(fn, action=is_action(fn)) for fn in domain_tools()]
    tools += [report_tool(), decide_tool()]
    named = {tool.name: tool for tool in tools}
    if len(named) != len(tools):
        raise ValueError("two MCP tools share a name")
    return named
