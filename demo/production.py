"""Production orders with stage-by-stage progress, their material issues and outputs, and
the sales that draw the finished goods down.

Each order walks its family's routing: at the start of a stage it is issued that stage's
components (raw material, and the WIP item the previous stage made), at the end of a stage
it outputs the stage's WIP item, or the finished good after the last stage. Stage times
are log-normal around the family's typical times; soldering has a heavy tail (batches
waiting on rework), and one planted CTRL-100 batch has sat at soldering for weeks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stockwise.demo import catalog
from stockwise.demo.ledger import DAY, Ledger, round_qty
from stockwise.demo.products import CADENCE_DAYS, ORDER_QTY, ProductPlan

HOUR = 3600


@dataclass
class Clock:
    start: pd.Timestamp
    as_of_s: int  # seconds from start to AS_OF
    n_days: int

    def stamp(self, seconds: np.ndarray) -> np.ndarray:
        return (self.start.to_datetime64() + seconds.astype("timedelta64[s]")).astype(
            "datetime64[s]"
        )


def _orders_for(plan: ProductPlan, rng: np.random.Generator, clock: Clock):  # type: ignore[no-untyped-def]
    cadence = CADENCE_DAYS[plan.family]
    n = int(clock.n_days / cadence) + 3
    gaps = cadence * rng.uniform(0.6, 1.4, n)
    release = (np.cumsum(gaps) - gaps[0] * rng.random()) * DAY
    release = (release // DAY) * DAY + 5 * HOUR + rng.integers(0, 3 * HOUR, n)
    lo, hi = ORDER_QTY[plan.family]
    step = {"FOOD": 100, "HYD": 1, "PCB": 10}[plan.family]
    qty = np.maximum(step, np.round(rng.uniform(lo, hi, n) / step) * step)
    if plan.item_id == catalog.DEMAND_SPIKE[0]:
        spike = (pd.Timestamp(catalog.DEMAND_SPIKE[2]) - clock.start).days * DAY
        in_week = (release >= spike - 3 * DAY) & (release < spike + 4 * DAY)
        qty[in_week] *= 5
    return release.astype(np.int64), qty


def _order_ids(release: np.ndarray, clock: Clock) -> np.ndarray:
    """MO-<yymm>-<n>, numbered by release time within the month from 1000 up (lower
    numbers are the catalog's planted orders)."""
    month = clock.stamp(release).astype("datetime64[M]")
    order = np.lexsort((np.arange(len(release)), release, month))
    sorted_month = month[order]
    first = np.r_[True, sorted_month[1:] != sorted_month[:-1]]
    group_start = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
    seq = np.empty(len(order), dtype=np.int64)
    seq[order] = np.arange(len(order)) - group_start + 1000
    prefix = {m: f"MO-{str(m)[2:4]}{str(m)[5:7]}-" for m in np.unique(month)}
    return np.array([prefix[m] + f"{n:04d}" for m, n in zip(month, seq, strict=True)], dtype=object)


def _stage_tables(plans, fam, stage_index, index, each):  # type: ignore[no-untyped-def]
    """For one stage of a family, per product: its components (as flat arrays grouped by
    product) and the item the stage outputs with the quantity per order unit."""
    stage = fam.stages[stage_index]
    n = len(plans)
    comp_plan, comp_item, comp_per = [], [], []
    out_item, out_per = np.zeros(n, dtype=np.int64), np.ones(n)
    for p, plan in enumerate(plans):
        if plan.family != fam.code:
            continue
        for item_id, per in plan.components[stage.name]:
            comp_plan.append(p)
            comp_item.append(index[item_id])
            comp_per.append(per)
        if stage_index + 1 < len(fam.stages):
            wip_id = plan.wip[stage_index]
            out_item[p] = index[wip_id]
            out_per[p] = dict(plan.components[fam.stages[stage_index + 1].name])[wip_id]
        else:
            out_item[p] = index[plan.item_id]
    comp_plan_arr = np.array(comp_plan, dtype=np.int64)
    counts = np.bincount(comp_plan_arr, minlength=n)
    first = np.r_[0, np.cumsum(counts)[:-1]]
    return counts, first, np.array(comp_item, dtype=np.int64), np.array(comp_per), out_item, out_per


def simulate_orders(
    plans: list[ProductPlan],
    items: pd.DataFrame,
    rng: np.random.Generator,
    clock: Clock,
    ledger: Ledger,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Production orders and order_progress; issues and outputs go to `ledger`.

    Vectorised per family: every order of the family moves through a stage at once."""
    index = {item_id: i for i, item_id in enumerate(items.item_id)}
    each = items.uom.isin(["EA", "BOX", "PR", "ROLL", "BAG"]).to_numpy()
    site_code = {s.site_id: i for i, s in enumerate(catalog.SITES)}
    schedules = [_orders_for(plan, rng, clock) for plan in plans]
    release_all = np.concatenate([r for r, _ in schedules])
    qty_all = np.concatenate([q for _, q in schedules])
    product_all = np.repeat(np.arange(len(plans)), [len(r) for r, _ in schedules])
    refs_all = ledger.register_refs(_order_ids(release_all, clock)) + np.arange(len(release_all))
    family_of = np.array([plan.family for plan in plans], dtype=object)
    product_ids = np.array([plan.item_id for plan in plans], dtype=object)
    order_frames, progress_frames = [], []
    for fam in catalog.FAMILIES.values():
        sel = np.flatnonzero(family_of[product_all] == fam.code)
        release, qty, product, refs = (
            release_all[sel], qty_all[sel], product_all[sel], refs_all[sel]
        )  # fmt: skip
        site = site_code[fam.site_id]
        n = len(sel)
        # A few orders are released and then cancelled before any work starts.
        cancelled = (rng.random(n) < 0.01) & (release < clock.as_of_s - 30 * DAY)
        start = release + rng.integers(10 * 60, 4 * HOUR, n)
        qty_in = qty.copy()
        finished_all = ~cancelled
        reached = np.zeros(n, dtype=bool)
        for s, stage in enumerate(fam.stages):
            dur = stage.typical_days * DAY * rng.lognormal(0, 0.35, n)
            if stage.name == "soldering":
                dur *= np.where(rng.random(n) < 0.06, rng.uniform(3, 6, n), 1.0)
            finish = start + dur.astype(np.int64)
            good = np.round(qty_in * (1 - rng.beta(1, 60, n)))
            started = (start <= clock.as_of_s) & ~cancelled
            done = (finish <= clock.as_of_s) & started
            reached |= started
            progress_frames.append(
                pd.DataFrame(
                    {
                        "order_id": refs[started],
                        "stage_seq": s + 1,
                        "stage": stage.name,
                        "started_at": start[started],
                        "finished_at": np.where(done, finish, -1)[started],
                        "qty_good": np.where(done, good, np.nan)[started],
                        "qty_scrap": np.where(done, qty_in - good, np.nan)[started],
                    }
                )
            )
            counts, first, comp_item, comp_per, out_item, out_per = _stage_tables(
                plans, fam, s, index, each
            )
            # One issue per (order, component of its product) at the start of the stage.
            k = counts[product]
            o = np.repeat(np.arange(n), k)
            c = np.repeat(first[product], k) + (np.arange(len(o)) - np.repeat(np.cumsum(k) - k, k))
            item = comp_item[c]
            issued = round_qty(qty_in[o] * comp_per[c], each[item])
            go = started[o]
            ledger.add(
                start[o][go] + 15 * 60,
                item[go],
                site,
                -issued[go],
                "issue_production",
                "production_order",
                refs[o][go],
            )
            made = out_item[product]
            out = round_qty(good * out_per[product], each[made])
            ledger.add(
                finish[done],
                made[done],
                site,
                out[done],
                "production_output",
                "production_order",
                refs[done],
            )
            finished_all &= done
            gap = (0.05 * stage.typical_days * DAY * rng.random(n)).astype(np.int64) + 60
            start, qty_in = finish + gap, good
        status = np.where(finished_all, "completed", np.where(reached, "in_progress", "released"))
        status = np.where(cancelled, "cancelled", status)
        status = np.where(release > clock.as_of_s, "planned", status)
        typical = sum(s.typical_days for s in fam.stages)
        frame = pd.DataFrame(
            {
                "order_id": refs,
                "product_item_id": product_ids[product],
                "site_id": fam.site_id,
                "qty": qty,
                "status": status,
                "released_at": np.where(release > clock.as_of_s, -1, release),
                "due_date": (release + int(typical * 1.5 * DAY) + DAY) // DAY * DAY,
                "completed_at": np.where(finished_all, start - gap, -1),
            }
        )
        # Planned orders reach two weeks past AS_OF; later ones do not exist yet.
        order_frames.append(frame[release <= clock.as_of_s + 14 * DAY])
    orders = pd.concat(order_frames, ignore_index=True)
    progress = pd.concat(progress_frames, ignore_index=True)
    return orders, progress


def plant_stalled_order(
    plans: list[ProductPlan], items: pd.DataFrame, clock: Clock, ledger: Ledger
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The CTRL-100 batch that passed SMT and has sat at soldering ever since."""
    spec = catalog.STALLED_ORDER
    plan = next(p for p in plans if p.item_id == spec["product"])
    index = pd.Series(np.arange(len(items)), index=items.item_id)
    each = items.uom.isin(["EA", "BOX", "PR", "ROLL", "BAG"]).to_numpy()

    def at(text: str) -> int:
        return int((pd.Timestamp(text) - clock.start).total_seconds())

    released, smt_start = at(spec["released"]), at(spec["released"]) + HOUR
    solder_start = at(spec["stage_started"])
    smt_finish = solder_start - 10 * HOUR
    qty, good = float(spec["qty"]), float(spec["qty"]) - 4
    ref = ledger.register_refs([catalog.STALLED_ORDER_ID])
    site = [s.site_id for s in catalog.SITES].index(spec["site"])
    for stage, qty_in, ts in (("smt", qty, smt_start), ("soldering", good, solder_start)):
        for item_id, per in plan.components[stage]:
            i = int(index[item_id])
            q = round_qty(np.array([qty_in * per]), each[i])
            ledger.add(ts + 15 * 60, i, site, -q, "issue_production", "production_order", ref)
    ledger.add(
        smt_finish,
        int(index[plan.wip[0]]),
        site,
        good,
        "production_output",
        "production_order",
        ref,
    )
    order = pd.DataFrame(
        [
            {
                "order_id": ref,
                "product_item_id": plan.item_id,
                "site_id": spec["site"],
                "qty": qty,
                "status": "in_progress",
                "released_at": released,
                "due_date": (released + 6 * DAY) // DAY * DAY,
                "completed_at": -1,
            }
        ]
    )
    progress = pd.DataFrame(
        [
            {
                "order_id": ref,
                "stage_seq": 1,
                "stage": "smt",
                "started_at": smt_start,
                "finished_at": smt_finish,
                "qty_good": good,
                "qty_scrap": qty - good,
            },
            {
                "order_id": ref,
                "stage_seq": 2,
                "stage": "soldering",
                "started_at": solder_start,
                "finished_at": -1,
                "qty_good": np.nan,
                "qty_scrap": np.nan,
            },
        ]
    )
    return order, progress
