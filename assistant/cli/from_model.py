"""Typer commands whose options come from a tool's input model, the way FastAPI derives a
route's parameters from a pydantic model: so the command line follows the tool's contract
instead of restating it.

Per field: the option is `--field-name` (or the names `cli(...)` declares on the field,
e.g. `--site` for `site_id`, or a positional argument), its help is the field's
description, its default the model's, and a Literal or Enum lists its choices. Values are
checked by the model itself, so a bad one gets the same one-line refusal as any other.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin

import typer
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from typer.models import ArgumentInfo

from stockwise.assistant.cli.output import fail, run_and_show
from stockwise.tools.core.contract import CLI_KEY, ContractError, declared, input_model
from stockwise.tools.core.results import ToolResult
from stockwise.tools.dataset.context import ToolContext

JSON = typer.Option(False, "--json", help="Print the result as JSON (see docs/json.md).")


def _choices(annotation: Any) -> list[str] | None:
    if get_origin(annotation) is Literal:
        return [str(v) for v in get_args(annotation)]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [str(m.value) for m in annotation]
    return None


def cli_type(annotation: Any) -> tuple[Any, list[str] | None]:
    """The type typer parses a field as, and its choices. What typer cannot parse (a union
    such as `int | Literal["lead_time"]`) is taken as text for the model to read."""
    if get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        if len(members) != 1:
            return str, None
        annotation = members[0]
    choices = _choices(annotation)
    if choices is not None:
        return str, choices
    if get_origin(annotation) is list:
        (inner,) = get_args(annotation) or (str,)
        parsed, choices = cli_type(inner)
        return list[parsed], choices  # type: ignore[valid-type]
    if annotation in (str, int, float, bool):
        return annotation, None
    return str, None


def option_names(name: str, field: FieldInfo) -> list[str]:
    """The option names of a field: declared with `cli(...)`, else `--field-name`."""
    wanted = declared(field, CLI_KEY) or {}
    return list(wanted.get("names") or [f"--{name.replace('_', '-')}"])


def is_positional(field: FieldInfo) -> bool:
    return bool((declared(field, CLI_KEY) or {}).get("positional"))


def field_parameter(name: str, field: FieldInfo, default: Any) -> inspect.Parameter:
    """One typer parameter for a model field."""
    parsed, choices = cli_type(field.annotation)
    required = default is ...
    annotation = parsed if required or default is not None else parsed | None
    extra: dict[str, Any] = {}
    if choices:
        extra["metavar"] = f"[{'|'.join(choices)}]"
        extra["autocompletion"] = lambda: choices
    if is_positional(field):
        info = typer.Argument(default, help=field.description, **extra)
    else:
        names = option_names(name, field)
        if parsed is bool and default is True and len(names) == 1:
            names = [f"{names[0]}/--no-{names[0].lstrip('-')}"]  # a True flag can be turned off
        info = typer.Option(default, *names, help=field.description, **extra)
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=info, annotation=annotation
    )


def model_parameters(
    model: type[BaseModel], defaults: Mapping[str, Any] | None = None
) -> list[inspect.Parameter]:
    """Typer parameters for every field of `model`; `defaults` overrides the model's own
    where a terminal wants another (fewer rows, say)."""
    defaults = defaults or {}
    unknown = set(defaults) - set(model.model_fields)
    if unknown:
        raise ContractError(f"{model.__name__} has no fields {sorted(unknown)}")
    params = []
    for name, field in model.model_fields.items():
        default = defaults.get(name, ... if field.is_required() else field.get_default())
        params.append(field_parameter(name, field, default))
    # Positional arguments come first, in field order, the way people type them.
    return sorted(params, key=lambda p: not isinstance(p.default, ArgumentInfo))


def with_model_options(
    model: type[BaseModel], defaults: Mapping[str, Any] | None = None
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Decorate `fn(args: model, **own_options)`: the command gets the model's fields as
    options next to `fn`'s own, and `fn` gets the validated model."""

    def decorate(fn: Callable[..., None]) -> Callable[..., None]:
        own = list(inspect.signature(fn, eval_str=True).parameters.values())[1:]
        fields = model_parameters(model, defaults)
        clash = {p.name for p in own} & {p.name for p in fields}
        if clash:
            raise ContractError(f"{fn.__name__}: options {sorted(clash)} clash with model fields")

        def command(**values: Any) -> None:
            given = {}
            for name in model.model_fields:
                value = values.pop(name)
                if value not in (None, [], ()):  # not given: the model's default applies
                    given[name] = value
            try:
                args = model.model_validate(given)  # before any dataset is opened
            except ValidationError as exc:
                fail(exc)
            fn(args, **values)

        command.__name__ = fn.__name__
        command.__qualname__ = fn.__qualname__
        command.__doc__ = fn.__doc__
        command.__module__ = fn.__module__
        command.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [*fields, *(p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own)]
        )
        return command

    return decorate


def tool_command(
    tool: Callable[[ToolContext, Any], ToolResult],
    context: Callable[[], ToolContext],
    render: Callable[[Any], None] | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> Callable[..., None]:
    """A command that runs `tool` on `context()` with options from its input model, and
    prints its result as tables (`render`, default one per list field) or with `--json`."""

    @with_model_options(input_model(tool), defaults)
    def command(args: BaseModel, as_json: bool = JSON) -> None:
        run_and_show(lambda: tool(context(), args), as_json, render)

    return command
