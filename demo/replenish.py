"""Purchasing: the plant's current (deliberately imperfect) reorder policy, run day by day.

Every purchased item (raw material, MRO) at every site it is stocked follows an (s, Q)
policy: when stock on hand plus on order falls to the reorder point, order the reorder
quantity; it arrives after the lead time. If a day's issues would take stock below zero,
the buyer expedites the shortfall that morning. Days run from 04:00 to 04:00 and receipts
land between 04:00 and 05:00, before any issue, so the book never goes negative.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stockwise.demo import catalog
from stockwise.demo.ledger import DAY, Ledger
from stockwise.demo.production import HOUR, Clock

EACH_UOMS = ["EA", "BOX", "PR", "ROLL", "BAG"]
DAY_START = 4 * HOUR


@dataclass
class Policy:
    item: np.ndarray  # item row per purchased pair
    site: np.ndarray
    rop: np.ndarray
    qty: np.ndarray
    safety: np.ndarray
    opening: np.ndarray
    shown: np.ndarray  # False where the ERP holds no policy for the pair


def purchased_pairs(items: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    bought = items[items.category.isin(["raw_material", "mro"])]
    split = bought.sites.str.split()
    rows = np.repeat(bought.index.to_numpy(), split.str.len().to_numpy())
    codes = {s.site_id: i for i, s in enumerate(catalog.SITES)}
    sites = np.array([codes[s] for s in np.concatenate(split.to_list())], dtype=np.int8)
    return rows, sites


def lead_times(items: pd.DataFrame) -> np.ndarray:
    supplier_lead = {s[0]: s[3] for s in catalog.SUPPLIERS}
    fallback = items.supplier_id.map(supplier_lead).fillna(14)
    return items.lead_time_days.fillna(fallback).to_numpy(dtype=float)


def make_policy(items, rows, sites, demand_per_day, rng) -> Policy:  # type: ignore[no-untyped-def]
    n = len(rows)
    each = items.uom.isin(EACH_UOMS).to_numpy()[rows]
    lead = lead_times(items)[rows]
    m = demand_per_day
    # Buyers set the reorder point by feel: some far too high, some too low.
    rop = m * lead * rng.lognormal(0.15, 0.55, n)
    qty = np.maximum(m * rng.uniform(15, 75, n), 1.0)
    rare = m * 365 < 4  # slow movers: keep one or two on the shelf
    rop[rare] = np.where(items.criticality.to_numpy()[rows][rare] == "A", 1, 0)
    qty[rare] = rng.integers(1, 3, int(rare.sum()))
    ids = items.item_id.to_numpy()[rows]
    solvent = ids == catalog.SOLVENT_ITEM_ID
    rop[solvent], qty[solvent] = 60, 150
    short = np.isin(ids, catalog.CRITICAL_SHORT_ITEM_IDS)
    rop[short], qty[short] = 1, 1
    rop = np.where(each, np.ceil(rop), np.round(rop, 1))
    qty = np.where(each, np.ceil(qty), np.round(qty, 1))
    safety = np.where(
        each, np.floor(np.maximum(rop - m * lead, 0)), np.round(np.maximum(rop - m * lead, 0), 1)
    )
    opening = np.where(
        each, np.ceil(rop + qty * rng.uniform(0.3, 1, n)), np.round(rop + qty * 0.6, 1)
    )
    opening[solvent] = 220
    opening[short] = 2
    dead = ids == catalog.DEAD_STOCK_ITEM_ID
    opening[dead] = 4
    shown = (rng.random(n) > 0.08) & ~dead
    return Policy(rows, sites, rop, qty, safety, opening, shown)


def simulate(policy: Policy, ledger: Ledger, items: pd.DataFrame, rng, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    arr = ledger.arrays()
    n_pairs = len(policy.item)
    lookup = np.full((len(items), len(catalog.SITES)), -1, dtype=np.int64)
    lookup[policy.item, policy.site] = np.arange(n_pairs)
    pair = lookup[arr["item"], arr["site"]]
    mine = pair >= 0
    day = np.maximum((arr["ts"][mine] - DAY_START) // DAY, 0)
    key = day * n_pairs + pair[mine]
    order = np.argsort(key, kind="stable")
    key_sorted = key[order]
    starts = np.flatnonzero(np.r_[True, key_sorted[1:] != key_sorted[:-1]])
    net = np.add.reduceat(arr["qty"][mine][order], starts) if len(starts) else np.empty(0)
    flow_pair = key_sorted[starts] % n_pairs
    flow_day = key_sorted[starts] // n_pairs
    bounds = np.searchsorted(flow_day, np.arange(clock.n_days + 1))

    each = items.uom.isin(EACH_UOMS).to_numpy()[policy.item]
    lead = lead_times(items)[policy.item]
    on_hand = policy.opening.astype(float).copy()
    on_order = np.zeros(n_pairs)
    arrivals: dict[int, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {}
    receipts = []  # (day, pair, qty, po number)
    po_count = 0
    for d in range(clock.n_days):
        for p, q, po in arrivals.pop(d, []):
            np.add.at(on_hand, p, q)
            np.add.at(on_order, p, -q)
            receipts.append((np.full(len(p), d), p, q, po))
        lo, hi = bounds[d], bounds[d + 1]
        p, q = flow_pair[lo:hi], net[lo:hi]
        short = on_hand[p] + q < 0
        if short.any():
            need = -(on_hand[p] + q)[short]
            need = np.where(each[p[short]], np.ceil(need), np.ceil(need * 10) / 10)
            on_hand[p[short]] += need
            po = po_count + np.arange(short.sum())
            po_count += int(short.sum())
            receipts.append((np.full(len(need), d), p[short], need, po))
        on_hand[p] += q
        position = on_hand[p] + on_order[p]
        trigger = position <= policy.rop[p]
        if trigger.any():
            t = p[trigger]
            k = np.floor((policy.rop[t] - position[trigger]) / policy.qty[t]) + 1
            qty = k * policy.qty[t]
            on_order[t] += qty
            arrive = d + np.maximum(1, np.round(lead[t] * rng.lognormal(0, 0.25, len(t))))
            po = po_count + np.arange(len(t))
            po_count += len(t)
            for a in np.unique(arrive):
                sel = arrive == a
                arrivals.setdefault(int(a), []).append((t[sel], qty[sel], po[sel]))
    days, pairs, qty, po = (np.concatenate(x) for x in zip(*receipts, strict=True))
    ref = ledger.register_refs([f"PO-{n:06d}" for n in range(100001, 100001 + po_count)])
    ts = days.astype(np.int64) * DAY + DAY_START + rng.integers(0, HOUR - 60, len(days))
    ledger.add(
        ts, policy.item[pairs], policy.site[pairs], qty, "receipt", "purchase_order", ref + po
    )
