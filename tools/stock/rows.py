"""Rows the stock tools' results share (an item, the demand window behind a daily rate):
plain models, so a result model names them without loading pandas."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

# The data contract's window for average daily demand (and so days of cover).
COVER_WINDOW_DAYS = 90


class ItemRow(BaseModel):
    item_id: str
    description: str
    category: str
    uom: str


class DemandWindow(BaseModel):
    """The demand a daily rate is computed from: demand booked after `start`, up to and
    including `end` (the snapshot), divided by `days`."""

    start: datetime = Field(description="Exclusive: demand booked after this moment counts.")
    end: datetime = Field(description="Inclusive: the snapshot time (as_of).")
    days: int

    def label(self) -> str:
        """'the 90 days to 2025-09-30 18:00 (after 2025-07-02 18:00)'."""
        return (
            f"the {self.days} days to {self.end:%Y-%m-%d %H:%M} (after {self.start:%Y-%m-%d %H:%M})"
        )
