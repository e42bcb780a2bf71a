"""The one place agent tools are registered: every `tools.*` package's `AGENT_TOOLS`, bound
to a `ToolContext` and turned into LangChain tools the graph (and any chat model) can call.

A tool package that does not exist yet is simply not registered; a package that exists but
fails to import is a bug and fails loudly. Tools are plain functions
`fn(ctx, args: SomeInput) -> SomeResult`; the docstring is the description the model sees.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
from collections.abc import Callable, Iterable
from typing import Any, get_type_hints

from langchain_core.tools import StructuredTool
from langgraph.types import interrupt
from pydantic import BaseModel

from tools.context import ToolContext

TOOL_PACKAGES = (
    "tools.stock",
    "tools.documents",
    "tools.forecast",
    "tools.classify",
    "tools.anomalies",
    "tools.replenish",
)

# Tools that change something: the graph pauses for a person's approval before running them.
# A tool function may also declare itself an action with `fn.is_action = True`.
ACTION_TOOLS = {"draft_purchase_requisitions"}


def is_action(fn: Callable) -> bool:
    return bool(getattr(fn, "is_action", False)) or fn.__name__ in ACTION_TOOLS


def discover_tool_functions(packages: Iterable[str] = TOOL_PACKAGES) -> list[Callable]:
    """Every `AGENT_TOOLS` function of the tool packages that exist, in package order."""
    found: list[Callable] = []
    seen: set[str] = set()
    for package in packages:
        if importlib.util.find_spec(package) is None:
            continue
        module = importlib.import_module(package)  # an ImportError here is a real bug
        for fn in getattr(module, "AGENT_TOOLS", ()):
            if fn.__name__ in seen:
                raise ValueError(f"tool {fn.__name__!r} is registered by two packages")
            seen.add(fn.__name__)
            found.append(fn)
    return found


def input_model(fn: Callable) -> type[BaseModel]:
    """The pydantic input schema of a tool: the type of its second parameter."""
    params = list(inspect.signature(fn).parameters)
    if len(params) != 2:
        raise TypeError(f"tool {fn.__name__} must take (ctx, args), not {params}")
    model = get_type_hints(fn).get(params[1])
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise TypeError(f"tool {fn.__name__}: its args parameter must be a pydantic model")
    return model


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


def bind_tool(fn: Callable, ctx: ToolContext) -> StructuredTool:
    """One LangChain tool for `fn`, bound to `ctx`; results are JSON text."""
    schema = input_model(fn)
    action = is_action(fn)

    def run(**kwargs: Any) -> str:
        args = schema.model_validate(kwargs)
        if action:
            ok, comment = approved(interrupt(_approval_request(fn.__name__, args)))
            if not ok:
                why = f" ({comment})" if comment else ""
                return json.dumps({"rejected": True, "message": f"Rejected by a person{why}."})
        return result_to_json(fn(ctx, args))

    tool = StructuredTool.from_function(
        func=run,
        name=fn.__name__,
        description=inspect.cleandoc(fn.__doc__ or fn.__name__),
        args_schema=schema,
    )
    tool.metadata = {"action": action}
    return tool


class ToolRegistry:
    """The bound tools of one context, by name."""

    def __init__(self, ctx: ToolContext, functions: Iterable[Callable] | None = None) -> None:
        self.ctx = ctx
        self.functions = list(discover_tool_functions() if functions is None else functions)
        self.tools = [bind_tool(fn, ctx) for fn in self.functions]
        self.by_name = {t.name: t for t in self.tools}

    @property
    def names(self) -> list[str]:
        return list(self.by_name)

    @property
    def action_names(self) -> set[str]:
        return {fn.__name__ for fn in self.functions if is_action(fn)}
