"""Sales of finished goods: each completed order's output ships in a few sales orders over
the following days. Shipping only what was made keeps finished-good stock from going
negative without a day-by-day simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.demo import catalog
from stockwise.demo.ledger import DAY, TXN_CODE, Ledger
from stockwise.demo.production import Clock


def ship_finished_goods(
    orders: pd.DataFrame,
    items: pd.DataFrame,
    rng: np.random.Generator,
    clock: Clock,
    ledger: Ledger,
) -> None:
    done = orders[orders.status == "completed"]
    index = pd.Series(np.arange(len(items)), index=items.item_id)
    # The FG output of each order is the last stage's good quantity, booked at completion.
    arr = ledger.arrays()
    fg_rows = index[done.product_item_id].to_numpy()
    is_out = arr["txn_type"] == TXN_CODE["production_output"]
    out = pd.DataFrame(
        {"ref": arr["ref"][is_out], "item": arr["item"][is_out], "qty": arr["qty"][is_out]}
    )
    made = out.merge(pd.DataFrame({"ref": done.order_id.to_numpy(), "item": fg_rows}))
    made = made.set_index("ref").reindex(done.order_id.to_numpy())
    qty = made.qty.fillna(0).to_numpy()
    n = len(done)
    shipments = rng.integers(1, 5, n)
    sold_share = rng.uniform(0.96, 1.0, n)
    o = np.repeat(np.arange(n), shipments)
    weights = rng.random(len(o)) + 0.2
    share = weights / np.bincount(o, weights)[o]
    ship_qty = np.floor(qty[o] * sold_share[o] * share)
    ts = (done.completed_at.to_numpy()[o] + rng.uniform(0.3, 12, len(o)) * DAY).astype(np.int64)
    # Shipments leave during the day shift; anything after AS_OF has not happened yet.
    day = ts // DAY * DAY
    ts = day + np.clip(ts - day, 6 * 3600 + 60, 17 * 3600)
    keep = (ts <= clock.as_of_s) & (ship_qty > 0)
    site_code = {s.site_id: i for i, s in enumerate(catalog.SITES)}
    sites = done.site_id.map(site_code).to_numpy()[o]
    ids = np.array([f"SO-{i:07d}" for i in range(1, int(keep.sum()) + 1)], dtype=object)
    ref = ledger.register_refs(ids)
    order = np.argsort(ts[keep], kind="stable")
    ledger.add(
        ts[keep][order],
        fg_rows[o][keep][order],
        sites[keep][order],
        -ship_qty[keep][order],
        "issue_sales",
        "sales_order",
        ref + np.arange(len(ids)),
    )
