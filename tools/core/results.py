"""What every tool result carries: its evidence, so each number can be traced and replayed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

MAX_EVIDENCE_IDS = 50


class Evidence(BaseModel):
    """Where a result came from: the call, the snapshot, and the rows it was computed from."""

    tool: str
    params: dict[str, Any] = Field(default_factory=dict)
    as_of: datetime | None = None
    rows_used: dict[str, int] = Field(
        default_factory=dict, description="table name -> number of rows the result read"
    )
    ids: list[str] = Field(
        default_factory=list,
        description=f"ids of the rows behind the result (the first {MAX_EVIDENCE_IDS})",
    )
    notes: list[str] = Field(default_factory=list, description="limits, assumptions, fallbacks")


class ToolResult(BaseModel):
    """Base of every tool result: subclasses add the answer's fields."""

    evidence: Evidence
