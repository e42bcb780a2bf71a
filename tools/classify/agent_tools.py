"""Agent tools over the classifier: explain one item, list suspect recorded categories."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from stockwise.tools.core.contract import fills
from stockwise.tools.core.errors import InvalidArgumentError, UnknownItemError
from stockwise.tools.core.results import MAX_EVIDENCE_IDS, Evidence, ToolResult
from stockwise.tools.dataset.context import ToolContext

if TYPE_CHECKING:
    import pandas as pd


class ItemClassification(BaseModel):
    item_id: str
    description: str | None
    recorded_category: str | None
    predicted_category: str
    probability: float
    predicted_subtype: str | None
    subtype_probability: float | None
    corrected_category: str | None
    value_at_stake: float
    verdict: str = Field(description="'confident', or 'unsure' when the evidence is split")
    use_shares: dict[str, float] = Field(
        default_factory=dict, description="Share of issued quantity by use (production, ...)"
    )
    dual_use: bool = False
    explanation: str


def _to_model(item_id: str, row: pd.Series) -> ItemClassification:
    import pandas as pd

    def opt(v):  # type: ignore[no-untyped-def]
        return None if v is None or (isinstance(v, float) and pd.isna(v)) else v

    return ItemClassification(
        item_id=item_id,
        description=opt(row["description"]),
        recorded_category=opt(row["recorded_category"]),
        predicted_category=row["predicted_category"],
        probability=round(float(row["probability"]), 3),
        predicted_subtype=opt(row["predicted_subtype"]),
        subtype_probability=opt(
            None if pd.isna(row["subtype_probability"]) else round(row["subtype_probability"], 3)
        ),
        corrected_category=opt(row["corrected_category"]),
        value_at_stake=round(float(row["value_at_stake"]), 2),
        verdict=str(row.get("verdict", "confident")),
        use_shares={
            use: round(float(row[f"use_{use}"]), 3)
            for use in ("production", "maintenance", "other", "sales")
            if f"use_{use}" in row and float(row[f"use_{use}"]) > 0
        },
        dual_use=bool(row.get("dual_use", False)),
        explanation=row["explanation"],
    )


def _model_notes(table: pd.DataFrame) -> list[str]:
    m = table.attrs.get("model", {})
    return [
        f"classifier v{m.get('version')} trained {m.get('trained_at')} on {m.get('n_train')} "
        f"items with a recorded category; training items are judged out-of-fold",
        *table.attrs.get("input_notes", []),
    ]


class ClassifyItemInput(BaseModel):
    item_id: str = Field(description="The item id, e.g. 4410", json_schema_extra=fills("item"))


class ClassifyItemResult(ToolResult):
    item: ItemClassification


def classify_item(ctx: ToolContext, args: ClassifyItemInput) -> ClassifyItemResult:
    """Say what an item really is (raw material, WIP, finished good or MRO, with the MRO
    subtype) from how it behaves, with a probability and a plain-words explanation, next to the
    category the ERP records for it."""
    # The classifier (scikit-learn, joblib) loads on first use, not with the tool list:
    # importing stockwise.tools.classify took 2.0 s of CPU with it, 0.7 s without.
    from stockwise.tools.classify.corrections import suggest_items
    from stockwise.tools.classify.service import classifications

    table = classifications(ctx)
    item_id = args.item_id.strip()
    if item_id not in table.index:
        raise UnknownItemError(item_id, suggest_items(ctx.dataset, item_id))
    return ClassifyItemResult(
        item=_to_model(item_id, table.loc[item_id]),
        evidence=Evidence(
            tool="classify_item",
            params=args.model_dump(),
            as_of=ctx.dataset.as_of,
            rows_used=ctx.dataset.row_counts(),
            ids=[item_id],
            notes=_model_notes(table),
        ),
    )


class SuspectedInput(BaseModel):
    limit: int = Field(
        default=20,
        description="How many suspects to return (1-500)",
        json_schema_extra=fills("top"),
    )
    min_probability: float | None = Field(
        default=None, description="Confidence a prediction needs to contradict the ERP (0.5-1)"
    )
    include_blank: bool = Field(
        default=True, description="Also tag items whose category is blank in the ERP"
    )


class SuspectedResult(ToolResult):
    suspects: list[ItemClassification]
    n_suspects: int
    blank_tagged: list[ItemClassification]
    n_blank: int


def suspected_misclassifications(ctx: ToolContext, args: SuspectedInput) -> SuspectedResult:
    """List items whose recorded ERP category is probably wrong: a confident prediction from
    the item's behaviour disagrees. Ranked by confidence times the stock value at stake, each
    with its explanation. Also proposes a category for items recorded with none."""
    from stockwise.tools.classify.service import auto_tags, classifications, suspected  # as above

    if not 1 <= args.limit <= 500:
        raise InvalidArgumentError(f"limit must be between 1 and 500, not {args.limit}")
    threshold = args.min_probability or ctx.settings.classify_min_confidence
    if not 0.5 <= threshold <= 1.0:
        raise InvalidArgumentError(f"min_probability must be between 0.5 and 1, not {threshold}")
    table = classifications(ctx)
    bad = suspected(table, threshold)
    blank = auto_tags(table) if args.include_blank else table.iloc[0:0]
    shown = bad.head(args.limit)
    blank_shown = blank.head(args.limit)
    return SuspectedResult(
        suspects=[_to_model(i, r) for i, r in shown.iterrows()],
        n_suspects=len(bad),
        blank_tagged=[_to_model(i, r) for i, r in blank_shown.iterrows()],
        n_blank=len(blank),
        evidence=Evidence(
            tool="suspected_misclassifications",
            params={**args.model_dump(), "min_probability": threshold},
            as_of=ctx.dataset.as_of,
            rows_used=ctx.dataset.row_counts(),
            ids=list(shown.index[:MAX_EVIDENCE_IDS]),
            notes=_model_notes(table),
        ),
    )
