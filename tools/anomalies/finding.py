"""What the anomaly checks report: the kinds of finding and the finding itself, plain models
the agent tool's result names without loading the detectors (pandas)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from stockwise.tools.stock.rows import DemandWindow

KINDS = (
    "mro_in_bom",
    "dual_use",
    "count_variance",
    "negative_book",
    "demand_spike",
    "dead_stock",
    "slow_moving",
    "duplicate_item",
    "excess_stock",
    "stalled_order",
)


class Finding(BaseModel):
    kind: str
    item_id: str | None = None
    ref_id: str | None = Field(default=None, description="site, parent item or twin item id")
    related_ids: list[str] = Field(
        default_factory=list, description="every item the finding is about (duplicate groups)"
    )
    severity: str = Field(description="high, medium or low")
    confidence: float = Field(
        default=1.0,
        description="how sure the check is: 1 for facts read off the books, lower for "
        "judgements such as a probable duplicate",
    )
    value_at_stake: float = Field(description="money the finding puts at risk")
    summary: str
    evidence_rows: list[dict] = Field(default_factory=list)
    demand_windows: list[DemandWindow] = Field(
        default_factory=list,
        description="the demand windows behind the finding's daily rates and days of cover",
    )
