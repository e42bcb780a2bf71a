"""Generator version 4: what version 3 still left regular, on top of it.

Version 3 had one behaviour per category: a depth-3 tree on the behaviour features separated
it (macro-F1 0.98). Real item masters hold several behaviours per category, and an item's
behaviour changes over the years. Version 4 adds, each at a rate of a few percent to a third
of its group (orders of magnitude, assumptions; see docs/classification.md):

- traded goods: finished goods bought from a supplier and resold, never made (accessory
  kits, service kits, merchandise);
- service parts: in-house assemblies (WIP) also sold to customers as spare parts;
- products turned components: a finished good that a newer product now consumes; since the
  change it goes to production orders instead of customers (truth: WIP, its use now);
- make-to-buy: WIP made in-house until a day in the history, bought from a contract
  manufacturer since (truth: still WIP);
- insurance spares: spare parts kept for a breakdown that did not come in two years, so
  nothing moved (truth: MRO spare part);
- workshop material: bar stock, tube and sheet that the maintenance workshop also draws to
  make repair parts (truth: raw material, dual use);
- incomplete BOMs: materials and intermediates issued to production orders by hand (a
  recipe kept outside the ERP, a BOM never maintained) that no BOM lists;
- routings kept for some products only;
- product launches: products first made during the history (no early behaviour at all);
- lot sizes against type: consumables bought in bulk once or twice a year (a pallet of
  rags, a drum of oil at a discount) and raw materials delivered in small kanban lots.

Everything here draws from its own generator (seeded `[seed, 4]`), so version 3's draws and
bytes stay as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stockwise.demo import catalog
from stockwise.demo.ambiguity import Roles, _fresh_ids, _new_row, _sample
from stockwise.demo.ledger import DAY, REF_CODE, TXN_CODE, Ledger, round_qty
from stockwise.demo.movements import EACH_UOMS, Lookup, _lumps, _retype
from stockwise.demo.production import HOUR, Clock
from stockwise.demo.products import ProductPlan

TRADED_PER_SCALE = 14
SERVICE_PART_SHARE = 0.3  # of live assembly-type WIP
FG_TO_COMPONENT_SHARE = 0.12  # of live product variants
MAKE_TO_BUY_SHARE = 0.12  # of live, made (not phantom, not subcontracted) WIP
INSURANCE_SPARE_SHARE = 0.3  # of filler spare parts
WORKSHOP_SHARE = 0.15  # of filler raw materials
LAUNCH_SHARE = 0.2  # of live product variants: first made during the history
BULK_SHARE = 0.2  # of filler consumables: bought in bulk
KANBAN_SHARE = 0.2  # of filler raw materials: small, frequent deliveries
UNLISTED_SHARE = 0.15  # of moving raw materials and made WIP: in no BOM
UNROUTED_SHARE = 0.3  # of product variants: no routing in the ERP
# Recorded as raw material by the purchasing clerk who created the traded item.
TRADED_RECORDED_RAW = 0.2
# (description, uom, unit cost, family)
_TRADED = [
    ("SEAL KIT HC SERIES SERVICE", "EA", 38.0, "HYD"),
    ("MOUNTING BRACKET KIT CYL", "EA", 22.0, "HYD"),
    ("ROD EYE CLEVIS M20", "EA", 31.0, "HYD"),
    ("HOSE ASSY 1/2 1M CUSTOMER", "EA", 27.0, "HYD"),
    ("PRESSURE GAUGE 0-250BAR RESALE", "EA", 19.0, "HYD"),
    ("CABLE HARNESS CTRL 2M", "EA", 14.0, "PCB"),
    ("DIN RAIL ENCLOSURE KIT", "EA", 17.0, "PCB"),
    ("POWER SUPPLY 24V 2.5A RESALE", "EA", 29.0, "PCB"),
    ("PROGRAMMING CABLE USB", "EA", 11.0, "PCB"),
    ("GIFT BOX ASSORTED BISCUITS", "EA", 6.5, "FOOD"),
    ("JAM PORTION PACK 20G x100", "BOX", 9.0, "FOOD"),
    ("COFFEE BEANS 1KG RESALE", "EA", 12.0, "FOOD"),
    ("DISPLAY STAND BAKERY", "EA", 45.0, "FOOD"),
    ("BUTTER PORTIONS 10G x200", "BOX", 16.0, "FOOD"),
]
_TRADED_SUPPLIERS = ("SUP-001", "SUP-003", "SUP-004", "SUP-010", "SUP-011", "SUP-050")


@dataclass
class Situations:
    """What version 4 adds to each item's behaviour; read by `apply`."""

    traded: list[int] = field(default_factory=list)
    service_part: dict[int, float] = field(default_factory=dict)  # WIP row -> sales share
    to_component: dict[int, tuple[int, str]] = field(default_factory=dict)  # FG -> (day, parent)
    make_to_buy: dict[int, int] = field(default_factory=dict)  # WIP row -> change day
    insurance: list[int] = field(default_factory=list)
    workshop: dict[int, float] = field(default_factory=dict)  # raw row -> maintenance share
    launched: dict[str, int] = field(default_factory=dict)  # product item_id -> launch day
    bulk: list[int] = field(default_factory=list)  # consumable rows bought in bulk
    kanban: list[int] = field(default_factory=list)  # raw rows delivered in small lots
    unlisted: set[str] = field(default_factory=set)  # item ids no BOM lists as a component
    unrouted: set[str] = field(default_factory=set)  # products without a routing


def assign(
    items: pd.DataFrame,
    plans: list[ProductPlan],
    roles: Roles,
    scale: float,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, Situations]:
    """The items with the traded goods appended, and who plays which version-4 part."""
    items = items.copy()
    s = Situations()
    n_days = (pd.Timestamp(catalog.AS_OF) - pd.Timestamp(catalog.HISTORY_START)).days
    ids = items.item_id.astype(str).to_numpy()
    row_of = {v: i for i, v in enumerate(ids)}
    live = [plan for p, plan in enumerate(plans) if p not in roles.discontinued]
    variants = [plan for plan in live if int(plan.item_id) >= 10000]
    busy = set(roles.subcontracted) | set(roles.phantom) | set(roles.spare_assembly)
    busy |= set(roles.outside_op)
    live_wip = np.array(sorted({row_of[w] for plan in live for w in plan.wip} - busy), dtype=int)
    desc = items.description.astype(str).str.upper().to_numpy()
    kinds = ("ASSY", "INSPECTED", "SOLDERED", "TESTED", "BOARD", "PCBA")
    assembly = np.array([i for i in live_wip if any(k in desc[i] for k in kinds)], dtype=int)
    for i in _sample(rng, assembly, SERVICE_PART_SHARE):
        s.service_part[int(i)] = float(rng.uniform(0.05, 0.3))
    rest = np.setdiff1d(live_wip, list(s.service_part))
    for i in _sample(rng, rest, MAKE_TO_BUY_SHARE):
        s.make_to_buy[int(i)] = int(n_days - rng.integers(120, 420))
        if rng.random() < 0.5:  # the master is updated with the new supplier half the time
            family = items.at[int(i), "family"]
            items.at[int(i), "supplier_id"] = "SUP-040" if family != "PCB" else "SUP-041"
    fg_pos = np.arange(len(variants))
    for k in _sample(rng, fg_pos, LAUNCH_SHARE):
        s.launched[variants[int(k)].item_id] = int(n_days - rng.integers(150, 450))
    for k in _sample(rng, fg_pos, FG_TO_COMPONENT_SHARE):
        plan = variants[int(k)]
        others = [p.item_id for p in live if p.family == plan.family and p.item_id != plan.item_id]
        parent = str(others[int(rng.integers(len(others)))])
        s.to_component[row_of[plan.item_id]] = (int(n_days - rng.integers(150, 330)), parent)
        roles.extra_boms.append((parent, plan.item_id, 1.0, "first"))
    filler = ~items.named.to_numpy()
    sub, cat = items.mro_subtype.to_numpy(), items.category.to_numpy()
    spares = np.flatnonzero(filler & (sub == "spare_part"))
    s.insurance = [int(i) for i in _sample(rng, spares, INSURANCE_SPARE_SHARE)]
    skip = set(roles.use_change) | set(roles.obsolete) | set(roles.duplicates)
    raw = np.array([i for i in np.flatnonzero(filler & (cat == "raw_material")) if i not in skip])
    for i in _sample(rng, raw, WORKSHOP_SHARE):
        s.workshop[int(i)] = float(rng.uniform(0.05, 0.3))

    consumables = np.flatnonzero(filler & (sub == "consumable"))
    s.bulk = [int(i) for i in _sample(rng, consumables, BULK_SHARE)]
    s.kanban = [int(i) for i in _sample(rng, raw, KANBAN_SHARE)]
    moving = np.r_[raw, np.setdiff1d(live_wip, list(s.make_to_buy))].astype(int)
    s.unlisted = {str(ids[i]) for i in _sample(rng, moving, UNLISTED_SHARE)}
    all_variants = [p for p, plan in enumerate(plans) if int(plan.item_id) >= 10000]
    for p in _sample(rng, np.array(all_variants), UNROUTED_SHARE):
        s.unrouted.add(plans[int(p)].item_id)

    n = max(4, round(TRADED_PER_SCALE * scale))
    new_ids = _fresh_ids(rng, set(ids), n)
    site_of = {code: fam.site_id for code, fam in catalog.FAMILIES.items()}
    rows = []
    for k in range(n):
        text, uom, cost, family = _TRADED[k % len(_TRADED)]
        if k >= len(_TRADED):
            text = f"{text} V{1 + k // len(_TRADED)}"
        rows.append(_new_row(
            new_ids[k], description=text, uom=uom,
            unit_cost=round(cost * float(rng.uniform(0.8, 1.2)), 2), category="finished_good",
            criticality="C", supplier_id=str(rng.choice(_TRADED_SUPPLIERS)),
            lead_time_days=None, family=family, sites=site_of[family],
        ))  # fmt: skip
    start = len(items)
    items = pd.concat([items, pd.DataFrame(rows)], ignore_index=True)
    s.traded = list(range(start, start + n))
    return items, s


def launch(
    orders: pd.DataFrame, progress: pd.DataFrame, s: Situations, ledger: Ledger
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Products launched during the history: their orders before the launch day go (with
    the movements those orders booked)."""
    day = orders.product_item_id.map(s.launched)
    gone = day.notna().to_numpy() & (orders.released_at.to_numpy() < day.fillna(0) * DAY)
    refs = orders.order_id.to_numpy()[gone]
    arr = ledger.arrays()
    keep = ~np.isin(arr["ref"], refs) | (arr["ref_type"] != REF_CODE["production_order"])
    ledger.chunks = [{k: v[keep] for k, v in arr.items()}]
    return orders[~gone], progress[~progress.order_id.isin(refs)]


def incomplete_boms(boms: pd.DataFrame, s: Situations) -> pd.DataFrame:
    """The BOMs as the plant keeps them: the unlisted items' lines are missing."""
    return boms[~boms.component_item_id.isin(s.unlisted)].reset_index(drop=True)


def incomplete_routings(routings: pd.DataFrame, s: Situations) -> pd.DataFrame:
    """The routings as the plant keeps them: some products have none in the ERP."""
    return routings[~routings.product_item_id.isin(s.unrouted)].reset_index(drop=True)


def lot_sizes(qty: np.ndarray, item_rows: np.ndarray, s: Situations, rng) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Reorder quantities of the bulk-bought consumables and kanban-delivered materials."""
    qty = qty.copy()
    bulk = np.isin(item_rows, s.bulk)
    qty[bulk] *= rng.uniform(6, 15, int(bulk.sum()))
    kanban = np.isin(item_rows, s.kanban)
    qty[kanban] = np.maximum(qty[kanban] * rng.uniform(0.05, 0.15, int(kanban.sum())), 1.0)
    return np.ceil(qty)


def apply(
    items: pd.DataFrame,
    s: Situations,
    orders: pd.DataFrame,
    wos: pd.DataFrame,
    eqs,  # type: ignore[no-untyped-def]
    rng: np.random.Generator,
    clock: Clock,
    ledger: Ledger,
) -> None:
    """Make the ledger behave as `s` says (after version 3's changes)."""
    look = Lookup(orders, wos, eqs)
    arr = {k: v.copy() for k, v in ledger.arrays().items()}
    item, txn = arr["item"], arr["txn_type"]
    # Insurance spares: the breakdown they are kept for did not come.
    drop = np.isin(item, s.insurance) & (arr["qty"] < 0)
    # Products turned components: from the change day, a newer product's orders take them.
    sales = txn == TXN_CODE["issue_sales"]
    for row, (day, _parent) in s.to_component.items():
        rows = np.flatnonzero((item == row) & sales & (arr["ts"] >= day * DAY))
        _retype(arr, rows, "issue_production", "production_order",
                look.order(arr["site"][rows], arr["ts"][rows]))  # fmt: skip
    # Make-to-buy: from the change day the stage's output arrives on a purchase order.
    out = txn == TXN_CODE["production_output"]
    for row, day in s.make_to_buy.items():
        rows = np.flatnonzero((item == row) & out & (arr["ts"] >= day * DAY))
        po = ledger.register_refs([f"MB-{row}-{k:04d}" for k in range(len(rows))])
        _retype(arr, rows, "receipt", "purchase_order", po + np.arange(len(rows)))
    ledger.chunks = [{k: v[~drop] for k, v in arr.items()}]

    _service_parts(items, s, rng, clock, ledger)
    _traded(items, s, rng, clock, ledger)
    arr = ledger.arrays()
    is_prod = arr["txn_type"] == TXN_CODE["issue_production"]
    site_code = {site.site_id: i for i, site in enumerate(catalog.SITES)}
    for row, share in s.workshop.items():
        used = -arr["qty"][is_prod & (arr["item"] == row)].sum()
        each = items.at[row, "uom"] in EACH_UOMS
        site = site_code[str(items.at[row, "sites"]).split()[0]]
        _lumps(row, site, used * share / (1 - share), each, rng, clock, ledger, look)


def _sales_orders(ledger: Ledger, prefix: str, n: int) -> np.ndarray:
    return ledger.register_refs([f"{prefix}-{k:07d}" for k in range(n)]) + np.arange(n)


def _service_parts(items, s: Situations, rng, clock: Clock, ledger: Ledger) -> None:  # type: ignore[no-untyped-def]
    """A share of an assembly's output sold to customers as spare parts, a few at a time."""
    arr = ledger.arrays()
    is_prod = arr["txn_type"] == TXN_CODE["issue_production"]
    site_code = {site.site_id: i for i, site in enumerate(catalog.SITES)}
    for row, share in s.service_part.items():
        used = -arr["qty"][is_prod & (arr["item"] == row)].sum()
        total = used * share / (1 - share)
        if total <= 0:
            continue
        n = int(np.clip(total / 4, 3, 80))
        sizes = rng.lognormal(0, 0.6, n)
        qty = round_qty(np.maximum(sizes / sizes.sum() * total, 1.0), True)
        ts = rng.integers(DAY, clock.as_of_s, n) // DAY * DAY + 9 * HOUR
        site = site_code[str(items.at[row, "sites"]).split()[0]]
        ledger.add(np.sort(ts), row, site, -qty, "issue_sales", "sales_order",
                   _sales_orders(ledger, f"SP-{row}", n))  # fmt: skip


def _traded(items, s: Situations, rng, clock: Clock, ledger: Ledger) -> None:  # type: ignore[no-untyped-def]
    """Traded goods: sold week by week, bought in monthly lots a few days ahead."""
    site_code = {site.site_id: i for i, site in enumerate(catalog.SITES)}
    n_weeks = clock.n_days // 7
    for row in s.traded:
        site = site_code[str(items.at[row, "sites"]).split()[0]]
        each = items.at[row, "uom"] in EACH_UOMS
        rate = float(rng.lognormal(1.0, 0.6))  # sales orders a week
        counts = rng.poisson(rate, n_weeks)
        week = np.repeat(np.arange(n_weeks), counts)
        if not len(week):
            continue
        ts = (week * 7 + rng.integers(0, 5, len(week))) * DAY + 10 * HOUR
        qty = round_qty(rng.lognormal(1.5, 0.7, len(week)), each)
        order = np.argsort(ts, kind="stable")
        ts, qty = ts[order], qty[order]
        ledger.add(ts, row, site, -qty, "issue_sales", "sales_order",
                   _sales_orders(ledger, f"TG-{row}", len(ts)))  # fmt: skip
        # One purchase order a month covering the month's sales, arriving before them.
        month = ts // (30 * DAY)
        months = np.unique(month)
        lot = np.array([qty[month == m].sum() for m in months])
        arrive = np.maximum(months * 30 * DAY - 3 * DAY, 0) + 5 * HOUR
        po = _sales_orders(ledger, f"TP-{row}", len(months))
        ledger.add(arrive, row, site, lot, "receipt", "purchase_order", po)


def settle_truth(items: pd.DataFrame, s: Situations) -> pd.DataFrame:
    """A product another product now consumes is, truly, WIP (its use now)."""
    items = items.copy()
    for row in s.to_component:
        items.at[row, "category"] = "wip"
    return items


def stale_labels(items: pd.DataFrame, s: Situations, rng: np.random.Generator) -> pd.DataFrame:
    """Recorded categories as these situations leave them: the master keeps a product
    turned component as a finished good; a traded good created by purchasing is often
    filed as raw material."""
    items = items.copy()
    rec = items.rec_category.to_numpy(dtype=object)
    for row in s.to_component:
        if rec[row] is not None and rng.random() < 0.8:
            rec[row] = "finished_good"
    for row in s.traded:
        if rec[row] is not None and rng.random() < TRADED_RECORDED_RAW:
            rec[row] = "raw_material"
    items["rec_category"] = rec
    return items


def dual_rows(s: Situations) -> list[int]:
    """Version 4's dual-use items (production and maintenance)."""
    return sorted(s.workshop)
