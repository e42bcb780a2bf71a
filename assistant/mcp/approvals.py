"""Actions over MCP: a call drafts, a person decides. `draft_purchase_requisitions` runs
without an approval (so it writes nothing) and leaves a pending action with an id;
`decide_action` approves or rejects it under the caller's name and role, checked the way
every surface checks them (only managers and admins; only the drafter or an admin), each
step in the audit log. An approved action runs through the agent's own `carry_out`, which
checks the role once more and writes the requisitions with the approver's name beside them.

Pending actions live in SQLite in the data directory, so a decision may come from another
MCP session (the drafter's client restarted) and a decision is taken once: of two at the
same time, the second is told it was already decided."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from stockwise.assistant.mcp.catalog import McpTool
from stockwise.assistant.mcp.workspace import Workspace
from stockwise.assistant.service.auth import Principal
from stockwise.tools.core.approval import APPROVER_ROLES, may_approve
from stockwise.tools.core.contract import input_model
from stockwise.tools.core.errors import StockwiseError

DECIDE = "decide_action"


class DecisionRefused(StockwiseError):
    """A decision the caller may not make, or on nothing that waits."""


class DecideActionInput(BaseModel):
    action_id: str = Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="The action_id a drafting call returned.",
    )
    decision: Literal["approve", "reject"] = Field(description="approve writes; reject drops.")
    comment: str | None = Field(
        default=None, max_length=2000, description="Why, kept beside the decision."
    )


class DecideActionResult(BaseModel):
    action_id: str
    action: str = Field(description="The tool the decision was about.")
    decision: Literal["approve", "reject"]
    decided_by: str
    role: str
    carried_out: bool = Field(description="True when the action ran (approved and allowed).")
    message: str
    result: dict[str, Any] | None = Field(
        default=None, description="The action's own result when it ran (written paths, ids)."
    )


DECIDE_DESCRIPTION = (
    "Approve or reject an action an MCP call drafted (purchase requisitions), as the caller: "
    "only a manager or an admin may, and only for their own drafts (an admin for anyone's). "
    "Approving writes the drafts to the data folder's requisitions/ with the approver's name; "
    "rejecting drops them. Both go to the audit log."
)


def decide_tool() -> McpTool:
    # Not a tool function of the agent: it needs the caller, so the server runs it with them.
    return McpTool(
        name=DECIDE,
        fn=decide,
        input_model=DecideActionInput,
        result_model=DecideActionResult,
        description=DECIDE_DESCRIPTION,
        writes=True,
    )


class PendingActions:
    """action id -> the drafted call (tool, arguments), who drafted it, and its decision."""

    def __init__(self, path: Path) -> None:
        # sqlite3 loads with the first pending action, not with the tool listing (which
        # names decide_action): 3 ms of CPU less before a start's first tools/list answer.
        import sqlite3

        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
        self._lock = threading.Lock()
        with self._lock, self._conn:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS pending_action (action_id TEXT PRIMARY KEY, "
                "tool TEXT NOT NULL, args TEXT NOT NULL, user TEXT NOT NULL, "
                "created_at TEXT NOT NULL, decision TEXT, decided_by TEXT, decided_at TEXT)"
            )

    def add(self, tool: str, args: dict[str, Any], user: str) -> str:
        action_id = "act-" + uuid.uuid4().hex[:12]
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT INTO pending_action (action_id, tool, args, user, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (action_id, tool, json.dumps(args), user, _now()),
            )
        return action_id

    def find(self, action_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT tool, args, user, decision, decided_by, decided_at FROM pending_action "
                "WHERE action_id = ?",
                (action_id,),
            ).fetchone()
        if row is None:
            return None
        keys = ("tool", "args", "user", "decision", "decided_by", "decided_at")
        found = dict(zip(keys, row, strict=True))
        found["args"] = json.loads(found["args"])
        return found

    def claim(self, action_id: str, decision: str, by: str) -> bool:
        """Record the decision if none was taken yet; False when one was (a race lost)."""
        with self._lock, self._conn:
            done = self._conn.execute(
                "UPDATE pending_action SET decision = ?, decided_by = ?, decided_at = ? "
                "WHERE action_id = ? AND decision IS NULL",
                (decision, by, _now(), action_id),
            )
        return done.rowcount == 1

    def release(self, action_id: str) -> None:
        """Undo a claim whose action failed to run, so it can be decided again."""
        with self._lock, self._conn:
            self._conn.execute(
                "UPDATE pending_action SET decision = NULL, decided_by = NULL, "
                "decided_at = NULL WHERE action_id = ?",
                (action_id,),
            )

    def close(self) -> None:
        self._conn.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def pending_path(space: Workspace) -> Path:
    return Path(space.settings.data_dir) / "mcp_actions.sqlite"


_stores: dict[Path, PendingActions] = {}
_stores_lock = threading.Lock()


def pending_actions(space: Workspace) -> PendingActions:
    path = pending_path(space)
    with _stores_lock:
        if path not in _stores:
            _stores[path] = PendingActions(path)
        return _stores[path]


def draft(space: Workspace, tool: McpTool, args: BaseModel, who: Principal) -> dict[str, Any]:
    """Run an action without an approval (it drafts, writes nothing) and leave it pending."""
    result = tool.fn(space.ctx, args)
    shown = json.loads(result.model_dump_json())
    if not getattr(result, "drafts", None):
        return shown  # nothing to decide
    plain_args = args.model_dump(mode="json")
    action_id = pending_actions(space).add(tool.name, plain_args, who.user)
    space.audit(
        "pending_action", who.user, action_id=action_id, action=tool.name, args=plain_args,
        ids=shown.get("evidence", {}).get("ids", []),
    )  # fmt: skip
    shown["pending_action"] = {
        "action_id": action_id,
        "decide_with": DECIDE,
        "approvers": sorted(APPROVER_ROLES),
        "question": f"Stockwise drafted {tool.name}. Approve or reject action {action_id}?",
    }
    return shown


def refusal(found: dict[str, Any] | None, action_id: str, who: Principal) -> str:
    """Why `who` may not decide the action, or "" when they may."""
    if found is None:
        return f"no action {action_id!r} is waiting: draft one first"
    if found["decision"]:
        return (
            f"action {action_id} was already {found['decision']}d by {found['decided_by']} "
            f"at {found['decided_at']}"
        )
    if not may_approve(who.role):
        return (
            f"{who.user} ({who.role}) may not approve or reject actions: only "
            f"{' or '.join(sorted(APPROVER_ROLES))} roles may"
        )
    if found["user"] != who.user and who.role != "admin":
        drafter = found["user"]
        return f"action {action_id} was drafted by {drafter}: only they or an admin may decide it"
    return ""


def decide(space: Workspace, args: DecideActionInput, who: Principal) -> dict[str, Any]:
    from stockwise.assistant.agent.registry import carry_out, domain_tools

    store = pending_actions(space)
    found = store.find(args.action_id)
    why = refusal(found, args.action_id, who)
    if not why and not store.claim(args.action_id, args.decision, who.user):
        why = refusal(store.find(args.action_id), args.action_id, who)
    if why:
        space.audit(
            "decision_refused", who.user, action_id=args.action_id, decision=args.decision,
            role=who.role, why=why,
        )  # fmt: skip
        raise DecisionRefused(why)
    assert found is not None
    kind = "approval" if args.decision == "approve" else "rejection"
    space.audit(
        kind, who.user, action_id=args.action_id, decision=args.decision, comment=args.comment,
        actions=[{"action": found["tool"], "args": found["args"]}],
    )  # fmt: skip
    fn = {f.__name__: f for f in domain_tools()}[found["tool"]]
    payload = {"decision": args.decision, "comment": args.comment, "by": who.user, "role": who.role}
    try:
        outcome = json.loads(
            carry_out(fn, space.ctx, input_model(fn).model_validate(found["args"]), payload)
        )
    except Exception as error:
        store.release(args.action_id)  # not carried out: it may be decided again
        space.audit(
            "action_failed", who.user, action_id=args.action_id, tool=found["tool"],
            why=f"{type(error).__name__}: {error}",
        )  # fmt: skip
        raise
    carried = args.decision == "approve" and not outcome.get("rejected")
    if carried:
        written = outcome.get("path")
        message = f"Approved by {who.user}; written to {written}." if written else "Approved."
    else:
        message = str(outcome.get("message") or f"Rejected by {who.user}.")
    space.audit(
        "tool_call", who.user, action_id=args.action_id, tool=found["tool"], args=found["args"],
        status="success" if carried else "not_run",
    )  # fmt: skip
    return DecideActionResult(
        action_id=args.action_id,
        action=found["tool"],
        decision=args.decision,
        decided_by=who.user,
        role=who.role,
        carried_out=carried,
        message=message,
        result=outcome if carried else None,
    ).model_dump(mode="json")
