"""The one way an import is refused as a whole (as opposed to a row it drops)."""

from __future__ import annotations

from stockwise.tools.core.errors import StockwiseError


class ImportRefusedError(StockwiseError):
    """The source cannot be imported at all (an unreadable file, a missing or twice-mapped
    column, a dataset that would break the contract). Nothing was written."""
