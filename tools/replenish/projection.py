"""Projected stock of bought items over their lead time, for alerting.

For each day t of the horizon (lead time + one review day):

    projected(t) = on hand + open purchases due by t - forecast demand(t) - extra WIP(t)

- forecast demand(t) is the project's lead-time demand forecast at the item's service target
  (`plan_policies`, cycle service: A 99%, B 95%, C 90% by default): its mean grows with t,
  and its safety part (the quantile over the horizon minus the mean) grows as sqrt(t), so
  at the horizon the projection is on hand + inbound - the recommended reorder point;
- extra WIP(t) is what open production orders will take by t, on the day each order is
  expected to reach the stage that consumes it (`wip.component_needs`: a stalled order
  moves its needs later), beyond the production draw the history already holds.

The safety stock is inside the quantile, so an alert is due when the projection goes below
zero within the horizon. What changes only once a day (the demand history, the forecast,
typical stage durations, the bills of materials) is kept by `PlanCache` for that day, so a
batch re-plans what it moved and no more.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.replenish.bom import BomLine, bom_lines, check_acyclic
from stockwise.tools.replenish.demand import DEMAND_TXN_TYPES, DemandMatrix
from stockwise.tools.replenish.items import item_site_facts
from stockwise.tools.replenish.policy import REVIEW_DAYS, plan_policies
from stockwise.tools.replenish.risk import first_below
from stockwise.tools.replenish.wip import (
    NEED_COLUMNS,
    OPEN_STATUSES,
    component_needs,
    typical_stage_days,
)

DEFAULT_LEAD_DAYS = 30.0  # as `risk_table`: an item without a lead time looks a month ahead
PURCHASE_COLUMNS = ["po_id", "item_id", "site_id", "qty", "due_date"]
PAIR = ["item_id", "site_id"]
PLAN_COLUMNS = [
    "item_id",
    "site_id",
    "description",
    "criticality",
    "lead_days",
    "avg_daily_demand",
    "ltd_mean",
    "ltd_method",
    "target_service",
    "recommended_reorder_point",
    "recommended_order_qty",
    "production_rate",
    "worst_ltd",
]


def _closure(lines: dict[str, list[BomLine]]) -> dict[str, frozenset[str]]:
    """product -> every item its BOM reaches, through sub-assemblies."""
    out: dict[str, frozenset[str]] = {}

    def reach(item: str) -> frozenset[str]:
        if item not in out:
            found: set[str] = set()
            for line in lines.get(item, []):
                found.add(line.component)
                found |= reach(line.component)
            out[item] = frozenset(found)
        return out[item]

    for product in lines:
        reach(product)
    return out


@dataclass
class PlanCache:
    """What the projection needs that moves only once a day, for the day of `ds.as_of`: the
    demand history's rows by (item, site), each pair's forecast and policy (computed the
    first time the pair is asked for), the item facts, the BOM and typical stage days."""

    settings: Settings
    day: pd.Timestamp | None = None
    plans: dict[tuple[str, str], dict] = field(default_factory=dict)
    built: dict[str, int] = field(default_factory=dict)  # what was computed, for figures
    _items: object = None  # the items table the day was built from
    spares: frozenset[str] = frozenset()  # criticality-A spare parts
    spare_floor: float = float("nan")  # what one breakdown takes of one (`breakdown_floor`)

    def affected_components(self, ds: Dataset, order_ids: set[str]) -> pd.DataFrame:
        """(item_id, site_id) of every item the BOMs of `order_ids` reach, at the order's
        site, whatever the order's status: a finished or cancelled order's needs go too."""
        self._start_day(ds)
        orders = ds.production_orders
        orders = orders[orders["order_id"].isin(order_ids)]
        pairs = [
            (item, str(site))
            for product, site in zip(orders["product_item_id"], orders["site_id"], strict=True)
            for item in self.uses.get(str(product), ())
        ]
        return pd.DataFrame(pairs, columns=PAIR).drop_duplicates()

    def _start_day(self, ds: Dataset) -> None:
        day = ds.as_of.normalize()
        if self.day == day and self._items is ds.tables["items"]:
            return
        self.day, self.plans = day, {}
        self._items = ds.tables["items"]
        days = self.settings.replenish_history_days
        start = day - pd.Timedelta(days=days)
        txns = ds.transactions
        mask = txns["txn_type"].isin(DEMAND_TXN_TYPES) & (txns["ts"] >= start) & (txns["ts"] < day)
        picked = txns.loc[mask, ["item_id", "site_id", "ts", "qty", "txn_type"]]
        picked = picked.assign(
            item_id=picked["item_id"].astype(str), site_id=picked["site_id"].astype(str)
        )
        self._col = ((picked["ts"].dt.normalize() - start) // pd.Timedelta(days=1)).to_numpy()
        self._qty = -picked["qty"].to_numpy(dtype=float)
        self._production = (picked["txn_type"].astype(object) == "issue_production").to_numpy()
        self._rows = picked.groupby(PAIR, sort=False).indices if len(picked) else {}
        self._days = pd.date_range(start, day - pd.Timedelta(days=1), freq="D")
        facts = item_site_facts(ds)
        made = set(ds.boms["parent_item_id"])
        self._facts = facts[~facts["item_id"].isin(made)].set_index(PAIR, drop=False)
        self._facts = self._facts[~self._facts.index.duplicated()]
        self.lines = bom_lines(ds.boms)
        check_acyclic(self.lines)
        self.uses = _closure(self.lines)
        self.typical = typical_stage_days(ds)
        self.spares, self.spare_floor = breakdown_floor(ds, day, self.settings.service_level_a)
        self.built = {"days": self.built.get("days", 0) + 1, "plans": 0}

    def floors(self, plan: pd.DataFrame) -> np.ndarray:
        """The breakdown floor of each row of `plan`: `spare_floor` for criticality-A spare
        parts, NaN for every other item."""
        spare = plan["item_id"].isin(self.spares).to_numpy(dtype=bool)
        return np.where(spare, self.spare_floor, np.nan)

    def _history(self, keys: pd.DataFrame) -> tuple[DemandMatrix, np.ndarray]:
        values = np.zeros((len(keys), len(self._days)))
        production = np.zeros(len(keys))
        used = 0
        for i, key in enumerate(zip(keys["item_id"], keys["site_id"], strict=True)):
            rows = self._rows.get(key)
            if rows is None:
                continue
            np.add.at(values[i], self._col[rows], self._qty[rows])
            production[i] = self._qty[rows][self._production[rows]].sum()
            used += len(rows)
        matrix = DemandMatrix(keys[PAIR].reset_index(drop=True), self._days, values, used)
        return matrix, production / max(len(self._days), 1)

    def plan(self, ds: Dataset, keys: pd.DataFrame | None) -> pd.DataFrame:
        """PLAN_COLUMNS plus on_hand_qty, one row per bought pair of `keys` (all when None)
        with a stock row; the forecast of a pair not yet planned today is made now."""
        self._start_day(ds)
        facts = self._facts
        if keys is not None:
            wanted = pd.MultiIndex.from_frame(keys[PAIR].astype(str).drop_duplicates())
            facts = facts[facts.index.isin(wanted)]
        missing = facts[[k not in self.plans for k in facts.index]].reset_index(drop=True)
        if len(missing):
            history, production = self._history(missing)
            planned = plan_policies(
                ds, self.settings, facts=missing, measure="cycle", history=history, as_of=self.day
            )
            planned["production_rate"] = production
            planned["worst_ltd"] = worst_window(history.values, planned["lead_days"])
            for row in planned[PLAN_COLUMNS].to_dict("records"):
                self.plans[(row["item_id"], row["site_id"])] = row
            self.built["plans"] = self.built.get("plans", 0) + len(missing)
        plan = pd.DataFrame([self.plans[k] for k in facts.index], columns=PLAN_COLUMNS)
        stock = ds.stock_levels
        index = pd.MultiIndex.from_frame(stock[PAIR].astype(str))
        at = np.zeros(0, dtype=int)
        if len(plan):
            at = index.get_indexer(pd.MultiIndex.from_frame(plan[PAIR]))
        on_hand = stock["on_hand_qty"].to_numpy(dtype=float)
        plan["on_hand_qty"] = np.where(at >= 0, on_hand[at], 0.0)
        return plan

    def needs(self, ds: Dataset, plan: pd.DataFrame) -> pd.DataFrame:
        """Component needs of the open production orders that draw on a pair of `plan`."""
        orders = ds.production_orders
        orders = orders[orders["status"].isin(OPEN_STATUSES)]
        if orders.empty or plan.empty:
            return pd.DataFrame(columns=NEED_COLUMNS)
        wanted: dict[str, set[str]] = {}
        for item, site in zip(plan["item_id"], plan["site_id"], strict=True):
            wanted.setdefault(site, set()).add(item)
        products = orders["product_item_id"].astype(str)
        sites = orders["site_id"].astype(str)
        keep = [
            bool(self.uses.get(p, frozenset()) & wanted.get(s, set()))
            for p, s in zip(products, sites, strict=True)
        ]
        orders = orders[np.array(keep, dtype=bool)]
        if orders.empty:
            return pd.DataFrame(columns=NEED_COLUMNS)
        return component_needs(ds, orders, lines=self.lines, typical=self.typical)


def breakdown_floor(ds: Dataset, day: pd.Timestamp, service: float) -> tuple[frozenset[str], float]:
    """The criticality-A spare parts (recorded so, or with no subtype recorded and bought from
    an `oem_spares` supplier), and the stock one of them must hold to meet one
    breakdown: the `service` quantile (the A cycle service target) of what a single work
    order took of any A spare part before `day`, pooled over the plant. A breakdown spare
    is drawn once in years, so its own history says nothing about the next draw; the
    plant's A spares together say how much one repair takes (NaN when no work order drew
    one)."""
    items = ds.items
    subtype = items["mro_subtype"].astype(object)
    # An ERP master often leaves the subtype blank; an item bought from an OEM's spares
    # supplier is a spare part all the same.
    oem = set(ds.suppliers.loc[ds.suppliers["supplier_type"] == "oem_spares", "supplier_id"])
    from_oem = subtype.isna() & items["supplier_id"].isin(oem)
    spare = ((subtype == "spare_part") | from_oem) & (items["criticality"].astype(object) == "A")
    ids = frozenset(items.loc[spare, "item_id"].astype(str))
    txns = ds.transactions
    drawn = txns[
        (txns["txn_type"].astype(object) == "issue_maintenance")
        & (txns["ref_type"].astype(object) == "work_order")
        & (txns["ts"] < day)
        & txns["item_id"].astype(str).isin(ids)
    ]
    if drawn.empty:
        return ids, float("nan")
    per_order = -drawn.groupby(
        [drawn["ref_id"].astype(str), drawn["item_id"].astype(str)], sort=False
    )["qty"].sum()
    per_order = per_order[per_order > 0]
    if per_order.empty:
        return ids, float("nan")
    return ids, float(np.quantile(per_order.to_numpy(dtype=float), service))


def _inbound(ds: Dataset, plan: pd.DataFrame, purchases: pd.DataFrame, days: int) -> np.ndarray:
    """Open purchase quantity arriving on each day (overdue ones count today)."""
    arrived = np.zeros((len(plan), days))
    if len(purchases) and len(plan):
        index = pd.MultiIndex.from_frame(plan[PAIR])
        row = index.get_indexer(pd.MultiIndex.from_frame(purchases[PAIR].astype(str)))
        offset = (pd.to_datetime(purchases["due_date"]) - ds.as_of.normalize()).dt.days
        col = np.clip(offset.to_numpy(), 0, None).astype(int)
        keep = (row >= 0) & (col < days)
        np.add.at(arrived, (row[keep], col[keep]), purchases["qty"].to_numpy(dtype=float)[keep])
    return arrived


def _wip(ds: Dataset, plan: pd.DataFrame, needs: pd.DataFrame, days: int) -> np.ndarray:
    """What open production orders take on each day (overdue needs today)."""
    wip = np.zeros((len(plan), days))
    if len(needs) and len(plan):
        index = pd.MultiIndex.from_frame(plan[PAIR])
        row = index.get_indexer(pd.MultiIndex.from_frame(needs[PAIR].astype(str)))
        offset = (needs["need_date"] - ds.as_of.normalize()) / pd.Timedelta(days=1)
        col = np.clip(offset.to_numpy(dtype=float), 0, None).astype(int)
        keep = (row >= 0) & (col < days)
        np.add.at(wip, (row[keep], col[keep]), needs["qty"].to_numpy(dtype=float)[keep])
    return wip


def worst_window(history: np.ndarray, lead_days: pd.Series) -> np.ndarray:
    """The most demand any lead time + review day of the history held, per row."""
    lead = np.where(np.isnan(lead_days.to_numpy(dtype=float)), DEFAULT_LEAD_DAYS, lead_days)
    width = (lead + REVIEW_DAYS).astype(int)
    out = np.zeros(len(history))
    for i, w in enumerate(width):
        row = history[i]
        if not len(row) or not row.any():
            continue
        cum = np.concatenate([[0.0], np.cumsum(row)])
        w = min(int(w), len(row))
        out[i] = float((cum[w:] - cum[:-w]).max())
    return out


def demand_curves(plan: pd.DataFrame, horizon: np.ndarray, days: int, gone: float = 0.0):
    """(expected, alerting) cumulative demand by the end of each day 0..days-1 (day 0 is
    today, of which the share `gone` has passed: its demand so far is out of the stock
    already, so only the rest of the day counts). Alerting: a criticality-A item stops
    a line, so it alerts on the forecast at its service target, and at least on the most
    demand any lead time of its history held (a year's worst lead time is not a 1-in-100
    event for a lumpy slow mover); B and C items alert on the expected demand: their safety
    stock is a buffer meant to be dipped into, and alerting on it fired on most cycles."""
    elapsed = np.arange(1, days + 1, dtype=float)[None, :] - gone
    mean = np.nan_to_num(plan["avg_daily_demand"].to_numpy(dtype=float))[:, None]
    ltd = plan["ltd_mean"].to_numpy(dtype=float)
    rop = plan["recommended_reorder_point"].to_numpy(dtype=float)
    rop = np.fmax(rop, plan["worst_ltd"].to_numpy(dtype=float))
    critical = (plan["criticality"] == "A").to_numpy()
    safety = np.where(np.isnan(rop), 0.0, np.maximum(rop - np.nan_to_num(ltd), 0.0))
    safety = np.where(critical, safety, 0.0)[:, None]
    share = np.sqrt(np.minimum(elapsed, horizon[:, None]) / horizon[:, None])
    expected = mean * elapsed
    return expected, expected + safety * share


def assess(
    ds: Dataset,
    settings: Settings,
    keys: pd.DataFrame | None = None,
    purchases: pd.DataFrame | None = None,
    cache: PlanCache | None = None,
) -> pd.DataFrame:
    """One row per bought (item, site) of `keys` (all when None) that has a stock row:
    item_id, site_id, description, criticality, on_hand, lead_days, horizon_days, level (0:
    the safety stock is in the forecast quantile), lowest, breach_on (first day below the
    level, NaT if none), runs_out_on (first day the expected projection is empty),
    breach_without_po (the same without open purchases), order_qty (enough to lift the
    lowest point back to the level, at least the recommended order quantity), needs (the
    production orders drawing on it by the breach, `order (qty on date)`), inbound (open
    purchases, `po (qty due date)`), can_wait (open purchases not needed on their due date,
    `po (qty due date): not needed before date`), daily_rate, lead_time_demand (the
    forecast over the horizon at the service target), service, method. `needs_alert` is set
    where the projection breaks the level."""
    cache = cache if cache is not None else PlanCache(settings)
    purchases = purchases if purchases is not None else pd.DataFrame(columns=PURCHASE_COLUMNS)
    plan = cache.plan(ds, keys)
    needs = cache.needs(ds, plan)
    lead = plan["lead_days"].to_numpy(dtype=float)
    horizon = np.where(np.isnan(lead), DEFAULT_LEAD_DAYS, lead) + REVIEW_DAYS
    days = int(np.nanmax(horizon, initial=0)) + 1
    today = ds.as_of.normalize()
    gone = (ds.as_of - today) / pd.Timedelta(days=1)
    expected, quantile = demand_curves(plan, horizon, days, gone)
    wip = np.cumsum(_wip(ds, plan, needs, days), axis=1)
    production = plan["production_rate"].to_numpy(dtype=float)[:, None]
    extra = np.maximum(wip - production * np.arange(1, days + 1)[None, :], 0.0)
    on_hand = plan["on_hand_qty"].to_numpy(dtype=float)[:, None]
    arrivals = _inbound(ds, plan, purchases, days)
    inbound = np.cumsum(arrivals, axis=1)
    without_po = on_hand - quantile - extra
    projected = without_po + inbound
    level = np.zeros(len(plan))
    # The window ends with the day the horizon's last day of demand falls on: day 0 (today)
    # is the first of the horizon's days, so the lead time and review day end on day
    # horizon - 1 (counting one day more had alerted a day or two early on every cycle).
    last = horizon - 1
    end = np.minimum(last.astype(int), days - 1)
    rows = np.arange(len(plan))
    # A criticality-A spare holding (with what is on order) less than one breakdown takes is
    # short today, whatever its forecast says: breakdowns are not in its history.
    floor = cache.floors(plan)
    held = on_hand[:, 0] + inbound[rows, end] - extra[rows, end]
    under_floor = held < floor - 1e-9
    short = np.minimum(projected, (held - floor)[:, None])
    projected = np.where(under_floor[:, None], short, projected)
    breach = first_below(projected, level, last)
    # B and C are read at the expected demand: an open purchase that lifts the projection
    # back above zero by the end of the lead time answers the shortage even if it lands a
    # few days after the expected run-out; alerting on it asks for an express order, the
    # emergency buying a false alert causes. An A item's purchase must land in time.
    answered = (plan["criticality"] != "A").to_numpy() & (inbound[rows, end] > 0)
    answered &= projected[rows, end] >= -1e-9
    breach = np.where(answered, -1, breach)
    bare = first_below(without_po, level, last)
    empty = first_below(on_hand + inbound - expected - extra, level, last)
    within = np.where(np.arange(days)[None, :] <= last[:, None], projected, np.inf)
    lowest = within.min(axis=1) if len(plan) else np.zeros(0)

    def as_date(index: np.ndarray) -> np.ndarray:
        found = [today + pd.Timedelta(days=int(i)) if i >= 0 else pd.NaT for i in index]
        return pd.Series(found, dtype="datetime64[ns]").to_numpy()

    out = plan[["item_id", "site_id", "description", "criticality", "on_hand_qty"]].copy()
    out = out.rename(columns={"on_hand_qty": "on_hand"})
    out["lead_days"] = lead
    out["horizon_days"] = horizon
    out["level"] = level
    out["lowest"] = lowest
    out["breach_on"] = as_date(breach)
    out["breach_without_po"] = as_date(bare)
    out["runs_out_on"] = as_date(empty)
    recommended = np.nan_to_num(plan["recommended_order_qty"].to_numpy(dtype=float))
    shortfall = np.ceil(np.maximum(level - lowest, 0.0))
    out["order_qty"] = np.fmax(recommended, shortfall)
    out["daily_rate"] = np.nan_to_num(plan["avg_daily_demand"].to_numpy(dtype=float))
    at_horizon = np.minimum(horizon.astype(int), days - 1)
    out["lead_time_demand"] = quantile[np.arange(len(plan)), at_horizon] if len(plan) else []
    out["service"] = plan["target_service"].to_numpy(dtype=float)
    out["method"] = plan["ltd_method"].fillna("").astype(str).to_numpy()
    out["needs_alert"] = breach >= 0
    out["floor"] = floor
    out["under_floor"] = under_floor
    out["held"] = held
    needs_by = {k: g for k, g in needs.groupby(PAIR)} if len(needs) else {}
    po_by = {k: g for k, g in purchases.groupby(PAIR)} if len(purchases) else {}
    out["needs"] = [
        _needs_of(needs_by.get((r.item_id, r.site_id)), r.breach_on) for r in out.itertuples()
    ]
    out["inbound"] = [_inbound_of(po_by.get((r.item_id, r.site_id))) for r in out.itertuples()]
    out["can_wait"] = [
        _can_wait(po_by.get((r.item_id, r.site_id)), projected[i], horizon[i], today)
        for i, r in enumerate(out.itertuples())
    ]
    return out.reset_index(drop=True)


def _can_wait(mine: pd.DataFrame | None, projected: np.ndarray, horizon: float, today) -> list:
    """Open purchases of one pair the projection does not need on their due date: without
    one, stock stays above zero past its due date (to the day it first would not, or through
    the horizon). Latest due first: the last purchase is the first that can be put off."""
    if mine is None:
        return []
    out = []
    days = np.arange(len(projected))
    for p in mine.sort_values("due_date", ascending=False).itertuples():
        due = max(int((pd.Timestamp(p.due_date) - today).days), 0)
        if due >= len(projected):
            continue
        without = projected - np.where(days >= due, float(p.qty), 0.0)
        short = np.flatnonzero((without < -1e-9) & (days < horizon))
        if len(short) and short[0] <= due:
            continue
        until = (
            f"not needed before {(today + pd.Timedelta(days=int(short[0]))).date()}"
            if len(short)
            else f"not needed within the lead time ({horizon:g} days)"
        )
        out.append(f"{p.po_id} ({p.qty:g} due {pd.Timestamp(p.due_date).date()}): {until}")
        projected = without  # the next one is judged with this one put off too
    return out


def _needs_of(mine: pd.DataFrame | None, until) -> list[str]:
    """`order (qty on first need date)` for the orders drawing on a pair by `until`."""
    if mine is None:
        return []
    if pd.notna(until):
        mine = mine[mine["need_date"] <= until]
    by_order = mine.groupby("order_id", sort=True)
    return [f"{o} ({g['qty'].sum():g} on {g['need_date'].min().date()})" for o, g in by_order]


def _inbound_of(mine: pd.DataFrame | None) -> list[str]:
    if mine is None:
        return []
    return [
        f"{p.po_id} ({p.qty:g} due {pd.Timestamp(p.due_date).date()})"
        for p in mine.sort_values("due_date").itertuples()
    ]
