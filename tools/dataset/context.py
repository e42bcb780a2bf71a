"""What a tool is called with besides its arguments: the dataset and the settings.

Every agent tool has the shape `tool(ctx: ToolContext, args: SomeInput) -> SomeResult`, so
a script, a notebook, a test and the agent call it the same way. Costly helpers a tool needs
(a fitted classifier, a document retriever) hang off the context and are built once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.model import Dataset


@dataclass
class ToolContext:
    dataset: Dataset
    settings: Settings
    # Lazily built, per-context services (name -> object), e.g. "retriever", "classifier".
    services: dict[str, Any] = field(default_factory=dict)

    def service(self, name: str, factory):  # type: ignore[no-untyped-def]
        """Return the service `name`, building it with `factory(self)` the first time."""
        if name not in self.services:
            self.services[name] = factory(self)
        return self.services[name]
