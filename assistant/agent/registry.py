"""The one place agent tools are registered: the domain tool packages' `AGENT_TOOLS`, plus
the tools a surface adds (the audit report), bound to a `ToolContext` and turned into
LangChain tools the graph (and any chat model) can call.

The tool packages are imported here by name, so a missing or broken one stops the start
with its own ImportError. Each keeps its heavy libraries out of its import (they load when
its tool first runs), so listing them costs little. Tools are plain functions
`fn(ctx, args: SomeInput) -> SomeResult`; the docstring is the description the model sees.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable, Iterable
from typing import Any

from langchain_core.tools import BaseTool, StructuredTool
from langgraph.types import interrupt
from pydantic import BaseModel

from stockwise.assistant.agent.tool_list import (
    domain_tools,
    is_action,
    unique_names,
)
from stockwise.tools.core.approval import Approval, NotAllowedError
from stockwise.tools.core.contract import input_model, without_contract
from stockwise.tools.dataset.context import ToolContext


def result_to_json(result: Any) -> str:
    if isinstance(result, BaseModel):
        return result.model_dump_json()
    return json.dumps(result, default=str)


def _approval_request(name: str, args: BaseModel) -> dict:
    return {
        "action": name,
        "args": args.model_dump(mode="json"),
        "question": f"Stockwise wants to run {name}. Approve or reject?",
    }


def approved(decision: Any) -> tuple[bool, str]:
    """Read a resume value: "approve"/"reject", a bool, or {"decision": ..., "comment": ...}."""
    comment = ""
    if isinstance(decision, dict):
        comment = str(decision.get("comment") or "")
        decision = decision.get("decision", decision.get("approved"))
    if isinstance(decision, bool):
        return decision, comment
    return str(decision).strip().lower() in {"approve", "approved", "yes", "y", "ok"}, comment


def decided_by(decision: Any, settings: Any) -> tuple[str, str]:
    """Who answered the pause: the surface names them ({"by": ..., "role": ...}); a bare
    "approve" comes from this process's own user, the settings' local user and role."""
    if isinstance(decision, dict) and decision.get("by"):
        return str(decision["by"]), str(decision.get("role") or "viewer")
    return settings.local_user, settings.local_role


def carry_out(fn: Callable, ctx: ToolContext, args: BaseModel, decision: Any) -> str:
    """Run an action a person answered: with their Approval, or not at all."""
    ok, comment = approved(decision)
    by, role = decided_by(decision, ctx.settings)
    if not ok:
        why = f": {comment}" if comment else ""
        return json.dumps({"rejected": True, "message": f"Rejected by {by}{why}."})
    try:
        approval = Approval(by=by, role=role, comment=comment)
    except NotAllowedError as refused:
        return json.dumps({"rejected": True, "message": f"Not carried out: {refused}"})
    takes_approval = "approval" in inspect.signature(fn).parameters
    return result_to_json(fn(ctx, args, approval) if takes_approval else fn(ctx, args))


@functools.cache
def json_schema(model: type[BaseModel]) -> dict:
    """An input model's JSON schema, built once per process: pydantic builds it anew on every
    `model_json_schema()`, and the planner reads each tool's fields when its graph is built
    and again for every call it fills (measured on the README question: 91 builds -> 28,
    0.05 -> 0.02 s CPU of a cold `ask`). Callers read it and must not change it."""
    return model.model_json_schema()


def bind_tool(fn: Callable, ctx: ToolContext) -> StructuredTool:
    """One LangChain tool for `fn`, bound to `ctx`; results are JSON text."""
    model = input_model(fn)
    action = is_action(fn)

    def run(**kwargs: Any) -> str:
        args = model.model_validate(kwargs)
        if action:
            decision = interrupt(_approval_request(fn.__name__, args))
            return carry_out(fn, ctx, args, decision)
        return result_to_json(fn(ctx, args))

    return StructuredTool(
        name=fn.__name__,
        description=inspect.cleandoc(fn.__doc__ or fn.__name__),
        args_schema=without_contract(json_schema(model)),  # types, not our wiring
        func=run,
        metadata={"action": action, "input_model": model},
    )


def tool_fields(tool: BaseTool) -> tuple[dict, list[str]]:
    """A tool's argument properties (with their contract declarations: `fills`, `cli`) and
    required names, from its input model's JSON schema."""
    model = (tool.metadata or {}).get("input_model")
    args = tool.args_schema
    if model is not None:
        schema = json_schema(model)
    elif isinstance(args, dict):
        schema = args
    else:
        schema = json_schema(_args_model(tool))
    return schema.get("properties", {}), list(schema.get("required", []))


def tool_input_model(tool: BaseTool) -> type[BaseModel]:
    """The tool's pydantic input model."""
    model = (tool.metadata or {}).get("input_model")
    return model if model is not None else _args_model(tool)


def _args_model(tool: BaseTool) -> type[BaseModel]:
    args = tool.args_schema
    if isinstance(args, type) and issubclass(args, BaseModel):
        return args
    raise TypeError(f"tool {tool.name!r} has no pydantic input model (args_schema: {args!r})")


class ToolRegistry:
    """The bound tools of one context, by name: the domain tools (or `functions`, as tests
    give them) and the caller's `extra_tools`, such as the report tool a surface adds."""

    def __init__(
        self,
        ctx: ToolContext,
        functions: Iterable[Callable] | None = None,
        *,
        extra_tools: Iterable[Callable] = (),
    ) -> None:
        self.ctx = ctx
        base = domain_tools() if functions is None else functions
        self.functions = unique_names([*base, *extra_tools])
        self.tools = [bind_tool(fn, ctx) for fn in self.functions]
        self.by_name = {t.name: t for t in self.tools}

    @property
    def names(self) -> list[str]:
        return list(self.by_name)

    @property
    def action_names(self) -> set[str]:
        return {t.name for t in self.tools if (t.metadata or {}).get("action")}
