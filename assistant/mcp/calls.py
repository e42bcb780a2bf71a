"""One MCP tool call: arguments checked against the tool's input model, the tool run on the
dataset, and its result returned as structured content (the result model's JSON) with a
short text carrying its key figures and evidence. A refusal (bad argument, unknown item,
oversize input) is a tool error with the tool's own one-line message, as the CLI prints it;
the server goes on serving."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import mcp_types as types
from pydantic import BaseModel, ValidationError

from stockwise.assistant.mcp.approvals import DECIDE, decide, draft
from stockwise.assistant.mcp.catalog import McpTool
from stockwise.assistant.mcp.summary import summary
from stockwise.assistant.mcp.workspace import Workspace
from stockwise.assistant.service.auth import Principal
from stockwise.tools.core.errors import InvalidArgumentError, StockwiseError

log = logging.getLogger("stockwise.mcp")
# Every tool's arguments are a few ids, dates and words; 16 KB of them is a mistake or an
# attack, refused before any model or tool reads them.
MAX_ARGUMENT_CHARS = 16_384


def one_line(error: Exception) -> str:
    """The message a person reads: pydantic's problems as `field: why`, anything on one line."""
    if isinstance(error, ValidationError):
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'arguments'}: {e['msg']}"
            for e in error.errors()
        )
        message = f"invalid argument: {problems}"
    else:
        message = str(error) or type(error).__name__
    return " ".join(message.split())


def parse_arguments(tool: McpTool, arguments: dict[str, Any] | None) -> BaseModel:
    given = arguments or {}
    size = len(json.dumps(given, default=str))
    if size > MAX_ARGUMENT_CHARS:
        raise InvalidArgumentError(
            f"arguments of {tool.name} are {size:,} characters; the limit is {MAX_ARGUMENT_CHARS:,}"
        )
    unknown = sorted(set(given) - set(tool.input_model.model_fields))
    if unknown:
        known = ", ".join(tool.input_model.model_fields) or "none"
        raise InvalidArgumentError(
            f"{tool.name} has no argument {', '.join(map(repr, unknown))}; its arguments: {known}"
        )
    return tool.input_model.model_validate(given)


def run(space: Workspace, tool: McpTool, args: BaseModel, who: Principal) -> dict[str, Any]:
    """The tool's result as plain JSON. An action drafts; a decision needs the caller."""
    if tool.name == DECIDE:
        return decide(space, args, who)  # type: ignore[arg-type]
    if tool.action:
        return draft(space, tool, args, who)
    result = tool.fn(space.ctx, args)
    return json.loads(result.model_dump_json()) if isinstance(result, BaseModel) else result


def refused(message: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(text=message)], is_error=True)


def call(
    space: Workspace, tool: McpTool, arguments: dict[str, Any] | None, who: Principal
) -> types.CallToolResult:
    """Run one call to the end; synchronous (the server runs it on a worker thread)."""
    status = "success"
    try:
        args = parse_arguments(tool, arguments)
        shown = run(space, tool, args, who)
    except (StockwiseError, ValidationError) as error:
        status, outcome = "error", refused(one_line(error))
    except Exception as error:  # a bug: said in one line, traced in the server's log
        log.exception("stockwise mcp: %s failed", tool.name)
        status = "error"
        outcome = refused(f"{tool.name} failed: {type(error).__name__}: {one_line(error)}")
    else:
        text = summary(tool.name, shown)
        if space.notice:  # rows a lenient load set aside: every answer says so, as the CLI does
            text += f"\nnote: {space.notice}"
        outcome = types.CallToolResult(
            content=[types.TextContent(text=text)], structured_content=shown
        )
    if tool.name != DECIDE:  # a decision writes its own, fuller entries
        text = outcome.content[0].text if isinstance(outcome.content[0], types.TextContent) else ""
        space.audit(
            "tool_call", who.user, tool=tool.name, args=_loggable(arguments),
            result_sha256=content_hash(json.dumps(outcome.structured_content) + text),
            status=status,
        )  # fmt: skip
    return outcome


def content_hash(text: str) -> str:
    # As the audit log hashes tool results (service/audit.py), without importing the service.
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def _loggable(arguments: dict[str, Any] | None) -> Any:
    """The arguments as given, or their size and hash when too large to keep in the log."""
    text = json.dumps(arguments or {}, default=str)
    if len(text) > MAX_ARGUMENT_CHARS:
        return {"oversize_chars": len(text), "sha256": content_hash(text)}
    return arguments or {}
