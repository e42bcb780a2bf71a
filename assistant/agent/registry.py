"""The one place agent tools are registered: every `tools.*` package's `AGENT_TOOLS`, bound
to a `ToolContext` and turned into LangChain tools the graph (and any chat model) can call.

A tool package that does not exist yet is simply not registered; a package that exists but
fails to import is a bug and fails loudly. Tools are plain functions
`fn(ctx, args: SomeInput) -> SomeResult`; the docstring is the description the model sees.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from langchain_core.tools import BaseTool, StructuredTool
from langgraph.types import interrupt
from pydantic import BaseModel

from stockwise.tools.core.approval import Approval, NotAllowedError
from stockwise.tools.core.contract import input_model, without_contract
from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext

TOOL_PACKAGES = (
    "stockwise.tools.stock",
    "stockwise.tools.documents",
    "stockwise.tools.forecast",
    "stockwise.tools.classify",
    "stockwise.tools.anomalies",
    "stockwise.tools.replenish",
    "stockwise.assistant.reports",
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


@dataclass(frozen=True)
class ToolSpec:
    """What the model needs to know of a tool, without importing it: a tool package may
    pull in heavy libraries (a classifier, a vector store) that a question never uses."""

    name: str
    module: str
    description: str
    schema: dict  # JSON schema of the input model, with its fields' contract declarations
    action: bool


def spec_of(fn: Callable) -> ToolSpec:
    return ToolSpec(
        name=fn.__name__,
        module=fn.__module__,
        description=inspect.cleandoc(fn.__doc__ or fn.__name__),
        schema=input_model(fn).model_json_schema(),
        action=is_action(fn),
    )


def _sources_signature(packages: Iterable[str]) -> str:
    """Changes whenever a tool package's source changes (names, sizes, mtimes)."""
    digest = hashlib.sha1()
    for package in packages:
        spec = importlib.util.find_spec(package)
        if spec is None:
            continue
        for folder in spec.submodule_search_locations or []:
            for path in sorted(Path(folder).rglob("*.py")):
                stat = path.stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


def load_specs(settings: Settings, packages: Iterable[str] = TOOL_PACKAGES) -> list[ToolSpec]:
    """The specs of every registered tool, from a manifest cached in the data directory
    (rebuilt by importing the packages whenever their sources change)."""
    packages = list(packages)
    path = Path(settings.data_dir) / "cache" / f"tool-manifest-{_sources_signature(packages)}.json"
    if path.exists():
        try:
            return [ToolSpec(**entry) for entry in json.loads(path.read_text())]
        except (ValueError, TypeError):
            pass  # a damaged manifest is rebuilt below
    specs = [spec_of(fn) for fn in discover_tool_functions(packages)]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps([asdict(s) for s in specs]))
    tmp.replace(path)  # atomic: a reader never sees half a manifest
    for stale in path.parent.glob("tool-manifest-*.json"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return specs


class _LazyTool:
    """The function behind a spec, imported on first use."""

    def __init__(self, spec: ToolSpec, fn: Callable | None = None) -> None:
        self.spec = spec
        self._fn = fn

    @property
    def fn(self) -> Callable:
        if self._fn is None:
            self._fn = getattr(importlib.import_module(self.spec.module), self.spec.name)
        return self._fn

    @property
    def input_model(self) -> type[BaseModel]:
        return input_model(self.fn)


def bind_spec(spec: ToolSpec, ctx: ToolContext, fn: Callable | None = None) -> StructuredTool:
    """One LangChain tool for `spec`, bound to `ctx`; results are JSON text."""
    lazy = _LazyTool(spec, fn)

    def run(**kwargs: Any) -> str:
        args = lazy.input_model.model_validate(kwargs)
        if spec.action:
            decision = interrupt(_approval_request(spec.name, args))
            return carry_out(lazy.fn, ctx, args, decision)
        return result_to_json(lazy.fn(ctx, args))

    return StructuredTool(
        name=spec.name,
        description=spec.description,
        args_schema=without_contract(spec.schema),  # the model needs types, not our wiring
        func=run,
        metadata={"action": spec.action, "lazy": lazy},
    )


def bind_tool(fn: Callable, ctx: ToolContext) -> StructuredTool:
    return bind_spec(spec_of(fn), ctx, fn)


def tool_fields(tool: BaseTool) -> tuple[dict, list[str]]:
    """A tool's argument properties (with their contract declarations: `fills`, `cli`) and
    required names, from its JSON schema; no tool package is imported."""
    lazy = (tool.metadata or {}).get("lazy")
    args = tool.args_schema
    if lazy is not None:
        schema = lazy.spec.schema
    elif isinstance(args, dict):
        schema = args
    else:
        schema = _args_model(tool).model_json_schema()
    return schema.get("properties", {}), list(schema.get("required", []))


def tool_input_model(tool: BaseTool) -> type[BaseModel]:
    """The tool's pydantic input model (imports the tool's package if not yet done)."""
    lazy = (tool.metadata or {}).get("lazy")
    return lazy.input_model if lazy is not None else _args_model(tool)


def _args_model(tool: BaseTool) -> type[BaseModel]:
    args = tool.args_schema
    if isinstance(args, type) and issubclass(args, BaseModel):
        return args
    raise TypeError(f"tool {tool.name!r} has no pydantic input model (args_schema: {args!r})")


class ToolRegistry:
    """The bound tools of one context, by name."""

    def __init__(self, ctx: ToolContext, functions: Iterable[Callable] | None = None) -> None:
        self.ctx = ctx
        if functions is None:
            self.specs = load_specs(ctx.settings)
            self.tools = [bind_spec(spec, ctx) for spec in self.specs]
        else:
            functions = list(functions)
            self.specs = [spec_of(fn) for fn in functions]
            self.tools = [
                bind_spec(spec, ctx, fn) for spec, fn in zip(self.specs, functions, strict=True)
            ]
        self.by_name = {t.name: t for t in self.tools}

    @property
    def names(self) -> list[str]:
        return list(self.by_name)

    @property
    def action_names(self) -> set[str]:
        return {spec.name for spec in self.specs if spec.action}
