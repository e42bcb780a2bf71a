"""POST /api/events: validated, atomic, idempotent by txn_id, persisted and replayed."""

from __future__ import annotations

import httpx

from stockwise.assistant.service.events import EventStore, TxnEvent

from .conftest import serve_demo

# In the demo plant, item 1002 at S2 has 6,782.19 on hand at the snapshot (2025-09-30 18:00).
ON_HAND = "how many of item 1002 do we have at S2?"


def receipt(txn_id: str, qty: float = 100.0, **change) -> dict:
    event = {
        "txn_id": txn_id,
        "ts": "2025-10-01T08:00:00",
        "item_id": "1002",
        "site_id": "S2",
        "qty": qty,
        "txn_type": "receipt",
        "ref_type": "purchase_order",
        "ref_id": "PO-9",
    }
    return {**event, **change}


def post(served, events, user="di") -> httpx.Response:
    return httpx.post(
        f"{served.url}/api/events", json={"events": events}, headers=served.auth(user), timeout=30
    )


def on_hand_answer(served) -> str:
    return httpx.post(
        f"{served.url}/api/chat", json={"message": ON_HAND}, headers=served.auth("di"), timeout=60
    ).json()["answer"]


def test_an_event_moves_on_hand_once_and_survives_a_restart(demo_dataset, keyed_settings):
    with serve_demo(demo_dataset, keyed_settings) as served:
        assert "6,782.19" in on_hand_answer(served)
        first = post(served, [receipt("RFID-1")])
        assert first.status_code == 200
        assert (first.json()["applied"], first.json()["duplicates"]) == (["RFID-1"], [])
        assert first.json()["replanned"] == 1  # 1002 at S2: the one pair the batch moved
        assert "6,882.19" in on_hand_answer(served)
        again = post(served, [receipt("RFID-1"), receipt("RFID-2", -30.0, txn_type="issue_other")])
        assert (again.json()["applied"], again.json()["duplicates"]) == (["RFID-2"], ["RFID-1"])
        assert "6,852.19" in on_hand_answer(served)
        tx = served.session.ctx.dataset.transactions
        assert list(tx[tx.txn_id.isin(["RFID-1", "RFID-2"])].qty) == [100.0, -30.0]
    assert "RFID-1" not in set(demo_dataset.transactions.txn_id)  # the loaded plant is untouched
    with serve_demo(demo_dataset, keyed_settings) as restarted:
        assert "6,852.19" in on_hand_answer(restarted)


def test_a_bad_batch_changes_nothing_and_names_each_problem(served):
    events = [
        receipt("OK-1"),
        receipt("BAD-1", qty=-5.0),
        receipt("BAD-2", item_id="99999"),
        receipt("BAD-3", ts="2020-01-01T00:00:00"),
    ]
    reply = post(served, events)
    assert reply.status_code == 422
    detail = reply.json()["detail"]
    assert "event 1 (BAD-1): receipt moves stock in: qty must be positive" in detail
    assert "event 2 (BAD-2): no item '99999'" in detail
    assert "event 3 (BAD-3): ts 2020-01-01 00:00:00 is before the stock snapshot" in detail
    assert "OK-1" not in set(served.session.ctx.dataset.transactions.txn_id)
    assert EventStore(served.settings.service_db_path)._stored(["OK-1"]) == {}


def test_stock_cannot_go_below_zero(served):
    reply = post(served, [receipt("OUT-1", qty=-7000.0, txn_type="issue_other")])
    assert reply.status_code == 422 and "below zero" in reply.json()["detail"]


def test_same_txn_id_with_other_content_is_a_conflict(served):
    assert post(served, [receipt("C-1")]).status_code == 200
    reply = post(served, [receipt("C-1", qty=101.0)])
    assert reply.status_code == 409 and "C-1" in reply.json()["detail"]
    existing = served.session.ctx.dataset.transactions.txn_id.iloc[0]
    assert post(served, [receipt(existing)]).status_code == 409


def test_only_admins_post_events_and_the_shape_is_checked(served):
    assert post(served, [receipt("V-1")], user="bo").status_code == 403
    missing = receipt("V-2")
    del missing["qty"]
    reply = post(served, [missing])
    assert reply.status_code == 422 and "qty" in reply.text
    assert post(served, []).status_code == 422


def test_event_timestamps_with_an_offset_are_read_as_site_time():
    event = TxnEvent.model_validate(receipt("TZ-1", ts="2025-10-01T08:00:00+02:00"))
    assert event.naive_ts().isoformat() == "2025-10-01T08:00:00"
