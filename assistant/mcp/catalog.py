"""What the MCP server offers as tools: every tool the agent has (the registry's domain tools),
the audit report, and the decision on a drafted action. Name, description, input and output
schemas all come from the tool's own function and models, the way the registry shows them
to a chat model, so the two never drift apart."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, get_type_hints

import mcp_types as types
from pydantic import BaseModel

from stockwise.tools.core.contract import input_model, without_contract

if TYPE_CHECKING:  # pandas: loaded with the dataset, not with the server
    from stockwise.tools.dataset.context import ToolContext

DRAFT_NOTE = (
    " Over MCP this call only drafts: nothing is written. The result names an action_id; a "
    "manager or admin writes the drafts with decide_action(action_id, 'approve'), or drops "
    "them with 'reject'."
)


@dataclass(frozen=True)
class McpTool:
    name: str
    fn: Callable[..., Any]  # fn(ctx, args) -> result model (an action: fn(ctx, args, approval))
    input_model: type[BaseModel]
    result_model: type[BaseModel] | None
    description: str
    action: bool = False  # drafts over MCP; written only through decide_action
    writes: bool = False  # changes files even without an approval (the report file)

    def listing(self) -> types.Tool:
        output = (
            self.result_model.model_json_schema(mode="serialization") if self.result_model else None
        )
        return types.Tool(
            name=self.name,
            description=self.description,
            # The plain schema a chat model is shown (registry.bind_tool): types, not wiring.
            input_schema=without_contract(self.input_model.model_json_schema()),
            output_schema=output,
            annotations=types.ToolAnnotations(
                read_only_hint=not self.writes,
                destructive_hint=False,  # nothing here deletes or overwrites: files only grow
                open_world_hint=False,  # the plant's own data, nothing outside it
            ),
        )


def result_model(fn: Callable[..., Any]) -> type[BaseModel] | None:
    """The tool's declared result model, or None when its return type is not one."""
    try:
        returned = get_type_hints(fn).get("return")
    except (NameError, TypeError):  # an annotation only importable while type checking
        return None
    return returned if isinstance(returned, type) and issubclass(returned, BaseModel) else None


def describe(fn: Callable[..., Any]) -> str:
    return inspect.cleandoc(fn.__doc__ or fn.__name__)


def from_function(fn: Callable[..., Any], *, action: bool = False, writes: bool = False) -> McpTool:
    description = describe(fn) + (DRAFT_NOTE if action else "")
    return McpTool(
        name=fn.__name__,
        fn=fn,
        input_model=input_model(fn),
        result_model=result_model(fn),
        description=description,
        action=action,
        writes=writes,
    )


def write_audit_report(ctx: ToolContext, args: Any) -> Any:
    # Stands in for reports.write_audit_report with the settings' prose model filled in at
    # call time: the model (and langchain_openai) load only when a report is asked for.
    from stockwise.assistant.agent.models import choose_model
    from stockwise.assistant.reports.agent_tool import write_audit_report as write
    from stockwise.assistant.reports.prose import prose_model

    return write(ctx, args, prose_model(choose_model(ctx.settings, ctx)))


def report_tool() -> McpTool:
    from stockwise.assistant.reports.agent_tool import (
        WriteAuditReportInput,
        WriteAuditReportResult,
    )
    from stockwise.assistant.reports.agent_tool import write_audit_report as write

    return McpTool(
        name="write_audit_report",
        fn=write_audit_report,
        input_model=WriteAuditReportInput,
        result_model=WriteAuditReportResult,
        description=describe(write),
        writes=True,
    )
