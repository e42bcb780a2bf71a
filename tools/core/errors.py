"""The domain's own exceptions. Every message is written for a plant manager: what is wrong,
where, and what to do. The CLI prints them; the agent's tool node returns them to the model;
only HTTP routes turn them into status codes."""

from __future__ import annotations


class StockwiseError(Exception):
    """Base class: anything Stockwise refuses with an explanation."""


class DatasetError(StockwiseError):
    """A dataset could not be loaded. `report` holds every problem found."""

    def __init__(self, message: str, report: object | None = None) -> None:
        super().__init__(message)
        self.report = report


class UnknownItemError(StockwiseError):
    def __init__(self, query: str, suggestions: list[str] | None = None) -> None:
        self.query = query
        self.suggestions = suggestions or []
        hint = f"; closest matches: {', '.join(self.suggestions)}" if self.suggestions else ""
        super().__init__(f"no item {query!r}{hint}")


class UnknownEntityError(StockwiseError):
    """An unknown site, equipment, order, category ... (anything but an item)."""

    def __init__(self, kind: str, query: str, suggestions: list[str] | None = None) -> None:
        self.kind = kind
        self.query = query
        self.suggestions = suggestions or []
        hint = f"; closest matches: {', '.join(self.suggestions)}" if self.suggestions else ""
        super().__init__(f"no {kind} {query!r}{hint}")


class InvalidArgumentError(StockwiseError):
    """An argument that cannot be right: an impossible date, a negative horizon, ..."""
