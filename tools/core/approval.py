"""Who may approve an action, and the approval an action is carried out under. One
authority for every surface: the CLI (the local user of the settings), the web page and
API (the key's user), Slack and Teams (the mapped user), MCP. Each surface says who is
deciding; the agent checks the role here before an action runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from stockwise.tools.core.errors import StockwiseError

ROLES = ("viewer", "manager", "auditor", "admin")
APPROVER_ROLES = frozenset({"manager", "admin"})


class NotAllowedError(StockwiseError):
    """Someone whose role may not do this tried to."""


def may_approve(role: str) -> bool:
    return role in APPROVER_ROLES


@dataclass(frozen=True)
class Approval:
    """A person's yes to one action: carried into the action, written beside what it did."""

    by: str
    role: str
    comment: str = ""
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        if not self.by.strip():
            raise NotAllowedError("an approval needs the name of the person who approves")
        if not may_approve(self.role):
            raise NotAllowedError(
                f"{self.by} ({self.role}) may not approve actions: "
                f"only {' or '.join(sorted(APPROVER_ROLES))} roles may"
            )
