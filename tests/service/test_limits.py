"""Bounded input: one set of limits on every route, answered 413/422 with the limit named
before any agent work; strings cleaned at the edge; numbers and dates range-checked."""

from __future__ import annotations

import httpx
import pytest

from stockwise.assistant.service.limits import (
    MAX_BODY_BYTES,
    MAX_MESSAGE_CHARS,
    MAX_MESSAGES,
    MAX_PARTS,
    body_limit,
    clean_text,
)

QUESTION = "what is below reorder point?"


def completion(served, body: dict, user: str = "ana", **headers) -> httpx.Response:
    return httpx.post(
        f"{served.url}/v1/chat/completions",
        json=body,
        headers={**served.auth(user), **headers},
        timeout=60,
    )


def user_says(content) -> dict:
    return {"messages": [{"role": "user", "content": content}]}


def turns(served) -> int:
    return sum(e["kind"] == "question" for e in served.session_audit())


def test_clean_text():
    assert clean_text("a\udfffb") == "a\ufffdb"
    assert clean_text("a\x00b\x1bc\x7f\x85d\tx\r\ny\rz") == "abcd\tx\ny\nz"
    assert clean_text("e\u0301") == "\u00e9"  # NFC


def test_oversized_bodies_are_413_on_every_route(served):
    for path in ("/api/chat", "/v1/chat/completions", "/api/events", "/slack/events"):
        big = "x" * (body_limit(path) + 10)
        reply = httpx.post(
            f"{served.url}{path}",
            json={"message": big},
            headers=served.auth("di"),
            timeout=30,
        )
        assert reply.status_code == 413, (path, reply.status_code)
        assert "limit" in reply.json()["detail"]

    def chunked():  # no Content-Length: counted as it arrives
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"x" * 65536

    reply = httpx.post(
        f"{served.url}/v1/chat/completions", content=chunked(), headers=served.auth("ana")
    )
    assert reply.status_code == 413
    assert turns(served) == 0


def test_openai_requests_are_bounded_in_size_parts_messages_and_tokens(served):
    long = completion(served, user_says("x" * (MAX_MESSAGE_CHARS + 1)))
    assert long.status_code == 422 and f"limit is {MAX_MESSAGE_CHARS:,}" in long.text
    parts = [{"type": "text", "text": "a"}] * (MAX_PARTS + 1)
    assert completion(served, user_says(parts)).status_code == 422
    many = {"messages": [{"role": "user", "content": "hi"}] * (MAX_MESSAGES + 1)}
    assert completion(served, many).status_code == 422
    history = [{"role": "assistant", "content": "y" * 3000}] * 60 + [
        {"role": "user", "content": QUESTION}
    ]
    tokens = completion(served, {"messages": history})
    assert tokens.status_code == 422 and "tokens" in tokens.text
    assert turns(served) == 0
    ok = completion(served, user_says([{"type": "text", "text": QUESTION}]))
    assert ok.status_code == 200


def test_chat_and_resume_are_bounded(served):
    url = f"{served.url}/api/chat"
    too_long = httpx.post(
        url, json={"message": "x" * (MAX_MESSAGE_CHARS + 1)}, headers=served.auth("ana")
    )
    assert too_long.status_code == 422
    only_controls = httpx.post(url, json={"message": "\x00\x01"}, headers=served.auth("ana"))
    assert only_controls.status_code == 422 and "at least 1 character" in only_controls.text


@pytest.mark.parametrize("thread", ["has space", "a" * 65, "dot.ted", "ünï", "x;drop", "../etc"])
def test_x_thread_id_is_a_short_token(served, thread):
    reply = completion(served, user_says(QUESTION), **{"X-Thread-Id": thread.encode()})
    assert reply.status_code == 422


def test_a_good_x_thread_id_is_kept(served):
    reply = completion(served, user_says(QUESTION), **{"X-Thread-Id": "shift_A-1"})
    assert reply.status_code == 200 and reply.json()["thread_id"] == "shift_A-1"


def test_a_lone_surrogate_is_cleaned_and_the_audit_api_keeps_working(served):
    reply = httpx.post(
        f"{served.url}/api/chat",
        content=b'{"message": "stock of \\udfff item 1002"}',
        headers={**served.auth("ana"), "Content-Type": "application/json"},
        timeout=60,
    )
    assert reply.status_code == 200, reply.text
    audit = httpx.get(f"{served.url}/api/audit", headers=served.auth("cy"))
    assert audit.status_code == 200
    assert audit.json()["entries"][0]["data"]["text"] == "stock of \ufffd item 1002"


def event(**change) -> dict:
    base = {
        "txn_id": "R-1",
        "ts": "2025-10-01T08:00:00",
        "item_id": "1002",
        "site_id": "S2",
        "qty": 100.0,
        "txn_type": "receipt",
    }
    return {**base, **change}


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"qty": 1e308}, "less than or equal to 1000000000"),
        ({"qty": -1e12, "txn_type": "issue_other"}, "greater than or equal to"),
        ({"ts": "9999-12-31T23:00:00"}, "year 9999 is outside"),
        ({"ts": "0001-01-01T00:00:00"}, "year 1 is outside"),
        ({"ts": "2199-01-01T00:00:00"}, "is in the future"),
    ],
)
def test_event_numbers_and_dates_are_range_checked(served, change, says):
    reply = httpx.post(
        f"{served.url}/api/events",
        json={"events": [event(**change)]},
        headers=served.auth("di"),
        timeout=30,
    )
    assert reply.status_code == 422 and says in reply.text


def test_a_stored_event_out_of_range_is_not_replayed(demo_dataset, keyed_settings):
    from stockwise.assistant.service.events import EventStore

    from .conftest import serve_demo

    store = EventStore(keyed_settings.service_db_path)
    with store._conn:
        store._conn.execute(
            "INSERT INTO applied_event (txn_id, body) VALUES (?, ?)",
            (
                "HUGE-1",
                '{"txn_id": "HUGE-1", "ts": "2025-10-01T08:00:00", "item_id": "1002", '
                '"site_id": "S2", "qty": 1e308, "txn_type": "receipt", "ref_type": null, '
                '"ref_id": null}',
            ),
        )
    store.close()
    with serve_demo(demo_dataset, keyed_settings) as served:
        assert httpx.get(f"{served.url}/readyz").status_code == 200
        tx = served.session.ctx.dataset.transactions
        assert "HUGE-1" not in set(tx.txn_id)


@pytest.mark.parametrize("period", ["9999-Q4", "0000-Q1", "1000-Q2"])
def test_report_periods_out_of_range_are_422(served, period):
    reply = httpx.post(
        f"{served.url}/api/reports/audit",
        json={"period": period, "format": "md"},
        headers=served.auth("cy"),
        timeout=60,
    )
    assert reply.status_code == 422 and "between 1900 and 2200" in reply.text
