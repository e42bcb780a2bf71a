"""People's corrections of an item's category, kept append-only in the data directory.

A correction is never edited or deleted: a later one for the same item supersedes it, and the
whole history stays readable for audit. The latest correction is a trusted label at the next
training and is quoted in the item's explanation.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from rapidfuzz import process

from stockwise.tools.core.errors import InvalidArgumentError, UnknownItemError
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.dataset.schema import CATEGORIES, MRO_SUBTYPES


@dataclass(frozen=True)
class Correction:
    item_id: str
    category: str
    mro_subtype: str | None
    by: str
    why: str
    at: str


def corrections_path(data_dir: Path) -> Path:
    return Path(data_dir) / "classify" / "corrections.jsonl"


def suggest_items(ds: Dataset, query: str, limit: int = 3) -> list[str]:
    ids = ds.items["item_id"].astype(str).tolist()
    return [m[0] for m in process.extract(query, ids, limit=limit)]


def record_correction(
    data_dir: Path,
    ds: Dataset,
    item_id: str,
    category: str,
    by: str,
    why: str,
    mro_subtype: str | None = None,
) -> Correction:
    """Validate and append one correction; nothing is written if anything is wrong."""
    item_id = item_id.strip()
    if item_id not in set(ds.items["item_id"]):
        raise UnknownItemError(item_id, suggest_items(ds, item_id))
    category = category.strip().lower()
    if category in MRO_SUBTYPES and mro_subtype is None:
        category, mro_subtype = "mro", category  # "spare_part" is shorthand for mro/spare_part
    if category not in CATEGORIES:
        raise InvalidArgumentError(
            f"unknown category {category!r}: use one of {', '.join(CATEGORIES)}"
            f" (or an MRO subtype: {', '.join(MRO_SUBTYPES)})"
        )
    if mro_subtype is not None and (category != "mro" or mro_subtype not in MRO_SUBTYPES):
        raise InvalidArgumentError(
            f"subtype {mro_subtype!r} needs category mro and one of {', '.join(MRO_SUBTYPES)}"
        )
    if not by.strip():
        raise InvalidArgumentError("say who made the correction (--by NAME)")
    if not why.strip():
        raise InvalidArgumentError('say why the category is wrong (--why "...")')
    correction = Correction(
        item_id=item_id,
        category=category,
        mro_subtype=mro_subtype,
        by=by.strip(),
        why=why.strip(),
        at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    path = corrections_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(correction), ensure_ascii=False) + "\n"
    with path.open("a", encoding="utf-8") as fh:  # one write of one whole line
        fh.write(line)
    return correction


def load_corrections(data_dir: Path) -> list[Correction]:
    path = corrections_path(data_dir)
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            out.append(Correction(**json.loads(line)))
    return out


def latest_corrections(data_dir: Path) -> dict[str, Correction]:
    """item_id -> the most recent correction for it."""
    return {c.item_id: c for c in load_corrections(data_dir)}


def trusted_labels(
    ds: Dataset, corrections: dict[str, Correction]
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(category, subtype, weight) per item: recorded values, overridden by corrections."""
    items = ds.items.drop_duplicates("item_id").set_index("item_id")
    cat = items["recorded_category"].copy()
    sub = items["mro_subtype"].copy()
    weight = pd.Series(1.0, index=items.index)
    for item_id, c in corrections.items():
        if item_id in cat.index:
            cat[item_id] = c.category
            sub[item_id] = c.mro_subtype
            weight[item_id] = 3.0  # a person checked it: worth more than an ERP default
    return cat, sub, weight
