"""Generator version 3, movement side: make the ledger behave as `ambiguity.Roles` says.

Runs after production and maintenance are simulated and before purchasing, so replenishment
and the opening balances cover whatever the changes below take out of stock: every table
stays consistent (book balance, stock levels) the way version 2's are.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.demo import catalog
from stockwise.demo.ambiguity import Roles
from stockwise.demo.ledger import DAY, NO_REF, REF_CODE, TXN_CODE, Ledger, round_qty
from stockwise.demo.production import HOUR, Clock
from stockwise.demo.products import ProductPlan

EACH_UOMS = ["EA", "BOX", "PR", "ROLL", "BAG"]
ISSUES = [TXN_CODE[t] for t in ("issue_production", "issue_maintenance", "issue_other")]
# Material per unit of product for a dual-use item's process use, by family.
PER_UNIT = {"FOOD": 0.002, "HYD": 0.4, "PCB": 0.01}


class Lookup:
    """The production order and the work order open at a site at a given time."""

    def __init__(self, orders: pd.DataFrame, wos: pd.DataFrame, eqs) -> None:  # type: ignore[no-untyped-def]
        site_code = {s.site_id: i for i, s in enumerate(catalog.SITES)}
        live = orders[(orders.released_at >= 0) & (orders.status != "cancelled")]
        live = live.sort_values("released_at", kind="stable")
        self.orders = {
            s: (g.released_at.to_numpy(), g.order_id.to_numpy())
            for s, g in live.groupby(live.site_id.map(site_code))
        }
        eq_site = np.array([site_code[e.site_id] for e in eqs])[wos.equip.to_numpy()]
        w = wos.assign(site=eq_site).sort_values("created_at", kind="stable")
        self.wos = {s: (g.created_at.to_numpy(), g.ref.to_numpy()) for s, g in w.groupby("site")}

    @staticmethod
    def _at(table, site: np.ndarray, ts: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
        ref = np.full(len(ts), NO_REF, dtype=np.int64)
        for s, (times, refs) in table.items():
            mine = site == s
            at = np.maximum(np.searchsorted(times, ts[mine], side="right") - 1, 0)
            ref[mine] = refs[at]
        return ref

    def order(self, site: np.ndarray, ts: np.ndarray) -> np.ndarray:
        return self._at(self.orders, site, ts)

    def work_order(self, site: np.ndarray, ts: np.ndarray) -> np.ndarray:
        return self._at(self.wos, site, ts)


def _retype(arr, rows: np.ndarray, txn: str, ref_type: str, ref: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    arr["txn_type"][rows] = TXN_CODE[txn]
    arr["ref_type"][rows] = REF_CODE[ref_type]
    arr["ref"][rows] = ref


def apply(
    items: pd.DataFrame,
    roles: Roles,
    plans: list[ProductPlan],
    orders: pd.DataFrame,
    wos: pd.DataFrame,
    eqs,  # type: ignore[no-untyped-def]
    rng: np.random.Generator,
    clock: Clock,
    ledger: Ledger,
) -> None:
    look = Lookup(orders, wos, eqs)
    arr = {k: v.copy() for k, v in ledger.arrays().items()}
    issue = np.isin(arr["txn_type"], ISSUES)
    item = arr["item"]

    # Gloves, tape, rags, cleaner booked to the production order running on that line.
    for row, share in roles.to_production.items():
        rows = np.flatnonzero((item == row) & issue)
        rows = rows[rng.random(len(rows)) < share]
        _retype(arr, rows, "issue_production", "production_order",
                look.order(arr["site"][rows], arr["ts"][rows]))  # fmt: skip
    # Use changes: from the change day on, the item goes to the other use (the truth is
    # still the old one here; `v3_truth.settle_truth` flips it afterwards). An item with
    # too little movement after the day to show a change keeps its old use and truth.
    to_process = []
    for row, day in list(roles.use_change.items()):
        rows = np.flatnonzero((item == row) & issue & (arr["ts"] >= day * DAY))
        if len(rows) < 3:
            del roles.use_change[row]
        elif items.at[row, "category"] == "raw_material":
            _retype(arr, rows, "issue_maintenance", "work_order",
                    look.work_order(arr["site"][rows], arr["ts"][rows]))  # fmt: skip
            # Maintenance draws a fraction of what a production order did.
            arr["qty"][rows] = np.minimum(round_qty(arr["qty"][rows] * 0.2, False), -0.001)
        else:
            # A consumable that became a process input (a cleaner now in the recipe) is
            # drawn per batch in proportion to it from then on: its old issues go.
            issue[rows] = False
            arr["qty"][rows] = 0.0
            to_process.append((row, day))
    # A duplicate created later takes over part of its original's issues.
    for dup, (orig, day) in roles.duplicates.items():
        rows = np.flatnonzero((item == orig) & issue & (arr["ts"] >= day * DAY))
        item[rows[rng.random(len(rows)) < 0.7]] = dup
    # Subcontracted WIP comes back on a subcontract purchase order instead of being made.
    out = arr["txn_type"] == TXN_CODE["production_output"]
    for row in roles.subcontracted:
        rows = np.flatnonzero((item == row) & out)
        po = ledger.register_refs([f"SC-{row}-{k:04d}" for k in range(len(rows))])
        _retype(arr, rows, "receipt", "purchase_order", po + np.arange(len(rows)))
    # Phantom WIP is backflushed into the next stage and never booked; obsolete material
    # is not issued any more (its BOM line was never removed).
    drop = np.isin(item, roles.phantom) & (out | issue)
    drop |= arr["qty"] == 0  # the issues of consumables turned process inputs
    drop |= np.isin(item, roles.obsolete) & issue
    ledger.chunks = [{k: v[~drop] for k, v in arr.items()}]

    _outside_operations(roles, rng, ledger)
    _dual_use(items, roles, plans, orders, look, rng, clock, ledger)
    for row, day in to_process:
        _process_use(items, row, day, orders, plans, roles, rng, ledger)
    _spare_assemblies(items, roles, look, rng, clock, ledger)


def _outside_operations(roles: Roles, rng: np.random.Generator, ledger: Ledger) -> None:
    """WIP that leaves for plating or coating after its stage and returns days later."""
    arr = ledger.arrays()
    rows = np.flatnonzero(
        np.isin(arr["item"], roles.outside_op) & (arr["txn_type"] == TXN_CODE["production_output"])
    )
    if not len(rows):
        return
    ts, qty = arr["ts"][rows] + HOUR, arr["qty"][rows]
    back = ts + (rng.uniform(2, 6, len(rows)) * DAY).astype(np.int64)
    po = ledger.register_refs([f"OP-{k:06d}" for k in range(len(rows))]) + np.arange(len(rows))
    it, site = arr["item"][rows], arr["site"][rows]
    ledger.add(ts, it, site, -qty, "transfer_out", "purchase_order", po)
    ledger.add(back, it, site, qty, "transfer_in", "purchase_order", po)


def _dual_use(items, roles, plans, orders, look, rng, clock, ledger) -> None:  # type: ignore[no-untyped-def]
    """Process use in proportion to the order size, maintenance use in lumps; the dominant
    use gets its share of the quantity."""
    site_code = {s.site_id: i for i, s in enumerate(catalog.SITES)}
    for row, (share, production_first, users) in roles.dual_use.items():
        family = items.at[row, "family"]
        each = items.at[row, "uom"] in EACH_UOMS
        ids = {plans[p].item_id for p in users}
        mine = orders[orders.product_item_id.isin(ids) & (orders.released_at >= 0)
                      & (orders.status != "cancelled")]  # fmt: skip
        mine = mine[rng.random(len(mine)) < 0.8]
        per = PER_UNIT[family] * float(rng.uniform(0.6, 1.4))
        qty = round_qty(np.maximum(mine.qty.to_numpy() * per, 1.0 if each else 0.01), each)
        site = np.full(len(mine), site_code[catalog.FAMILIES[family].site_id], dtype=np.int8)
        ledger.add(mine.released_at.to_numpy() + 45 * 60, row, site, -qty,
                   "issue_production", "production_order", mine.order_id.to_numpy())  # fmt: skip
        produced = float(qty.sum())
        maint_total = produced * ((1 - share) / share if production_first else share / (1 - share))
        _lumps(row, int(site[0]), maint_total, each, rng, clock, ledger, look)


def _process_use(items, row, day, orders, plans, roles, rng, ledger) -> None:  # type: ignore[no-untyped-def]
    """Issues in proportion to the orders of one or two products at the item's site, from
    the change day on."""
    site_id = str(items.at[row, "sites"]).split()[0]
    families = [c for c, fam in catalog.FAMILIES.items() if fam.site_id == site_id]
    family = families[int(rng.integers(len(families)))]
    live = [p.item_id for p in roles.active(plans) if p.family == family]
    users = set(rng.choice(live, size=min(2, len(live)), replace=False))
    mine = orders[orders.product_item_id.isin(users) & (orders.released_at >= day * DAY)
                  & (orders.status != "cancelled")]  # fmt: skip
    each = items.at[row, "uom"] in EACH_UOMS
    per = PER_UNIT[family] * float(rng.uniform(0.3, 0.8))
    qty = round_qty(np.maximum(mine.qty.to_numpy() * per, 1.0 if each else 0.01), each)
    site = catalog.SITES.index(next(s for s in catalog.SITES if s.site_id == site_id))
    ledger.add(mine.released_at.to_numpy() + 50 * 60, row, site, -qty,
               "issue_production", "production_order", mine.order_id.to_numpy())  # fmt: skip


def _lumps(row, site, total, each, rng, clock, ledger, look: Lookup) -> None:  # type: ignore[no-untyped-def]
    """`total` issued to work orders at `site`, in lognormal lumps of a few units."""
    times, refs = look.wos.get(site, (np.empty(0, dtype=np.int64), np.empty(0)))
    if total <= 0 or not len(times):
        return
    n = int(np.clip(total / (3 if each else 8), 4, 120))
    sizes = rng.lognormal(0, 0.7, n)
    qty = round_qty(np.maximum(sizes / sizes.sum() * total, 1.0 if each else 0.1), each)
    pick = rng.integers(0, len(times), n)
    ts = np.minimum(times[pick] + HOUR + rng.integers(0, 4 * HOUR, n), clock.as_of_s)
    ledger.add(ts, row, site, -qty, "issue_maintenance", "work_order", refs[pick])


def _spare_assemblies(items, roles, look, rng, clock, ledger) -> None:  # type: ignore[no-untyped-def]
    """An assembly made in-house and also fitted as a spare on the plant's own machines."""
    arr = ledger.arrays()
    is_prod = arr["txn_type"] == TXN_CODE["issue_production"]
    site_code = {s.site_id: i for i, s in enumerate(catalog.SITES)}
    for row, share in roles.spare_assembly.items():
        used = -arr["qty"][is_prod & (arr["item"] == row)].sum()
        site = site_code[items.at[row, "sites"].split()[0]]
        _lumps(row, site, used * share / (1 - share), True, rng, clock, ledger, look)


def use_shares(ledger: Ledger, n_items: int) -> pd.DataFrame:
    """Issued quantity per item by use (production, maintenance, other, sales), as shares."""
    arr = ledger.arrays()
    out = {}
    for name in ("issue_production", "issue_maintenance", "issue_other", "issue_sales"):
        mask = arr["txn_type"] == TXN_CODE[name]
        out[name] = -np.bincount(arr["item"][mask], weights=arr["qty"][mask], minlength=n_items)
    frame = pd.DataFrame(out)
    total = frame.sum(axis=1)
    return frame.div(total.where(total > 0), axis=0)
