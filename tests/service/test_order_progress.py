"""`POST /api/orders/progress` (a production order starts a stage, is completed) re-plans
the components of the orders it moves; progress out of order, for unknown orders or stages
is a 422 naming each problem; an update id sent twice is a duplicate. Movements that arrive
out of order after the snapshot are merged and listed as late."""

from __future__ import annotations

import httpx

# In the demo plant, MO-2509-1501 (product 3002, stages 1-3) is in progress at stage 1
# (mixing) at the snapshot, 2025-09-30 18:00.
ORDER = "MO-2509-1501"


def _update(update_id: str, **fields) -> dict:
    return {"update_id": update_id, "order_id": ORDER, "ts": "2025-10-01T06:00:00", **fields}


def test_progress_replans_the_orders_components_and_refuses_bad_updates(served):
    admin = served.auth("di")

    def post(*updates: dict) -> httpx.Response:
        return httpx.post(
            f"{served.url}/api/orders/progress",
            json={"updates": list(updates)},
            headers=admin,
            timeout=60,
        )

    viewer = httpx.post(
        f"{served.url}/api/orders/progress",
        json={"updates": [_update("P-0", stage_seq=2)]},
        headers=served.auth("ana"),
    )
    assert viewer.status_code == 403
    moved = post(_update("P-1", stage_seq=2))
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["applied"] == ["P-1"] and body["orders"] == [ORDER]
    assert body["replanned"] >= 1  # the bought components of product 3002 at its site
    progress = served.session.ctx.dataset.order_progress
    mine = progress[progress["order_id"] == ORDER].sort_values("stage_seq")
    assert list(mine["stage_seq"]) == [1, 2] and mine["finished_at"].notna().tolist() == [
        True,
        False,
    ]
    again = post(_update("P-1", stage_seq=2))
    assert again.status_code == 200 and again.json()["duplicates"] == ["P-1"]
    assert again.json()["replanned"] == 0
    assert post(_update("P-1", stage_seq=3)).status_code == 409  # same id, other content
    bad = post(
        _update("P-2", stage_seq=2, ts="2025-10-01T07:00:00"),  # already there
        _update("P-3", stage_seq=3, ts="2025-10-01T05:00:00"),  # before the last update
        _update("P-4", stage_seq=9, ts="2025-10-01T08:00:00"),  # no such stage
        {**_update("P-5", stage_seq=2), "order_id": "MO-NOPE"},
    )
    assert bad.status_code == 422
    detail = bad.json()["detail"]
    assert f"update 0 (P-2): order {ORDER} already reached stage 2" in detail
    assert "update 1 (P-3): ts 2025-10-01 05:00:00 is before order" in detail
    assert "update 2 (P-4): product 3002 has no stage 9" in detail
    assert "update 3 (P-5): no production order 'MO-NOPE'" in detail
    done = post(_update("P-6", status="completed", ts="2025-10-02T06:00:00"))
    assert done.status_code == 200, done.text
    orders = served.session.ctx.dataset.production_orders.set_index("order_id")
    assert orders.loc[ORDER, "status"] == "completed"
    closed = post(_update("P-7", stage_seq=3, ts="2025-10-03T06:00:00"))
    assert closed.status_code == 422 and "is completed; it moves no more" in closed.text


def test_movements_out_of_order_are_merged_after_the_snapshot(served):
    admin = served.auth("di")

    def event(txn_id: str, ts: str) -> dict:
        return {
            "txn_id": txn_id,
            "ts": ts,
            "item_id": "1002",
            "site_id": "S2",
            "qty": -1,
            "txn_type": "issue_maintenance",
        }

    before = served.session.ctx.dataset.stock_levels.set_index(["item_id", "site_id"])
    start = float(before.loc[("1002", "S2"), "on_hand_qty"])
    first = httpx.post(
        f"{served.url}/api/events",
        json={"events": [event("OOO-2", "2025-10-02T08:00:00")]},
        headers=admin,
        timeout=60,
    )
    assert first.status_code == 200 and first.json()["late"] == []
    late = httpx.post(
        f"{served.url}/api/events",
        json={"events": [event("OOO-1", "2025-10-01T08:00:00")]},
        headers=admin,
        timeout=60,
    )
    assert late.status_code == 200, late.text
    assert late.json()["late"] == ["OOO-1"] and late.json()["replanned"] == 1
    after = served.session.ctx.dataset.stock_levels.set_index(["item_id", "site_id"])
    assert float(after.loc[("1002", "S2"), "on_hand_qty"]) == start - 2
