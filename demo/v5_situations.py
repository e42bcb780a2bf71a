"""Generator version 5: behaviour alone no longer tells an item's category, on top of version 4.

On version 4 a depth-3 tree on the behaviour features ties the classifier (0.967 on seed
42): each category still had a behaviour that gave it away (a finished good is sold, a
consumable is in no BOM, a spare is bought, WIP is the parent of a BOM) and the master
still carried generator artefacts (every WIP at criticality B, no made item with a lead
time). Real plants break each of those rules for a share of their items; version 5 adds, at
rates that are orders of magnitude and assumptions (see docs/classification.md):

- finished goods shipped to a distribution centre by stock transfer, not sold from the
  plant (make-to-stock plants with a central warehouse);
- finished goods also consumed as a component of a multipack, kit or display (co-packing);
- intermediates made ahead into a buffer store: a batch waits in stock for the next order,
  so WIP has stock on hand at the snapshot as materials do;
- products whose BOM is kept in the PLM system only, not in the ERP;
- flat BOMs: an intermediate whose own BOM is not kept in the ERP; its components are
  listed in the product's BOM instead (the recipe of the intermediate lives on paper);
- spare parts made in the plant's own workshop on a maintenance job, not bought, half of
  them with a BOM of the bar stock or sheet they are machined from;
- master data as planners keep it: an in-house production time on most made items, and a
  criticality drawn for made items as for bought ones (version 4 gave every WIP a B).

Everything here draws from its own generator (seeded `[seed, 5]`), so version 4's draws and
bytes stay as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stockwise.demo import catalog
from stockwise.demo.ambiguity import Roles, _sample
from stockwise.demo.ledger import TXN_CODE, Ledger
from stockwise.demo.movements import Lookup, _retype
from stockwise.demo.products import ProductPlan
from stockwise.demo.v4_situations import Situations

DC_SHARE = 0.3  # of live product variants: shipped to a distribution centre
BUNDLE_SHARE = 0.15  # of live product variants: also packed into a multipack or kit
FLAT_BOM_SHARE = 0.3  # of live intermediates with a BOM of their own: none in the ERP
WORKSHOP_MADE_SHARE = 0.1  # of moving spare parts: made in the plant's own workshop
BUFFER_SHARE = 0.5  # of live made intermediates: a batch in the buffer store at the snapshot
PLM_BOM_SHARE = 0.15  # of product variants: BOM in the PLM only
MADE_LEAD_TIME_SHARE = 0.7  # of made items: an in-house production time in the master
# Criticality of made items, drawn as the plant assigns it to what it buys: A stops a line.
MADE_CRITICALITY = (("A", 0.15), ("B", 0.4), ("C", 0.3), (None, 0.15))


@dataclass
class Situations5:
    """What version 5 adds; read by `apply`, `after_purchasing`, `boms` and `master`."""

    dc_shipped: list[int] = field(default_factory=list)  # FG rows
    bundled: dict[int, tuple[str, float]] = field(default_factory=dict)  # FG -> (kit, share)
    flat: set[str] = field(default_factory=set)  # intermediates without their own BOM
    workshop_boms: dict[str, str] = field(default_factory=dict)  # spare id -> its stock
    workshop_made: list[int] = field(default_factory=list)  # spare-part rows
    made: list[int] = field(default_factory=list)  # rows of every item made in the plant
    buffer: dict[int, str] = field(default_factory=dict)  # WIP row -> its product's id
    plm_only: set[str] = field(default_factory=set)  # products without a BOM in the ERP


def assign(
    items: pd.DataFrame,
    plans: list[ProductPlan],
    roles: Roles,
    v4: Situations,
    rng: np.random.Generator,
) -> Situations5:
    s = Situations5()
    ids = items.item_id.astype(str).to_numpy()
    row_of = {v: i for i, v in enumerate(ids)}
    live = roles.active(plans)
    variants = [plan for plan in live if int(plan.item_id) >= 10000]
    turned = set(v4.to_component)
    fg_rows = np.array([row_of[p.item_id] for p in variants if row_of[p.item_id] not in turned])
    s.dc_shipped = [int(i) for i in _sample(rng, fg_rows, DC_SHARE)]
    for i in _sample(rng, np.setdiff1d(fg_rows, s.dc_shipped), BUNDLE_SHARE):
        family = items.at[int(i), "family"]
        kits = [p.item_id for p in live if p.family == family and row_of[p.item_id] != i]
        s.bundled[int(i)] = (str(rng.choice(kits)), float(rng.uniform(0.1, 0.35)))
    made_wip = sorted({w for plan in live for w in plan.wip} - set(roles.phantom))
    s.flat = {str(w) for w in _sample(rng, np.array(made_wip), FLAT_BOM_SHARE)}
    product_of = {w: p.item_id for p in live for w in p.wip}
    moving = sorted(set(made_wip) - {ids[r] for r in v4.make_to_buy} - set(roles.subcontracted_ids))
    for w in _sample(rng, np.array(moving), BUFFER_SHARE):
        s.buffer[row_of[str(w)]] = product_of[str(w)]
    every = np.array(sorted(p.item_id for p in plans if int(p.item_id) >= 10000))
    s.plm_only = {str(v) for v in _sample(rng, every, PLM_BOM_SHARE)}
    filler = ~items.named.to_numpy()
    spares = np.flatnonzero(filler & (items.mro_subtype.to_numpy() == "spare_part"))
    spares = np.setdiff1d(spares, v4.insurance)
    s.workshop_made = [int(i) for i in _sample(rng, spares, WORKSHOP_MADE_SHARE)]
    stock = ids[filler & (items.category.to_numpy() == "raw_material")]
    for i in s.workshop_made:
        if rng.random() < 0.5:
            s.workshop_boms[str(ids[i])] = str(rng.choice(stock))
    made = {row_of[p.item_id] for p in plans} | {row_of[w] for p in plans for w in p.wip}
    s.made = sorted(made | set(s.workshop_made))
    return s


def apply(s: Situations5, orders: pd.DataFrame, ledger: Ledger) -> None:
    """Finished goods to the distribution centre and into kits (after version 4's changes)."""
    arr = {k: v.copy() for k, v in ledger.arrays().items()}
    item = arr["item"]
    sales = arr["txn_type"] == TXN_CODE["issue_sales"]
    rows = np.flatnonzero(np.isin(item, s.dc_shipped) & sales)
    transfers = ledger.register_refs([f"STO-{k:07d}" for k in range(len(rows))])
    _retype(arr, rows, "transfer_out", "transfer", transfers + np.arange(len(rows)))
    by_product = {
        pid: (g.released_at.to_numpy(), g.order_id.to_numpy())
        for pid, g in orders[orders.released_at >= 0]
        .sort_values("released_at")
        .groupby("product_item_id")
    }
    for row, (kit, share) in s.bundled.items():
        mine = np.flatnonzero((item == row) & sales)
        if kit not in by_product or not len(mine):
            continue
        # Every few shipments one goes into a kit order instead (packed, not sold loose).
        mine = mine[(np.arange(len(mine)) * share) % 1 + share >= 1]
        times, refs = by_product[kit]
        at = np.maximum(np.searchsorted(times, arr["ts"][mine], side="right") - 1, 0)
        _retype(arr, mine, "issue_production", "production_order", refs[at])
    ledger.chunks = [arr]


def after_purchasing(
    s: Situations5, orders: pd.DataFrame, look: Lookup, ledger: Ledger, rng: np.random.Generator
) -> None:
    """Spares the workshop makes: what purchasing simulated as receipts is the output of a
    maintenance job. Intermediates made ahead: one more batch, on their product's latest
    order, waits in the buffer store at the snapshot."""
    arr = {k: v.copy() for k, v in ledger.arrays().items()}
    out = arr["txn_type"] == TXN_CODE["production_output"]
    latest = (
        orders[orders.released_at >= 0]
        .sort_values("released_at")
        .groupby("product_item_id")
        .tail(1)
        .set_index("product_item_id")
    )
    for row, product in s.buffer.items():
        made = np.flatnonzero((arr["item"] == row) & out)
        if not len(made) or product not in latest.index:
            continue
        last = made[np.argmax(arr["ts"][made])]
        batch = float(np.median(arr["qty"][made])) * float(rng.uniform(0.3, 1.0))
        ts = int(max(arr["ts"][last], latest.at[product, "released_at"])) + 3600
        ts = min(ts, int(arr["ts"].max()))  # never after the snapshot
        ledger.add(np.array([ts]), row, int(arr["site"][last]), np.array([max(round(batch), 1.0)]),
                   "production_output", "production_order",
                   np.array([latest.at[product, "order_id"]]))  # fmt: skip
    arr = {k: v.copy() for k, v in ledger.arrays().items()}
    rows = np.flatnonzero(
        np.isin(arr["item"], s.workshop_made) & (arr["txn_type"] == TXN_CODE["receipt"])
    )
    _retype(arr, rows, "production_output", "work_order",
            look.work_order(arr["site"][rows], arr["ts"][rows]))  # fmt: skip
    ledger.chunks = [arr]


def boms(boms: pd.DataFrame, items: pd.DataFrame, s: Situations5) -> pd.DataFrame:
    """The BOMs as the plant keeps them: flat where the intermediate's BOM is not kept,
    with the kits' finished goods and the workshop's parts."""
    boms = boms[~boms.parent_item_id.isin(s.plm_only)].copy()
    parent_of = boms.drop_duplicates("component_item_id").set_index("component_item_id")[
        "parent_item_id"
    ]
    own = boms.parent_item_id.isin(s.flat) & boms.parent_item_id.isin(parent_of.index)
    boms.loc[own, "parent_item_id"] = boms.loc[own, "parent_item_id"].map(parent_of)
    family = items.set_index(items.item_id.astype(str))["family"]
    last = {code: fam.stages[-1].name for code, fam in catalog.FAMILIES.items()}
    ids = items.item_id.astype(str).to_numpy()
    extra = [(kit, str(ids[row]), 2.0, last[family[kit]]) for row, (kit, _) in s.bundled.items()]
    extra += [(p, c, 1.0, "workshop") for p, c in s.workshop_boms.items()]
    rows = pd.DataFrame(extra, columns=["parent_item_id", "component_item_id", "qty_per", "stage"])
    out = pd.concat([boms, rows.astype(boms.dtypes.to_dict())], ignore_index=True)
    return out.drop_duplicates(["parent_item_id", "component_item_id"]).reset_index(drop=True)


def master(frame: pd.DataFrame, s: Situations5, rng: np.random.Generator) -> pd.DataFrame:
    """The items table as planners keep it for what the plant makes."""
    frame = frame.copy()
    made = np.array(s.made, dtype=int)
    lead = frame["lead_time_days"].to_numpy(dtype="float64").copy()
    has = rng.random(len(made)) < MADE_LEAD_TIME_SHARE
    lead[made[has]] = rng.integers(1, 11, int(has.sum()))
    frame["lead_time_days"] = lead
    levels = [lv for lv, _ in MADE_CRITICALITY]
    p = np.array([w for _, w in MADE_CRITICALITY])
    crit = frame["criticality"].to_numpy(dtype=object).copy()
    crit[made] = [levels[k] for k in rng.choice(len(levels), len(made), p=p)]
    frame["criticality"] = crit
    # A part made in the workshop has no supplier in the master half the time.
    sup = frame["supplier_id"].to_numpy(dtype=object).copy()
    none = np.array(s.workshop_made, dtype=int)
    sup[none[rng.random(len(none)) < 0.5]] = None
    frame["supplier_id"] = sup
    return frame
