"""Movements besides issues and purchases (transfers, count corrections, returns), the
opening balances, and the on-hand snapshot that must agree with the book.

Opening balances are set last: each pair opens with its policy stock plus whatever keeps
its running balance from ever going below zero, so no book balance is negative. The
snapshot's on hand equals the book balance at AS_OF, except the planted count variances.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.demo import catalog
from stockwise.demo.ledger import DAY, TXN_CODE, Ledger
from stockwise.demo.production import HOUR, Clock
from stockwise.demo.replenish import Policy

_WORKDAY = 10 * HOUR


def transfers(items: pd.DataFrame, rng, clock: Clock, ledger: Ledger) -> None:  # type: ignore[no-untyped-def]
    """Spares and consumables stocked at both sites move between them now and then."""
    both = items[
        (items.category == "mro")
        & (items.sites == "S1 S2")
        & (items.item_id != catalog.DEAD_STOCK_ITEM_ID)
    ]
    chosen = both[rng.random(len(both)) < 0.25]
    counts = rng.integers(1, 5, len(chosen))
    rows = np.repeat(chosen.index.to_numpy(), counts)
    n = len(rows)
    day = rng.integers(1, clock.n_days - 1, n)
    ts = day.astype(np.int64) * DAY + _WORKDAY + rng.integers(0, 5 * HOUR, n)
    src = rng.integers(0, 2, n).astype(np.int8)
    qty = rng.integers(1, 6, n).astype(float)
    order = np.lexsort((rows, ts))
    ts, rows, src, qty = ts[order], rows[order], src[order], qty[order]
    ref = ledger.register_refs([f"TR-{i:06d}" for i in range(1, n + 1)]) + np.arange(n)
    ledger.add(ts, rows, src, -qty, "transfer_out", "transfer", ref)
    ledger.add(ts + 1800, rows, 1 - src, qty, "transfer_in", "transfer", ref)


def count_corrections(
    policy: Policy, items: pd.DataFrame, rng, clock: Clock, ledger: Ledger
) -> None:  # type: ignore[no-untyped-def]
    """Past cycle counts that found a small difference and corrected the book."""
    dead = items.item_id.to_numpy()[policy.item] == catalog.DEAD_STOCK_ITEM_ID
    pick = np.flatnonzero((rng.random(len(policy.item)) < 0.04) & ~dead)
    n = len(pick)
    ts = rng.integers(30, clock.n_days - 5, n).astype(np.int64) * DAY + 14 * HOUR
    magnitude = rng.integers(1, 4, n) * np.where(rng.random(n) < 0.7, -1, 1)
    order = np.argsort(ts, kind="stable")
    ref = ledger.register_refs([f"CC-{i:06d}" for i in range(1, n + 1)]) + np.arange(n)
    ledger.add(
        ts[order],
        policy.item[pick][order],
        policy.site[pick][order],
        magnitude[order].astype(float),
        "adjustment",
        "cycle_count",
        ref,
    )


def returns_to_vendor(rng, ledger: Ledger) -> None:  # type: ignore[no-untyped-def]
    """A few deliveries partly sent back (wrong part, damaged) two days later."""
    arr = ledger.arrays()
    receipt = np.flatnonzero((arr["txn_type"] == TXN_CODE["receipt"]) & (arr["qty"] >= 2))
    pick = receipt[rng.random(len(receipt)) < 0.01]
    qty = np.maximum(1, np.floor(arr["qty"][pick] * rng.uniform(0.1, 0.5, len(pick))))
    ts = (arr["ts"][pick] // DAY + 2) * DAY + 11 * HOUR
    ledger.add(
        ts,
        arr["item"][pick],
        arr["site"][pick],
        -qty,
        "return_to_vendor",
        "purchase_order",
        arr["ref"][pick],
    )


def finalize(
    policy: Policy, items: pd.DataFrame, clock: Clock, ledger: Ledger
) -> tuple[pd.DataFrame, dict[tuple[str, str], float]]:
    """Add opening balances; return stock_levels and the planted (item, site) -> variance."""
    arr = ledger.arrays()
    keep = arr["ts"] <= clock.as_of_s
    if not keep.all():
        ledger.chunks = [{k: v[keep] for k, v in arr.items()}]
        arr = ledger.arrays()
    n_sites = len(catalog.SITES)
    site_ids = [s.site_id for s in catalog.SITES]
    # Every item is stocked at the sites it lives at, plus wherever it moved.
    split = items.sites.str.split()
    stocked = pd.DataFrame(
        {
            "item": np.repeat(items.index.to_numpy(), split.str.len().to_numpy()),
            "site": [site_ids.index(s) for s in np.concatenate(split.to_list())],
        }
    )
    moved = pd.DataFrame({"item": arr["item"], "site": arr["site"]}).drop_duplicates()
    pairs = pd.concat([stocked, moved]).drop_duplicates().sort_values(["item", "site"])
    key = arr["item"].astype(np.int64) * n_sites + arr["site"]
    order = np.lexsort((-arr["qty"], arr["ts"], key))
    k, q = key[order], arr["qty"][order]
    running = np.cumsum(q)
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    base = np.repeat(np.r_[0.0, running[starts[1:] - 1]], np.diff(np.r_[starts, len(k)]))
    running -= base
    pair_key = k[starts]
    low = np.minimum.reduceat(running, starts)
    book = np.add.reduceat(q, starts)
    all_keys = pairs.item.to_numpy().astype(np.int64) * n_sites + pairs.site.to_numpy()
    pos = np.searchsorted(pair_key, all_keys)
    found = (pos < len(pair_key)) & (pair_key[np.minimum(pos, len(pair_key) - 1)] == all_keys)
    low_all = np.where(found, low[np.minimum(pos, len(pair_key) - 1)], 0.0)
    book_all = np.where(found, book[np.minimum(pos, len(pair_key) - 1)], 0.0)
    opening = np.zeros(len(all_keys))
    pol_key = policy.item.astype(np.int64) * n_sites + policy.site
    pol_pos = pd.Series(np.arange(len(pol_key)), index=pol_key)
    has_pol = np.isin(all_keys, pol_key)
    opening[has_pol] = policy.opening[pol_pos[all_keys[has_pol]].to_numpy()]
    opening = np.maximum(opening, -np.minimum(low_all, 0))
    # Planted variances need enough book stock to count short against.
    ids = items.item_id.to_numpy()
    variance = np.zeros(len(all_keys))
    planted = {}
    for item_id, site_id, delta in catalog.COUNT_VARIANCES:
        row = int(np.flatnonzero(ids == item_id)[0])
        at = np.flatnonzero(all_keys == row * n_sites + site_ids.index(site_id))[0]
        variance[at] = delta
        opening[at] = max(opening[at], -(book_all[at] + delta) + abs(delta))
        planted[(item_id, site_id)] = float(delta)
    each = items.uom.isin(["EA", "BOX", "PR", "ROLL", "BAG"]).to_numpy()[pairs.item.to_numpy()]
    opening = np.where(each, np.ceil(opening), np.ceil(opening * 1000) / 1000)
    has_open = opening > 0
    ref = ledger.register_refs(["OPENING-2023-07-01"])
    ledger.add(
        0,
        pairs.item.to_numpy()[has_open],
        pairs.site.to_numpy()[has_open],
        opening[has_open],
        "adjustment",
        "opening",
        ref,
    )
    on_hand = np.round(book_all + opening + variance, 3)
    levels = pd.DataFrame(
        {"item": pairs.item.to_numpy(), "site": pairs.site.to_numpy(), "on_hand_qty": on_hand}
    )
    pol = pd.DataFrame(
        {
            "item": policy.item,
            "site": policy.site,
            "reorder_point": np.where(policy.shown, policy.rop, np.nan),
            "reorder_qty": np.where(policy.shown, policy.qty, np.nan),
            "safety_stock": np.where(policy.shown, policy.safety, np.nan),
        }
    )
    return levels.merge(pol, on=["item", "site"], how="left"), planted
