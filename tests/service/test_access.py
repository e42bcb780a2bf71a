"""Keys, roles, thread isolation and rate limits, against a real server."""

from __future__ import annotations

import json

import httpx
import pytest

from stockwise.assistant.service.auth import KeyStore, RateLimiter, add_key, hash_key

from .conftest import serve_demo

QUESTION = "what is below reorder point?"


def ask(served, user: str, thread: str | None = None) -> httpx.Response:
    body = {"message": QUESTION, **({"thread_id": thread} if thread else {})}
    return httpx.post(f"{served.url}/api/chat", json=body, headers=served.auth(user), timeout=60)


def test_keys_are_stored_hashed_only(tmp_path):
    path = tmp_path / "keys.json"
    key = add_key(path, "ana", "viewer")
    stored = path.read_text()
    assert key not in stored and hash_key(key) in stored
    assert KeyStore.load(path).lookup(key).role == "viewer"
    with pytest.raises(ValueError, match="role 'boss'"):
        add_key(path, "bo", "boss")


def test_a_bad_keys_file_names_the_entry(tmp_path):
    path = tmp_path / "keys.json"
    path.write_text(json.dumps([{"user": "x", "role": "owner", "key_sha256": "ab"}]))
    with pytest.raises(ValueError, match="entry 1 has role 'owner'"):
        KeyStore.load(path)


def test_no_key_or_a_wrong_key_is_401(served):
    assert httpx.post(f"{served.url}/api/chat", json={"message": QUESTION}).status_code == 401
    wrong = {"Authorization": "Bearer key-ana-viewer-not"}
    reply = httpx.post(f"{served.url}/api/chat", json={"message": QUESTION}, headers=wrong)
    assert reply.status_code == 401


def test_threads_are_private_except_to_auditors_and_admins(served):
    thread = ask(served, "ana").json()["thread_id"]
    url = f"{served.url}/api/threads/{thread}"
    assert httpx.get(url, headers=served.auth("ed")).status_code == 403
    assert httpx.get(url, headers=served.auth("bo")).status_code == 403
    assert ask(served, "ed", thread).status_code == 403
    for reader in ("ana", "cy", "di"):
        assert httpx.get(url, headers=served.auth(reader)).status_code == 200, reader
    # An auditor reads but does not write into someone's thread.
    assert ask(served, "cy", thread).status_code == 403


def test_only_managers_and_admins_approve(served):
    asked = httpx.post(
        f"{served.url}/api/chat",
        json={"message": "draft purchase requisitions for critical spare parts"},
        headers=served.auth("ana"),
        timeout=60,
    ).json()
    resume = f"{served.url}/api/threads/{asked['thread_id']}/resume"
    denied = httpx.post(resume, json={"decision": "approve"}, headers=served.auth("ana"))
    assert denied.status_code == 403 and "viewer" in denied.json()["detail"]
    # The manager does not own ana's thread; the admin may answer it.
    assert (
        httpx.post(resume, json={"decision": "reject"}, headers=served.auth("bo")).status_code
        == 403
    )
    done = httpx.post(
        resume,
        json={"decision": "reject", "comment": "not now"},
        headers=served.auth("di"),
        timeout=60,
    )
    assert done.status_code == 200 and done.json()["pending_actions"] == []


def test_only_auditors_and_admins_read_the_audit_log(served):
    ask(served, "ana")
    assert httpx.get(f"{served.url}/api/audit", headers=served.auth("bo")).status_code == 403
    entries = httpx.get(f"{served.url}/api/audit", headers=served.auth("cy")).json()["entries"]
    kinds = [e["kind"] for e in entries]
    assert kinds == ["question", "tool_call", "answer"]
    assert entries[0]["user"] == "ana" and entries[0]["data"]["text"] == QUESTION
    assert entries[1]["data"]["tool"] == "below_reorder_point"
    assert len(entries[1]["data"]["result_sha256"]) == 64


def test_rate_limit_per_key(demo_dataset, keyed_settings):
    settings = keyed_settings.model_copy(update={"rate_limit_per_minute": 3})
    with serve_demo(demo_dataset, settings) as served:
        url = f"{served.url}/v1/models"
        codes = [httpx.get(url, headers=served.auth("ana")).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = httpx.get(url, headers=served.auth("ana"))
        assert int(limited.headers["Retry-After"]) >= 1
        # Another key has its own allowance.
        assert httpx.get(url, headers=served.auth("ed")).status_code == 200


def test_rate_limiter_refills_over_time():
    limiter = RateLimiter(per_minute=60)
    for _ in range(60):
        assert limiter.take("k") == 0
    wait = limiter.take("k")
    assert 0 < wait <= 1.0


def _kinds(served, thread: str) -> list[str]:
    return [e["kind"] for e in served.session_audit() if e["data"].get("thread_id") == thread]


def test_every_decision_and_waiting_action_is_in_the_audit_log(served):
    def draft(user: str) -> str:
        return httpx.post(
            f"{served.url}/api/chat",
            json={"message": "draft purchase requisitions for critical spare parts"},
            headers=served.auth(user),
            timeout=60,
        ).json()["thread_id"]

    def decide(user: str, thread: str, decision: str) -> int:
        return httpx.post(
            f"{served.url}/api/threads/{thread}/resume",
            json={"decision": decision},
            headers=served.auth(user),
            timeout=60,
        ).status_code

    thread = draft("bo")
    assert decide("ana", thread, "approve") == 403  # a viewer
    assert decide("bo", thread, "reject") == 200
    assert decide("bo", thread, "approve") == 409  # nothing waits any more
    decisions = {"pending_action", "decision_refused", "approval", "rejection"}
    assert [k for k in _kinds(served, thread) if k in decisions] == [
        "pending_action",
        "decision_refused",
        "rejection",
        "decision_refused",
    ]
    rejection = [e for e in served.session_audit() if e["kind"] == "rejection"][0]
    assert rejection["data"]["actions"][0]["action"] == "draft_purchase_requisitions"
    # A question while an action waits keeps the action waiting and says so: logged.
    thread = draft("bo")
    reply = httpx.post(
        f"{served.url}/api/chat",
        json={"message": QUESTION, "thread_id": thread},
        headers=served.auth("bo"),
        timeout=60,
    )
    reply.raise_for_status()
    assert "waiting for your decision" in reply.json()["answer"]
    assert reply.json()["pending_actions"][0]["action"] == "draft_purchase_requisitions"
    assert _kinds(served, thread)[1:4] == ["pending_action", "question", "action_still_waiting"]
    assert decide("bo", thread, "reject") == 200  # it was still there to decide
    # The OpenAI route logs a refused approval too.
    thread = draft("ana")
    refused = httpx.post(
        f"{served.url}/v1/chat/completions",
        json={"messages": [{"role": "user", "content": "approve"}]},
        headers={**served.auth("ana"), "X-Thread-Id": thread},
        timeout=60,
    )
    assert refused.status_code == 403 and _kinds(served, thread)[-1] == "decision_refused"
