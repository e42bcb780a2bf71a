"""The native API against a real server: ask, stream, threads, resume, health."""

from __future__ import annotations

import json

import httpx

QUESTION = "what is below reorder point?"


def sse_events(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_health_and_ready(served):
    assert httpx.get(f"{served.url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{served.url}/readyz").json()
    assert ready["status"] == "ready" and ready["as_of"]


def test_chat_answers_with_sources_and_the_cli_figures(served):
    reply = httpx.post(
        f"{served.url}/api/chat", json={"message": QUESTION}, headers=served.auth("ana"), timeout=60
    )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["thread_id"] and body["answer"]
    assert [s["tool"] for s in body["sources"]] == ["below_reorder_point"]
    # The same question through the CLI's own session path gives the same answer.
    direct = served.session.ask(QUESTION, "direct-thread")
    assert body["answer"] == direct["answer"]


def test_chat_streams_tool_calls_then_the_result(served):
    with httpx.stream(
        "POST",
        f"{served.url}/api/chat",
        json={"message": QUESTION, "stream": True},
        headers=served.auth("ana"),
        timeout=60,
    ) as reply:
        assert reply.headers["content-type"].startswith("text/event-stream")
        events = sse_events(reply.read().decode())
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "tool_call" and events[0][1]["tool"] == "below_reorder_point"
    assert "tool_result" in kinds and kinds[-1] == "result"
    assert events[-1][1]["answer"]


def test_thread_history_and_follow_up(served):
    first = httpx.post(
        f"{served.url}/api/chat", json={"message": QUESTION}, headers=served.auth("ana"), timeout=60
    ).json()
    thread = first["thread_id"]
    httpx.post(
        f"{served.url}/api/chat",
        json={"message": "and at the second site?", "thread_id": thread},
        headers=served.auth("ana"),
        timeout=60,
    ).raise_for_status()
    history = httpx.get(f"{served.url}/api/threads/{thread}", headers=served.auth("ana")).json()
    roles = [m["role"] for m in history["messages"]]
    assert roles == ["user", "assistant", "user", "assistant"]
    assert history["messages"][0]["content"] == QUESTION
    assert history["messages"][1]["content"] == first["answer"]


def test_paused_action_is_approved_by_a_manager(served):
    asked = httpx.post(
        f"{served.url}/api/chat",
        json={"message": "draft purchase requisitions for critical spare parts"},
        headers=served.auth("bo"),
        timeout=60,
    ).json()
    assert asked["answer"] == ""
    assert asked["pending_actions"][0]["action"] == "draft_purchase_requisitions"
    thread = asked["thread_id"]
    pending = httpx.get(f"{served.url}/api/threads/{thread}", headers=served.auth("bo")).json()
    assert pending["pending_actions"]
    done = httpx.post(
        f"{served.url}/api/threads/{thread}/resume",
        json={"decision": "approve"},
        headers=served.auth("bo"),
        timeout=60,
    )
    assert done.status_code == 200, done.text
    assert done.json()["pending_actions"] == [] and done.json()["answer"]
    again = httpx.post(
        f"{served.url}/api/threads/{thread}/resume",
        json={"decision": "approve"},
        headers=served.auth("bo"),
    )
    assert again.status_code == 409


def test_bad_input_is_a_clear_422(served):
    reply = httpx.post(f"{served.url}/api/chat", json={"message": ""}, headers=served.auth("ana"))
    assert reply.status_code == 422
    assert "message" in reply.text


def test_two_concurrent_approvals_run_the_action_once(served):
    from concurrent.futures import ThreadPoolExecutor

    asked = httpx.post(
        f"{served.url}/api/chat",
        json={"message": "draft purchase requisitions for critical spare parts"},
        headers=served.auth("bo"),
        timeout=60,
    ).json()
    url = f"{served.url}/api/threads/{asked['thread_id']}/resume"

    def approve(_):
        return httpx.post(url, json={"decision": "approve"}, headers=served.auth("bo"), timeout=60)

    with ThreadPoolExecutor(4) as pool:
        codes = sorted(r.status_code for r in pool.map(approve, range(4)))
    assert codes == [200, 409, 409, 409]
    approvals = [
        e
        for e in served.session_audit()
        if e["kind"] == "approval" and e["data"]["thread_id"] == asked["thread_id"]
    ]
    assert len(approvals) == 1
