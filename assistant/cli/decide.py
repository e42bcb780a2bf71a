"""`stockwise ask --thread T --approve/--reject`: the command line's way to decide a paused
action, under the same rules as the service. The CLI acts as the settings' local user and
role; the decision is refused (and logged) when nothing waits, when the role may not
approve, or when the thread is another user's; every decision goes to the audit log."""

from __future__ import annotations

from typing import Any

from stockwise.assistant.agent.session import AgentSession
from stockwise.assistant.service.audit_store import open_service_audit
from stockwise.assistant.service.threads import ThreadOwners
from stockwise.tools.core.approval import may_approve
from stockwise.tools.core.errors import StockwiseError
from stockwise.tools.core.settings import Settings

CHANNEL = "cli"


class DecisionRefused(StockwiseError):
    """A decision the CLI user may not make, or with nothing to decide."""


def decide(session: AgentSession, thread_id: str, decision: str, settings: Settings) -> Any:
    """Approve or reject the action waiting in `thread_id`, as the local user."""
    user, role = settings.local_user, settings.local_role
    audit = open_service_audit(settings)
    try:
        waiting = session.pending(thread_id)
        why = refusal(waiting, thread_id, user, role, settings)
        if why:
            audit.append(
                "decision_refused", user, CHANNEL, thread_id=thread_id, decision=decision,
                role=role, why=why,
            )  # fmt: skip
            raise DecisionRefused(why)
        audit.append(
            "approval" if decision == "approve" else "rejection", user, CHANNEL,
            thread_id=thread_id, decision=decision, actions=waiting,
        )  # fmt: skip
        return session.resume({"decision": decision, "by": user, "role": role}, thread_id)
    finally:
        audit.close()


def refusal(waiting: list, thread_id: str, user: str, role: str, settings: Settings) -> str:
    """Why the local user may not decide in this thread, or "" when they may."""
    if not waiting:
        return f"nothing is waiting for approval in thread {thread_id}"
    if not may_approve(role):
        return (
            f"{user} ({role}) may not approve or reject actions: set STOCKWISE_LOCAL_ROLE to "
            "manager or admin, or ask someone who is"
        )
    owners = ThreadOwners(settings.service_db_path)
    try:
        owner = owners.owner(thread_id)
    finally:
        owners.close()
    if owner is not None and owner != user and role != "admin":
        return f"thread {thread_id} belongs to {owner}: only they or an admin may decide it"
    return ""
