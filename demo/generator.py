"""Generate the demo plant: `generate_demo(out_dir, scale=, seed=)` writes one file per
contract table plus labels.csv, planted_anomalies.csv and meta.json.

Deterministic for a seed: no wall clock, one seeded generator drawn in a fixed order, and
stable sorts, so two runs write the same bytes. See `labels.py` for the planted cases.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from stockwise.demo import (
    GENERATOR_VERSION,
    GENERATOR_VERSIONS,
    ambiguity,
    catalog,
    labels,
    maintenance,
    movements,
    mro_use,
    production,
    replenish,
    sales,
    stock,
    v3_truth,
    v4_situations,
    v5_situations,
)
from stockwise.demo.items import IdPool, filler_count, filler_rows, named_rows, to_frame
from stockwise.demo.ledger import DAY, TXN_CODE, Ledger
from stockwise.demo.products import boms_frame, build_products, routings_frame, variant_count
from stockwise.demo.writer import write_dataset

Progress = Callable[[str, float], None]  # (step description, fraction done 0..1)
FORMATS = ("csv", "parquet")


def make_clock() -> production.Clock:
    start = pd.Timestamp(catalog.HISTORY_START)
    as_of = pd.Timestamp(catalog.AS_OF)
    return production.Clock(start, int((as_of - start).total_seconds()), (as_of - start).days + 1)


def generate_demo(
    out_dir: Path,
    *,
    scale: float = 1.0,
    seed: int = 42,
    fmt: str = "csv",
    progress: Progress | None = None,
    generator_version: int = GENERATOR_VERSION,
) -> Path:
    """Write the demo dataset into `out_dir` (created; must be empty or absent).

    `generator_version` 2 (the default) is the plant the docs, evals and tests quote;
    3 adds the ambiguity of real item masters (see `ambiguity.py`); 4 adds several
    behaviours per category and uses that change (see `v4_situations.py`); 5 breaks the
    rules behaviour alone still followed (see `v5_situations.py`)."""
    if generator_version not in GENERATOR_VERSIONS:
        known = ", ".join(map(str, GENERATOR_VERSIONS))
        raise ValueError(f"generator version must be one of {known}, got {generator_version}")
    if scale <= 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} is not empty; choose an empty or new folder")
    report = progress or (lambda step, fraction: None)
    rng = np.random.default_rng(seed)
    clock = make_clock()
    ledger = Ledger()

    report("items", 0.02)
    ids = IdPool(rng, filler_count(scale) + variant_count(scale))
    base = to_frame(named_rows() + filler_rows(rng, scale, ids))
    plans, product_rows = build_products(rng, scale, base, ids)
    items = to_frame(base.to_dict("records") + product_rows)
    roles = None
    if generator_version >= 3:
        # Its own stream: version 2's draws, and so its bytes, stay as they were.
        rng3 = np.random.default_rng([seed, 3])
        items, roles = ambiguity.assign_roles(items, plans, scale, rng3)
    else:
        items = labels.plant_categories(items, rng)
    situations = None
    if roles is not None and generator_version >= 4:
        # Its own stream again: version 3's draws stay as they were.
        rng4 = np.random.default_rng([seed, 4])
        items, situations = v4_situations.assign(items, plans, roles, scale, rng4)
    fifth = None
    if roles is not None and situations is not None and generator_version >= 5:
        rng5 = np.random.default_rng([seed, 5])  # its own stream: version 4 stays as it was
        fifth = v5_situations.assign(items, plans, roles, situations, rng5)

    report("production orders", 0.12)
    running = plans if roles is None else roles.active(plans)
    orders, progress_rows = production.simulate_orders(running, items, rng, clock, ledger)
    stalled_order, stalled_progress = production.plant_stalled_order(plans, items, clock, ledger)
    orders = pd.concat([orders, stalled_order], ignore_index=True)
    progress_rows = pd.concat([progress_rows, stalled_progress], ignore_index=True)
    if situations is not None:
        orders, progress_rows = v4_situations.launch(orders, progress_rows, situations, ledger)
    sales.ship_finished_goods(orders, items, rng, clock, ledger)

    report("equipment and maintenance", 0.3)
    eqs = maintenance.build_equipment(scale)
    hours = maintenance.run_hours(eqs, rng, clock)
    fail_eq, fail_day = maintenance.failures(eqs, hours, rng)
    usage = maintenance.usage_frame(eqs, hours, fail_eq, fail_day, rng, clock)
    corrective = maintenance.corrective_orders(eqs, hours, fail_eq, fail_day, rng, clock)
    pm, plans_frame = maintenance.pm_orders(eqs, hours, rng, clock)
    kit = mro_use.plan_parts(plans_frame, eqs, items, rng)
    planted = maintenance.plant_recent_breakdowns(eqs, clock)
    wos = pd.concat([corrective, planted, pm], ignore_index=True)
    wos = mro_use.number_work_orders(wos, ledger)
    mro_use.issue_work_order_parts(wos, kit, eqs, items, rng, clock, ledger)
    mro_use.background_issues(wos, eqs, items, kit, rng, clock, ledger)
    if roles is not None:
        movements.apply(items, roles, plans, orders, wos, eqs, rng3, clock, ledger)
        if situations is not None:
            v4_situations.apply(items, situations, orders, wos, eqs, rng4, clock, ledger)
            if fifth is not None:
                v5_situations.apply(fifth, orders, ledger)
            items = v4_situations.settle_truth(items, situations)
        items = v3_truth.settle_truth(items, roles, movements.use_shares(ledger, len(items)))
        items = labels.plant_categories(items, rng)
        items = v3_truth.stale_labels(items, roles, rng3)
        if situations is not None:
            items = v4_situations.stale_labels(items, situations, rng4)

    report("purchasing", 0.45)
    stock.transfers(items, rng, clock, ledger)
    rows, sites = replenish.purchased_pairs(items)
    demand = _daily_demand(ledger, rows, sites, len(items), clock)
    policy = replenish.make_policy(items, rows, sites, demand, rng)
    if situations is not None:
        policy.qty = v4_situations.lot_sizes(policy.qty, policy.item, situations, rng4)
    stock.count_corrections(policy, items, rng, clock, ledger)
    replenish.simulate(policy, ledger, items, rng, clock)
    if fifth is not None:
        v5_situations.after_purchasing(
            fifth, orders, movements.Lookup(orders, wos, eqs), ledger, rng5
        )
    stock.returns_to_vendor(rng, ledger)
    levels, variances = stock.finalize(policy, items, clock, ledger)

    report("writing files", 0.65)
    tables = _frames(
        items,
        orders,
        progress_rows,
        eqs,
        usage,
        wos,
        plans_frame,
        kit,
        levels,
        plans,
        clock,
        ledger,
    )
    facts = _facts(tables, variances, ledger, items, clock)
    tables["labels"] = labels.labels_frame(items)
    tables["planted_anomalies"] = labels.anomalies_frame(items, facts)
    if roles is not None:
        shares = movements.use_shares(ledger, len(items))
        extra_dual = [] if situations is None else v4_situations.dual_rows(situations)
        tables["labels"] = v3_truth.labels_with_shares(tables["labels"], roles, shares, extra_dual)
        tables["boms"] = v3_truth.boms_with_extras(tables["boms"], roles, plans)
        if situations is not None:
            tables["boms"] = v4_situations.incomplete_boms(tables["boms"], situations)
            tables["routings"] = v4_situations.incomplete_routings(tables["routings"], situations)
        if fifth is not None:
            tables["boms"] = v5_situations.boms(tables["boms"], items, fifth)
            tables["items"] = v5_situations.master(tables["items"], fifth, rng5)
        tables["planted_anomalies"] = v3_truth.planted(
            tables["planted_anomalies"], items, roles, shares, extra_dual
        )
    meta = {
        "name": "Stockwise demo plant",
        "generator_version": generator_version,
        "currency": catalog.CURRENCY,
        "scale": scale,
        "seed": seed,
        "as_of": catalog.AS_OF,
        "history_start": catalog.HISTORY_START,
    }
    write_dataset(
        out_dir,
        tables,
        ledger,
        items,
        clock,
        meta,
        fmt,
        lambda f: report("writing files", 0.65 + 0.35 * f),
    )
    report("done", 1.0)
    return out_dir


def _daily_demand(ledger: Ledger, rows, sites, n_items: int, clock) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Mean daily outflow of each purchased (item, site) pair over the history."""
    arr = ledger.arrays()
    n_sites = len(catalog.SITES)
    out = np.bincount(
        arr["item"].astype(np.int64) * n_sites + arr["site"],
        weights=np.minimum(arr["qty"], 0),
        minlength=n_items * n_sites,
    )
    return -out[rows.astype(np.int64) * n_sites + sites] / clock.n_days


def _stamp(seconds, clock) -> pd.Series:  # type: ignore[no-untyped-def]
    s = np.asarray(seconds, dtype=np.int64)
    out = pd.Series(clock.stamp(np.maximum(s, 0)).astype("datetime64[ns]"))
    return out.where(s >= 0)


def _frames(
    items, orders, progress_rows, eqs, usage, wos, plans_frame, kit, levels, plans, clock, ledger
) -> dict[str, pd.DataFrame]:  # type: ignore[no-untyped-def]
    pool = ledger.pool()
    site_ids = np.array([s.site_id for s in catalog.SITES], dtype=object)
    item_ids = items.item_id.to_numpy()
    t: dict[str, pd.DataFrame] = {}
    t["sites"] = pd.DataFrame(
        [(s.site_id, s.name) for s in catalog.SITES], columns=["site_id", "name"]
    )
    t["suppliers"] = pd.DataFrame(
        [s for s in catalog.SUPPLIERS],
        columns=["supplier_id", "name", "supplier_type", "lead_time_days"],
    )
    t["items"] = pd.DataFrame(
        {
            "item_id": items.item_id,
            "description": items.description,
            "uom": items.uom,
            "unit_cost": items.unit_cost,
            "recorded_category": items.rec_category,
            "mro_subtype": items.rec_subtype,
            "supplier_id": items.supplier_id,
            "lead_time_days": items.lead_time_days,
            "criticality": items.rec_criticality,
        }
    )
    t["stock_levels"] = pd.DataFrame(
        {
            "item_id": item_ids[levels.item],
            "site_id": site_ids[levels.site],
            "on_hand_qty": levels.on_hand_qty,
            "as_of": pd.Timestamp(catalog.AS_OF),
            "reorder_point": levels.reorder_point,
            "reorder_qty": levels.reorder_qty,
            "safety_stock": levels.safety_stock,
        }
    )
    t["boms"] = boms_frame(plans)
    t["routings"] = routings_frame(plans)
    orders = orders.sort_values("order_id", kind="stable")
    t["production_orders"] = pd.DataFrame(
        {
            "order_id": pool[orders.order_id.to_numpy()],
            "product_item_id": orders.product_item_id.to_numpy(),
            "site_id": orders.site_id.to_numpy(),
            "qty": orders.qty.to_numpy(),
            "status": orders.status.to_numpy(),
            "released_at": _stamp(orders.released_at, clock),
            "due_date": _stamp(orders.due_date, clock).dt.normalize(),
            "completed_at": _stamp(orders.completed_at, clock),
        }
    )
    prog = progress_rows.sort_values(["order_id", "stage_seq"], kind="stable")
    t["order_progress"] = pd.DataFrame(
        {
            "order_id": pool[prog.order_id.to_numpy()],
            "stage_seq": prog.stage_seq.to_numpy(),
            "stage": prog.stage.to_numpy(),
            "started_at": _stamp(prog.started_at, clock),
            "finished_at": _stamp(prog.finished_at, clock),
            "qty_good": prog.qty_good.to_numpy(),
            "qty_scrap": prog.qty_scrap.to_numpy(),
        }
    )
    t["equipment"] = pd.DataFrame(
        [(e.equipment_id, e.name, e.equipment_type, e.site_id, e.criticality) for e in eqs],
        columns=["equipment_id", "name", "equipment_type", "site_id", "criticality"],
    )
    t["equipment_usage"] = usage
    eq_ids = np.array([e.equipment_id for e in eqs], dtype=object)
    t["work_orders"] = pd.DataFrame(
        {
            "wo_id": pool[wos.ref.to_numpy()],
            "equipment_id": eq_ids[wos.equip.to_numpy()],
            "wo_type": wos.wo_type.to_numpy(),
            "status": wos.status.to_numpy(),
            "created_at": _stamp(wos.created_at, clock),
            "scheduled_for": _stamp(wos.scheduled_for, clock),
            "completed_at": _stamp(wos.completed_at, clock),
            "failure_code": wos.failure_code.to_numpy(),
            "description": wos.description.to_numpy(),
        }
    )
    plans_frame = plans_frame.assign(last_done_at=_stamp(plans_frame.last_done_at, clock))
    t["pm_plans"] = plans_frame
    t["pm_plan_parts"] = kit.groupby(["plan_id", "item_id"], as_index=False, sort=False)[
        "qty"
    ].sum()
    return t


def _facts(tables, variances, ledger, items, clock) -> dict:  # type: ignore[no-untyped-def]
    """Figures for planted_anomalies.csv, measured on the generated data."""
    arr = ledger.arrays()
    item_ids = items.item_id.to_numpy()
    levels = tables["stock_levels"]
    facts: dict = {"variances": {}, "short": {}}
    for (item_id, site), delta in variances.items():
        row = levels[(levels.item_id == item_id) & (levels.site_id == site)].iloc[0]
        facts["variances"][(item_id, site)] = (
            f"on hand {row.on_hand_qty:.10g} vs book {row.on_hand_qty - delta:.10g} at {site}"
        )
    recent = arr["ts"] > clock.as_of_s - 90 * DAY
    issue = np.isin(
        arr["txn_type"],
        [
            TXN_CODE[n]
            for n in ("issue_production", "issue_maintenance", "issue_sales", "issue_other")
        ],
    )
    for item_id in (catalog.SOLVENT_ITEM_ID, *catalog.CRITICAL_SHORT_ITEM_IDS):
        row = int(np.flatnonzero(item_ids == item_id)[0])
        used = -arr["qty"][recent & issue & (arr["item"] == row)].sum() / 90
        on_hand = levels.loc[levels.item_id == item_id, "on_hand_qty"].sum()
        cover = on_hand / used if used > 0 else float("inf")
        text = f"on hand {on_hand:g}, average daily demand {used:.3f}, days of cover {cover:.0f}"
        if item_id == catalog.SOLVENT_ITEM_ID:
            facts["excess"] = text
        else:
            lead = items.loc[row, "lead_time_days"]
            facts["short"][item_id] = f"{text}, lead time {lead:g} days"
    return facts
