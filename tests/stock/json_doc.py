"""docs/json.md against the result models: the command table must name every field a
command's JSON has, nested ones included, and nothing the JSON lacks."""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Mapping
from typing import Any, Union, get_args, get_origin, get_type_hints

from pydantic import BaseModel

# "item fields" in the table stands for the four columns every item row carries.
ITEM_FIELDS = {"item_id", "description", "category", "uom"}
ROW = re.compile(r"^\| `(?P<command>[^`]+)` \| `(?P<tool>\w+)` \| (?P<fields>.+) \|$", re.M)


def doc_rows(doc: str) -> dict[str, dict[str, Any]]:
    """Command name -> its row: the usage words, the tool and the field names the row gives."""
    rows: dict[str, dict[str, Any]] = {}
    for m in ROW.finditer(doc):
        name, *usage = m["command"].split()
        named = set(re.findall(r"`([a-z_][a-z0-9_]*)`", m["fields"]))
        if "item fields" in m["fields"]:
            named |= ITEM_FIELDS
        rows[name] = {"usage": usage, "tool": m["tool"], "fields": named}
    return rows


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if get_origin(annotation) in (list, Union, types.UnionType):
        return [m for arg in get_args(annotation) for m in _models_in(arg)]
    return []  # dicts (txn_type -> qty) are described in words, not fields


def json_fields(model: type[BaseModel], seen: frozenset = frozenset()) -> set[str]:
    """Every field name a result's JSON can hold, nested models included, bar `evidence`
    (the envelope the doc describes once for every command)."""
    names: set[str] = set()
    for name, field in model.model_fields.items():
        if name == "evidence":
            continue
        names.add(name)
        for inner in _models_in(field.annotation):
            if inner not in seen:
                names |= json_fields(inner, seen | {model})
    return names


def cli_usage(group: Any) -> tuple[dict[str, list[str]], set[str]]:
    """A click group's usage words per command (e.g. ["[ITEM]"]) and all its option names."""
    usage, options = {}, set()
    for name, command in group.commands.items():
        usage[name] = [
            p.name.upper() if p.required else f"[{p.name.upper()}]"
            for p in command.params
            if p.param_type_name == "argument"
        ]
        options |= {o for p in command.params for o in p.opts if p.param_type_name == "option"}
    return usage, options


def doc_problems(doc: str, tools: Mapping[str, Callable], group: Any) -> list[str]:
    """What docs/json.md gets wrong about the commands of `group` (a click group), each of
    which runs `tools[command]`."""
    positionals, options = cli_usage(group)
    rows = doc_rows(doc)
    problems = [f"{c}: no row in docs/json.md" for c in tools if c not in rows]
    problems += [f"{c}: documented, but there is no such command" for c in rows if c not in tools]
    for command, tool in tools.items():
        row = rows.get(command)
        if row is None:
            continue
        if row["tool"] != tool.__name__:
            problems.append(f"{command}: doc says tool {row['tool']}, runs {tool.__name__}")
        if row["usage"] != positionals[command]:
            problems.append(f"{command}: doc usage {row['usage']}, CLI {positionals[command]}")
        fields = json_fields(get_type_hints(tool)["return"])
        for name in sorted(row["fields"] - fields):
            problems.append(f"{command}: doc names `{name}`, which its JSON does not have")
        for name in sorted(fields - row["fields"]):
            problems.append(f"{command}: JSON field `{name}` is missing from docs/json.md")
    for option in sorted(set(re.findall(r"`(--[a-z][a-z-]*)`", doc)) - options):
        problems.append(f"docs/json.md names option {option}, which no command has")
    return problems
