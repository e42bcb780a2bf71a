"""The YAML mapping file that says which spreadsheet column is what.

Read strictly: an unknown key, a target named twice (YAML itself would silently keep the
last one) or a source column mapped to two targets is refused with the line it is on,
because a mapping that quietly means something else gives plausible wrong numbers.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from stockwise.tools.dataset.schema import (
    CATEGORIES,
    CRITICALITY,
    MRO_SUBTYPES,
    TABLES,
    TXN_SIGNS,
)
from stockwise.tools.importers.errors import ImportRefusedError

# Targets a column can be mapped to: the contract's item and stock columns, plus
# `max_stock` (a Min/Max policy's Max: the order quantity is Max - Min) and, for a long
# sheet (one row per movement), the movement's columns.
WIDE_TARGETS = (
    *TABLES["items"].column_names,
    "site_id",
    "on_hand_qty",
    "reorder_point",
    "reorder_qty",
    "max_stock",
    "safety_stock",
)
LONG_TARGETS = (*WIDE_TARGETS, "date", "qty", "txn_type", "txn_id")


class Periods(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unit: Literal["month", "week", "day"] = "month"
    first: str | None = None  # the first period kept, e.g. 1997-12 (earlier ones dropped)
    last: str | None = None
    blank: Literal[0, "missing"] = 0  # what a blank cell means
    values: Literal["consumption", "net_change"] = "consumption"


class SheetMapping(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sheet: str | int | None = None
    header_row: int = Field(1, ge=1)
    layout: Literal["wide", "long"] = "wide"
    site: str = "MAIN"
    as_of: date | None = None
    columns: dict[str, str]
    criticality: dict[Literal["A", "B", "C"], str] | None = None
    periods: Periods = Field(default_factory=Periods)
    issue_as: Literal["issue_production", "issue_maintenance", "issue_sales", "issue_other"] = (
        "issue_other"
    )
    defaults: dict[str, str | float] = Field(default_factory=dict)
    currency: str | None = None

    @field_validator("columns")
    @classmethod
    def _columns(cls, columns: dict[str, str]) -> dict[str, str]:
        sources: dict[str, str] = {}
        for target, source in columns.items():
            if target not in LONG_TARGETS:
                raise ValueError(f"{target!r} is not a column Stockwise knows: use {LONG_TARGETS}")
            key = str(source).strip().lower()
            if key in sources:
                raise ValueError(
                    f"the sheet column {source!r} is mapped twice ({sources[key]} and {target})"
                )
            sources[key] = target
        if "item_id" not in columns:
            raise ValueError("map item_id: the column holding the material number")
        return {t: str(s).strip() for t, s in columns.items()}

    @field_validator("defaults")
    @classmethod
    def _defaults(cls, defaults: dict) -> dict:
        allowed = {
            "recorded_category": CATEGORIES,
            "mro_subtype": MRO_SUBTYPES,
            "criticality": CRITICALITY,
            "txn_type": tuple(TXN_SIGNS),
        }
        for key, value in defaults.items():
            if key not in LONG_TARGETS:
                raise ValueError(f"default for {key!r}: not a column Stockwise knows")
            if key in allowed and value not in allowed[key]:
                raise ValueError(f"default {key}: {value!r} is not one of {allowed[key]}")
        return defaults


class _StrictLoader(yaml.SafeLoader):
    pass


def _no_duplicate_keys(loader, node, deep=False):
    seen: dict[object, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise ImportRefusedError(
                f"line {key_node.start_mark.line + 1}: {key!r} is mapped twice "
                f"(first on line {seen[key]}); keep one"
            )
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicate_keys)


def load_mapping(path: Path) -> SheetMapping:
    where = Path(path).name
    try:
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_StrictLoader)
    except ImportRefusedError as exc:
        raise ImportRefusedError(f"{where} {exc}") from exc
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ImportRefusedError(f"{where}: cannot be read as YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise ImportRefusedError(f"{where}: a mapping file is a YAML mapping (sheet, columns, ...)")
    try:
        return SheetMapping.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(p) for p in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ImportRefusedError(f"{where}: {place}: {message}") from exc
