"""Choosing the item-and-site rows a tool call is about, with errors a manager can act on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field
from rapidfuzz import process

from stockwise.tools.core.contract import cli, fills
from stockwise.tools.core.errors import InvalidArgumentError, UnknownEntityError, UnknownItemError

if TYPE_CHECKING:
    import pandas as pd

    from stockwise.tools.dataset.model import Dataset

# The selection every replenishment tool takes, declared once (planner entity, CLI option).
Group = Annotated[
    Literal["mro", "raw", "wip"] | None,
    Field(
        description="mro = spares/consumables, raw = raw materials, wip = semi-finished.",
        json_schema_extra=fills(category="replenish_group"),
    ),
]
Site = Annotated[
    str | None,
    Field(
        description="Site id; omit for all sites.", json_schema_extra=fills("site") | cli("--site")
    ),
]
CriticalOnly = Annotated[
    bool,
    Field(
        description="Only criticality-A items.",
        json_schema_extra=fills(criticality="is_critical") | cli("--critical"),
    ),
]


def check_item(ds: Dataset, item_id: str) -> None:
    ids = ds.items["item_id"]
    if item_id in set(ids):
        return
    matches = process.extract(item_id, list(ids), limit=3)
    raise UnknownItemError(item_id, [m[0] for m in matches])


def select_rows(
    ds: Dataset,
    facts: pd.DataFrame,
    *,
    item_id: str | None = None,
    group: str | None = None,
    site_id: str | None = None,
    critical_only: bool = False,
    mro_subtype: str | None = None,
) -> pd.DataFrame:
    """The rows of `facts` matching the filters (all filters optional)."""
    from stockwise.tools.replenish.items import GROUPS

    rows = facts
    if item_id is not None:
        check_item(ds, item_id)
        rows = rows[rows["item_id"] == item_id]
        if rows.empty:
            raise InvalidArgumentError(
                f"item {item_id} has no stock_levels row, so it has no stock policy to plan"
            )
    if group is not None:
        if group not in GROUPS:
            raise InvalidArgumentError(f"group must be one of {', '.join(GROUPS)}, not {group!r}")
        rows = rows[rows["group"] == group]
    if site_id is not None:
        sites = set(ds.sites["site_id"])
        if site_id not in sites:
            raise UnknownEntityError("site", site_id, sorted(sites)[:5])
        rows = rows[rows["site_id"] == site_id]
    if critical_only:
        rows = rows[rows["criticality"] == "A"]
    if mro_subtype is not None:
        from stockwise.tools.dataset.schema import MRO_SUBTYPES

        if mro_subtype not in MRO_SUBTYPES:
            raise InvalidArgumentError(
                f"MRO subtype must be one of {', '.join(MRO_SUBTYPES)}, not {mro_subtype!r}"
            )
        subtype = ds.items.set_index("item_id")["mro_subtype"]
        rows = rows[rows["item_id"].map(subtype).astype(object) == mro_subtype]
    return rows.reset_index(drop=True)
