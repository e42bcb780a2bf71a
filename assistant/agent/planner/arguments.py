"""Entities recognised in a question -> a tool's arguments, as the tool's input model
declares them (`fills(...)`, tools/core/contract.py). No argument name is guessed here: a
field that declares no entity is never filled, and a required one is an error."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from langchain_core.tools import BaseTool
from pydantic import ValidationError

from stockwise.assistant.agent.registry import tool_fields, tool_input_model
from stockwise.tools.core.contract import ENTITIES_KEY, ENTITY_NAMES, ContractError


def quarter_label(start: Any) -> str:
    """A period's start (a date or its ISO text) -> its quarter, "2025-Q3"."""
    month, year = int(str(start)[5:7]), int(str(start)[:4])
    return f"{year}-Q{(month - 1) // 3 + 1}"


# How an entity is reshaped for a field that declares `entity="conversion"`.
CONVERSIONS: dict[str, Callable[[Any], Any]] = {
    "as_list": lambda v: [v],
    "horizon_text": lambda v: f"{v}d",
    "is_critical": lambda v: v == "A",
    "lead_time_keyword": lambda v: "lead_time",
    "replenish_group": lambda v: {"raw_material": "raw"}.get(v, v),
    "quarter_label": quarter_label,
}


def declared_entities(tool: BaseTool) -> dict[str, dict[str, str | None]]:
    """field -> {entity: conversion or None}, for the fields that declare any."""
    fields, _ = tool_fields(tool)
    return {
        name: dict(prop[ENTITIES_KEY]) for name, prop in fields.items() if prop.get(ENTITIES_KEY)
    }


def contract_problems(tool: BaseTool) -> list[str]:
    """What keeps the planner from filling `tool`: a required field that declares no entity,
    an entity the planner does not recognise, a conversion it does not know."""
    fields, required = tool_fields(tool)
    declared = declared_entities(tool)
    problems = [
        f"tool {tool.name!r}: required field {name!r} declares no entity the planner fills "
        "(add json_schema_extra=fills(...) to it)"
        for name in required
        if name not in declared
    ]
    for name, entities in declared.items():
        for entity, conversion in entities.items():
            if entity not in ENTITY_NAMES:
                problems.append(
                    f"tool {tool.name!r}: field {name!r} takes unknown entity {entity!r}"
                )
            if conversion is not None and conversion not in CONVERSIONS:
                problems.append(
                    f"tool {tool.name!r}: field {name!r} asks for unknown conversion {conversion!r}"
                )
    unknown = set(declared) - set(fields)
    problems += [f"tool {tool.name!r}: declarations for missing field {n!r}" for n in unknown]
    return problems


def check_contracts(tools: Iterable[BaseTool]) -> None:
    """Raise a `ContractError` listing every problem, so none is found one question at a time."""
    problems = [p for tool in tools for p in contract_problems(tool)]
    if problems:
        raise ContractError("; ".join(problems))


def fill_args(tool: BaseTool, entities: dict[str, Any]) -> tuple[dict, list[str]]:
    """Map entities onto the fields that declare them; drop what the model refuses. Returns
    the arguments and the entities of required fields still missing (to ask for)."""
    check_contracts([tool])
    declared = declared_entities(tool)
    takers: dict[str, list[tuple[str, str | None]]] = {}
    for name, wanted in declared.items():  # in field order: the first field declared wins
        for entity, conversion in wanted.items():
            takers.setdefault(entity, []).append((name, conversion))
    args: dict[str, Any] = {}
    for entity, value in entities.items():
        for name, conversion in takers.get(entity, ()):
            if name not in args:
                args[name] = CONVERSIONS[conversion](value) if conversion else value
                break
    _drop_refused(tool, args)
    _, required = tool_fields(tool)
    return args, [next(iter(declared[n])) for n in required if n not in args]


def _drop_refused(tool: BaseTool, args: dict[str, Any]) -> None:
    """An entity the tool refuses ("finished_good" for a replenishment group) is left out, so
    the tool answers for everything rather than not at all."""
    schema = tool_input_model(tool)  # imports only this tool's package
    for _ in range(len(args) + 1):
        try:
            schema.model_validate(args)
            return
        except ValidationError as error:
            bad = {e["loc"][0] for e in error.errors() if e["loc"] and e["loc"][0] in args}
            if not bad:
                return
            for name in bad:
                args.pop(name)
