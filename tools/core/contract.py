"""A tool's contract is its input model. Besides types, defaults and descriptions, a field
may declare what the surfaces need to know of it: which entity of a question the offline
planner fills it with (`fills`), and how the command line offers it (`cli`).

Both are stored as `x-` keys in the field's JSON schema, so the planner reads them from the
same schema the registry caches, the CLI reads them from the model, and `without_contract`
gives a chat model the plain schema. Renaming a field carries its declarations with it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Literal, get_args, get_type_hints

from pydantic import BaseModel, Field
from pydantic.fields import FieldInfo

ENTITIES_KEY = "x-entities"
CLI_KEY = "x-cli"

# What the planner recognises in a question (assistant/agent/planner/entities.py), and so
# what a field may say it takes. "question" is the question's own wording.
Entity = Literal[
    "item",
    "site",
    "equipment",
    "start",
    "end",
    "days",
    "lead_time",
    "group_by",
    "category",
    "mro_subtype",
    "criticality",
    "top",
    "question",
    "stage",  # a routing stage named with the word "stage" ("at the packing stage")
]
# For a field that takes an entity in another form than the planner recognises it; the
# planner implements each (assistant/agent/planner/arguments.py).
Conversion = Literal[
    "as_list",  # item -> [item]
    "horizon_text",  # 90 (days) -> "90d"
    "is_critical",  # criticality "A" -> True
    "lead_time_keyword",  # "within their lead time" -> "lead_time"
    "replenish_group",  # recorded category -> mro / raw / wip
    "quarter_label",  # a period's start -> "2025-Q3"
]
ENTITY_NAMES = frozenset(get_args(Entity))
CONVERSION_NAMES = frozenset(get_args(Conversion))


class ContractError(TypeError):
    """A tool's input model declares something a surface cannot honour: a bug in the tool,
    found when the tool is registered or tested, never bad input from a person."""


def fills(*entities: Entity, **converted: Conversion) -> dict[str, Any]:
    """`json_schema_extra` of a field the planner fills with one of these entities (the
    first the question names); `entity="conversion"` when the field takes it reshaped."""
    declared: dict[str, str | None] = {**dict.fromkeys(entities), **converted}
    unknown = sorted(set(declared) - ENTITY_NAMES)
    if unknown:
        raise ContractError(f"unknown entities {unknown}; known: {sorted(ENTITY_NAMES)}")
    odd = sorted(c for c in converted.values() if c not in CONVERSION_NAMES)
    if odd:
        raise ContractError(f"unknown conversions {odd}; known: {sorted(CONVERSION_NAMES)}")
    return {ENTITIES_KEY: declared}


def cli(*names: str, positional: bool = False) -> dict[str, Any]:
    """`json_schema_extra` of how the command line offers a field: these option names instead
    of `--field-name` (e.g. `--site` for `site_id`), or a positional argument."""
    if positional and names:
        raise ContractError("a positional argument has no option names")
    if any(not n.startswith("-") for n in names):
        raise ContractError(f"option names start with '-': {names}")
    return {CLI_KEY: {"names": list(names), "positional": positional}}


def declared(field: FieldInfo, key: str) -> Any:
    """What `fills` or `cli` declared on a model field (None when nothing)."""
    extra = field.json_schema_extra
    return extra.get(key) if isinstance(extra, dict) else None


def without_contract(schema: Any) -> Any:
    """The JSON schema with the `x-` declarations taken out: what a chat model is shown."""
    if isinstance(schema, dict):
        return {
            k: without_contract(v) for k, v in schema.items() if k not in (ENTITIES_KEY, CLI_KEY)
        }
    if isinstance(schema, list):
        return [without_contract(v) for v in schema]
    return schema


def input_model(fn: Callable) -> type[BaseModel]:
    """The pydantic input schema of a tool: the type of its second parameter. An action
    may take a third, `approval`, that the agent fills after a person approves."""
    params = list(inspect.signature(fn).parameters)
    if params[2:] not in ([], ["approval"]) or len(params) < 2:
        raise TypeError(f"tool {fn.__name__} must take (ctx, args[, approval]), not {params}")
    model = get_type_hints(fn).get(params[1])
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise TypeError(f"tool {fn.__name__}: its args parameter must be a pydantic model")
    return model


def optional_number(description: str, schema_extra: dict[str, Any], **bounds: float) -> Any:
    """An optional number field (None: not given) within `bounds` (ge, gt, le, lt), with
    its planner and command-line declarations."""
    return Field(None, description=description, json_schema_extra=schema_extra, **bounds)  # type: ignore[call-overload]
