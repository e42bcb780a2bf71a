"""Purchase requisitions over MCP: the call drafts and writes nothing; a decision by a
manager or admin (the drafter, or an admin) writes them through the agent's own approval
path; every step is in the audit log; a decision is taken once."""

from __future__ import annotations

import anyio

from stockwise.assistant.service.audit import open_audit_log
from stockwise.assistant.service.audit_verify import verify_settings
from stockwise.tools.replenish.requisitions import requisitions_path

DRAFT = ("draft_purchase_requisitions", {"group": "mro", "critical_only": True})


def _audit(space) -> list[tuple[str, str]]:
    log = open_audit_log(space.settings)
    try:
        return [(e["kind"], e["user"]) for e in log.entries()]
    finally:
        log.close()


def _draft(client_as, user="ana", role="manager"):
    async def main():
        async with client_as(user, role) as client:
            return await client.call_tool(*DRAFT)

    drafted = anyio.run(main)
    assert not drafted.is_error, drafted.content[0].text
    return drafted


def _decide(client_as, user, role, action_id, decision="approve"):
    async def main():
        async with client_as(user, role) as client:
            return await client.call_tool(
                "decide_action", {"action_id": action_id, "decision": decision}
            )

    return anyio.run(main)


def test_a_draft_writes_nothing_and_names_the_action_to_decide(client_as, space):
    drafted = _draft(client_as)
    shown = drafted.structured_content
    assert shown["drafts"] and shown["written"] is False
    action_id = shown["pending_action"]["action_id"]
    assert f"NOT WRITTEN: action {action_id} waits for a decision" in drafted.content[0].text
    assert not requisitions_path(space.settings).exists()
    assert ("pending_action", "ana") in _audit(space)


def test_a_viewer_may_not_approve_and_the_refusal_is_logged(client_as, space):
    action_id = _draft(client_as, "vic", "viewer").structured_content["pending_action"]["action_id"]
    refused = _decide(client_as, "vic", "viewer", action_id)
    assert refused.is_error
    assert refused.content[0].text == (
        "vic (viewer) may not approve or reject actions: only admin or manager roles may"
    )
    assert not requisitions_path(space.settings).exists()
    assert ("decision_refused", "vic") in _audit(space)


def test_a_manager_approves_their_draft_once_and_it_is_written_with_their_name(client_as, space):
    drafted = _draft(client_as).structured_content
    action_id = drafted["pending_action"]["action_id"]
    approved = _decide(client_as, "ana", "manager", action_id)
    assert not approved.is_error, approved.content[0].text
    shown = approved.structured_content
    assert shown["carried_out"] is True and shown["decided_by"] == "ana"
    written = requisitions_path(space.settings).read_text(encoding="utf-8").splitlines()
    assert len(written) == 1 + len(drafted["drafts"])  # header and one line per draft
    assert all(",ana," in line for line in written[1:])
    again = _decide(client_as, "ana", "manager", action_id)
    assert (
        again.is_error
        and f"action {action_id} was already approved by ana" in again.content[0].text
    )
    kinds = _audit(space)
    assert kinds.index(("pending_action", "ana")) < kinds.index(("approval", "ana"))
    assert ("decision_refused", "ana") in kinds
    verdict = verify_settings(space.settings)  # what `stockwise audit verify` checks
    assert verdict.ok and verdict.entries == len(kinds)


def test_only_the_drafter_or_an_admin_decides(client_as, space):
    action_id = _draft(client_as, "ana").structured_content["pending_action"]["action_id"]
    other = _decide(client_as, "bo", "manager", action_id)
    assert other.is_error
    assert "drafted by ana: only they or an admin may decide it" in other.content[0].text
    rejected = _decide(client_as, "root", "admin", action_id, "reject")
    assert not rejected.is_error and rejected.structured_content["carried_out"] is False
    assert not requisitions_path(space.settings).exists()
    assert ("rejection", "root") in _audit(space)


def test_deciding_an_unknown_action_is_refused(client_as):
    refused = _decide(client_as, "ana", "manager", "act-000000000000")
    assert refused.is_error
    assert refused.content[0].text == "no action 'act-000000000000' is waiting: draft one first"


def test_a_write_that_fails_leaves_the_action_to_decide_again(client_as, space):
    action_id = _draft(client_as).structured_content["pending_action"]["action_id"]
    path = requisitions_path(space.settings)
    path.parent.mkdir(parents=True)
    path.write_text("edited by hand\n", encoding="utf-8")
    failed = _decide(client_as, "ana", "manager", action_id)
    assert failed.is_error
    assert "does not start with the requisition header" in failed.content[0].text
    assert path.read_text(encoding="utf-8") == "edited by hand\n"  # nothing half-written
    assert ("action_failed", "ana") in _audit(space)
    path.unlink()
    again = _decide(client_as, "ana", "manager", action_id)
    assert not again.is_error and again.structured_content["carried_out"] is True
