"""The `find_anomalies` agent tool."""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, Field

from stockwise.tools.anomalies.finding import KINDS, Finding
from stockwise.tools.core.contract import fills
from stockwise.tools.core.errors import InvalidArgumentError
from stockwise.tools.core.results import MAX_EVIDENCE_IDS, Evidence, ToolResult
from stockwise.tools.dataset.context import ToolContext


class FindAnomaliesInput(BaseModel):
    kinds: list[str] | None = Field(
        default=None, description=f"Which checks to run (default all): {', '.join(KINDS)}"
    )
    item_id: str | None = Field(
        default=None, description="Only findings about this item", json_schema_extra=fills("item")
    )
    limit: int = Field(
        default=30,
        description="How many findings to return (1-500)",
        json_schema_extra=fills("top"),
    )


class FindAnomaliesResult(ToolResult):
    findings: list[Finding]
    n_findings: int
    by_kind: dict[str, int]


def mro_items_for(ctx: ToolContext) -> set[str]:
    from stockwise.tools.anomalies.run import mro_items
    from stockwise.tools.classify.service import classifications

    return mro_items(classifications(ctx), ctx.settings.classify_min_confidence)


def find_anomalies(ctx: ToolContext, args: FindAnomaliesInput) -> FindAnomaliesResult:
    """Find inventory anomalies, each with the rows that show it, a severity and the money at
    stake: MRO items (tools, gloves, lubricants) inside production BOMs, items consumed by both
    production and maintenance, on hand vs book balance variances, negative book balances,
    demand spikes far outside an item's history, dead stock, probable duplicate items, excess
    stock and production orders stalled at a stage."""
    from stockwise.tools.anomalies.run import find_all

    kinds = tuple(args.kinds or KINDS)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise InvalidArgumentError(
            f"unknown anomaly kind {', '.join(unknown)}: use {', '.join(KINDS)}"
        )
    if not 1 <= args.limit <= 500:
        raise InvalidArgumentError(f"limit must be between 1 and 500, not {args.limit}")
    mro = mro_items_for(ctx) if "mro_in_bom" in kinds else set()
    findings = find_all(
        ctx.dataset, mro, ctx.settings.variance_threshold_pct, ctx.settings.dead_stock_days, kinds
    )
    if args.item_id:
        wanted = args.item_id.strip()
        findings = [f for f in findings if wanted in (f.item_id, f.ref_id)]
    shown = findings[: args.limit]
    return FindAnomaliesResult(
        findings=shown,
        n_findings=len(findings),
        by_kind=dict(Counter(f.kind for f in findings)),
        evidence=Evidence(
            tool="find_anomalies",
            params={
                **args.model_dump(),
                "variance_threshold_pct": ctx.settings.variance_threshold_pct,
                "dead_stock_days": ctx.settings.dead_stock_days,
            },
            as_of=ctx.dataset.as_of,
            rows_used=ctx.dataset.row_counts(),
            ids=[f.item_id for f in shown if f.item_id][:MAX_EVIDENCE_IDS],
        ),
    )
