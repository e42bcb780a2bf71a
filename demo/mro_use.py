"""How MRO stock leaves the stores: PM kits at preventive work orders, spares at corrective
ones (the fault's parts plus, now and then, another spare for that machine type), and a
background of consumables, safety gear and tools drawn for work orders or the shop floor.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.demo import catalog
from stockwise.demo.ledger import DAY, Ledger, round_qty
from stockwise.demo.production import HOUR, Clock

EACH_UOMS = ["EA", "BOX", "PR", "ROLL", "BAG"]


def plan_parts(plans: pd.DataFrame, eqs, items: pd.DataFrame, rng) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """The catalog kit of each plan, plus up to two consumables for that machine type."""
    etype = {eq.equipment_id: eq.equipment_type for eq in eqs}
    kits = {(t.equipment_type, t.code): t.kit for t in catalog.PM_TEMPLATES}
    filler = items[~items.named & (items.mro_subtype == "consumable")]
    by_type = {t: g.item_id.to_numpy() for t, g in filler.groupby("fits")}
    rows: list[tuple[str, str, float]] = []
    for plan_id, eq_id in zip(plans.plan_id, plans.equipment_id, strict=True):
        t = etype[eq_id]
        code = plan_id.rsplit("-", 1)[1]
        rows.extend((plan_id, item_id, float(qty)) for item_id, qty in kits[(t, code)])
        pool = by_type.get(t, np.empty(0, dtype=object))
        for item_id in pool[rng.permutation(len(pool))[: int(rng.integers(0, 3))]]:
            rows.append((plan_id, item_id, float(rng.integers(1, 4))))
    return pd.DataFrame(rows, columns=["plan_id", "item_id", "qty"])


def number_work_orders(wos: pd.DataFrame, ledger: Ledger) -> pd.DataFrame:
    wos = wos.sort_values(["created_at", "equip", "wo_type"], kind="stable").reset_index(drop=True)
    ids = [f"WO-{n:06d}" for n in range(100001, 100001 + len(wos))]
    wos["ref"] = ledger.register_refs(ids) + np.arange(len(wos))
    return wos


def issue_work_order_parts(
    wos: pd.DataFrame,
    parts: pd.DataFrame,
    eqs,
    items: pd.DataFrame,
    rng,
    clock: Clock,
    ledger: Ledger,
) -> None:
    index = pd.Series(np.arange(len(items)), index=items.item_id)
    each = items.uom.isin(EACH_UOMS).to_numpy()
    site_of = np.array([[s.site_id for s in catalog.SITES].index(eq.site_id) for eq in eqs])
    type_of = np.array([eq.equipment_type for eq in eqs], dtype=object)
    # PM kits, consumed when the work order is done.
    pm = wos[(wos.wo_type == "preventive") & (wos.completed_at >= 0)]
    kit = pm[["ref", "equip", "completed_at", "plan_id"]].merge(parts, on="plan_id")
    ledger.add(
        kit.completed_at.to_numpy() - 1800,
        index[kit.item_id].to_numpy(),
        site_of[kit.equip.to_numpy()],
        -kit.qty.to_numpy(),
        "issue_maintenance",
        "work_order",
        kit.ref.to_numpy(),
    )
    # Corrective: the fault's parts an hour after the breakdown.
    cm = wos[wos.wo_type == "corrective"].copy()
    cm["ts"] = cm.created_at + HOUR
    cm = cm[cm.ts <= clock.as_of_s]
    fault_parts = pd.DataFrame(
        [
            (f.code, item_id, float(q))
            for t in catalog.EQUIPMENT_TYPES.values()
            for f in t.faults
            for item_id, q in f.parts
        ],
        columns=["failure_code", "item_id", "qty"],
    )
    used = cm.merge(fault_parts, on="failure_code")
    ledger.add(
        used.ts.to_numpy(),
        index[used.item_id].to_numpy(),
        site_of[used.equip.to_numpy()],
        -used.qty.to_numpy(),
        "issue_maintenance",
        "work_order",
        used.ref.to_numpy(),
    )
    # ...and sometimes another spare or consumable for that type, popular ones more often.
    for subtype, prob in (("spare_part", 0.45), ("consumable", 0.3)):
        filler = items[~items.named & (items.mro_subtype == subtype)]
        for t, group in filler.groupby("fits"):
            mine = cm[(type_of[cm.equip.to_numpy()] == t) & (rng.random(len(cm)) < prob)]
            if mine.empty:
                continue
            weights = 1 / (1 + rng.permutation(len(group))) ** 1.1
            pick = rng.choice(len(group), size=len(mine), p=weights / weights.sum())
            rows = index[group.item_id.to_numpy()[pick]].to_numpy()
            qty = round_qty(rng.uniform(1, 4, len(mine)), each[rows])
            ledger.add(
                mine.ts.to_numpy() + 600,
                rows,
                site_of[mine.equip.to_numpy()],
                -qty,
                "issue_maintenance",
                "work_order",
                mine.ref.to_numpy(),
            )


def background_issues(
    wos: pd.DataFrame,
    eqs,
    items: pd.DataFrame,
    kits: pd.DataFrame,
    rng,
    clock: Clock,
    ledger: Ledger,
) -> None:  # type: ignore[no-untyped-def]
    """Consumables, safety gear and tools drawn week by week, for a work order when one is
    open at that site, otherwise straight to the shop floor (issue_other). A machine's own
    consumable that its PM kits hold (a mixer's gearbox oil) is not floor stock: it is drawn
    for that machine's work orders only, its PM kits and repairs."""
    pick = items[
        (items.category == "mro")
        & items.mro_subtype.isin(["consumable", "safety", "tool"])
        & (items.item_id != catalog.DEAD_STOCK_ITEM_ID)
    ]
    dup_ids = [d for d, _ in catalog.DUPLICATE_PAIRS]
    pick = pd.concat([pick, items[items.item_id.isin(dup_ids) & ~items.item_id.isin(pick.item_id)]])
    rate = {"consumable": 0.12, "safety": 0.3, "tool": 0.012, "spare_part": 0.03}
    split = pick.sites.str.split()
    pairs = pd.DataFrame(
        {
            "row": np.repeat(pick.index.to_numpy(), split.str.len().to_numpy()),
            "site": np.concatenate(split.to_list()),
        }
    )
    sub = items.mro_subtype.to_numpy()[pairs.row]
    lam = np.array([rate[s] for s in sub]) * rng.lognormal(0, 0.8, len(pairs))
    lam[items.item_id.to_numpy()[pairs.row] == catalog.SOLVENT_ITEM_ID] = 0.08
    n_weeks = clock.n_days // 7 + 1
    counts = rng.poisson(lam[:, None] * 7, (len(pairs), n_weeks))
    p_idx, week = np.nonzero(counts)
    reps = counts[p_idx, week]
    p_idx, week = np.repeat(p_idx, reps), np.repeat(week, reps)
    day = week * 7 + rng.integers(0, 7, len(week))
    ts = day.astype(np.int64) * DAY + 6 * HOUR + rng.integers(60, 16 * HOUR, len(day))
    keep = ts <= clock.as_of_s
    p_idx, ts = p_idx[keep], ts[keep]
    rows = pairs.row.to_numpy()[p_idx]
    site_code = {s.site_id: i for i, s in enumerate(catalog.SITES)}
    site = pairs.site.map(site_code).to_numpy()[p_idx].astype(np.int8)
    each = items.uom.isin(EACH_UOMS).to_numpy()[rows]
    qty = np.where(each, rng.integers(1, 5, len(rows)), np.round(rng.uniform(1, 20, len(rows)), 1))
    # The latest work order created at that site before the draw, if within three days.
    eq_site = np.array([site_code[eq.site_id] for eq in eqs])[wos.equip.to_numpy()]
    ref = np.full(len(rows), -1, dtype=np.int64)
    for s in range(len(catalog.SITES)):
        w = wos[eq_site == s]
        at = np.searchsorted(w.created_at.to_numpy(), ts, side="right") - 1
        ok = (site == s) & (at >= 0)
        ok[ok] &= ts[ok] - w.created_at.to_numpy()[at[ok]] <= 3 * DAY
        ok &= rng.random(len(rows)) < 0.7
        ref[ok] = w.ref.to_numpy()[at[ok]]
    # Dropped after every draw is made, so the rest of the plant's random stream (and its
    # figures) stays as it was.
    machine_own = ~items.named.to_numpy() & items.item_id.isin(kits.item_id).to_numpy()
    floor = ~machine_own[rows]
    to_wo = (ref >= 0) & floor
    ledger.add(
        ts[to_wo],
        rows[to_wo],
        site[to_wo],
        -qty[to_wo],
        "issue_maintenance",
        "work_order",
        ref[to_wo],
    )
    other = (ref < 0) & floor
    ledger.add(ts[other], rows[other], site[other], -qty[other], "issue_other")
