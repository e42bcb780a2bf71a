"""`python -m evals.alerts [--seed S] [--scale N]`: replay the demo's last 90 days of
movements through the event path and compare Stockwise's alerts with the naive rule (on
hand at or below the ERP's reorder point): alerts raised, stockouts missed (no alert at
least one lead time before) by criticality, and the share of alerts acted on."""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from evals.alerts.replay import Replay, build, orders_at, with_orders_at
from stockwise.assistant.service.events import EventStore
from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.replenish.alert_state import AlertStore
from stockwise.tools.replenish.alerts import AlertEngine


def _load(seed: int, scale: float, data_dir: Path | None):
    from stockwise.demo.ensure import ensure_demo
    from stockwise.tools.dataset.load import load_dataset

    settings = Settings(demo_seed=seed, demo_scale=scale)
    if data_dir is not None:
        settings = Settings(demo_seed=seed, demo_scale=scale, data_dir=data_dir)
    return settings, load_dataset(ensure_demo(settings))


def _progress_changes(before: pd.DataFrame, after: pd.DataFrame) -> set[str]:
    """Orders whose status or reached stage differs between two order snapshots."""

    def key(orders, progress):
        stage = progress.groupby("order_id")["stage_seq"].max()
        return (
            orders.set_index("order_id")["status"].astype(str)
            + "/"
            + stage.reindex(orders["order_id"]).fillna(0).astype(int).astype(str).to_numpy()
        )

    old, new = key(*before), key(*after)
    joined = new.reindex(new.index.union(old.index))
    changed = joined.ne(old.reindex(joined.index))
    return set(joined.index[changed])


def run_stockwise(rp: Replay, full, settings: Settings, work: Path) -> dict:
    ctx = ToolContext(rp.start, settings)
    store = AlertStore(work / "alerts.sqlite")
    engine = AlertEngine(store, settings)
    events = EventStore(work / "service.sqlite")
    open_at_cut = rp.purchases[(rp.purchases["placed_on"] < rp.cut)]
    store.add_purchases(open_at_cut.to_dict("records"))
    engine.replan(ctx.dataset)  # the state when the service starts: alerts raised at the cut
    snapshot = orders_at(full, rp.cut)
    per_batch, pairs, events_n = [], [], []
    seen: dict = {}  # (item, site, day) -> what the projection said that day
    for day in rp.days:
        placed = rp.purchases[rp.purchases["placed_on"] == day].to_dict("records")
        batch = rp.batches.get(day, [])
        day_end = min(day + pd.Timedelta(days=1), full.as_of)
        now = orders_at(full, day_end)
        changed = _progress_changes(snapshot, now)
        snapshot = now
        started = time.process_time()
        if batch:
            events.apply(ctx, batch)
        ctx.use_dataset(with_orders_at(ctx.dataset, full, day_end))
        moved = pd.DataFrame([e.model_dump() for e in batch])
        done = engine.on_batch(ctx.dataset, moved, placed, changed)
        per_batch.append(time.process_time() - started)
        pairs.append(done.pairs)
        events_n.append(len(batch))
        if done.assessed is not None:
            for r in done.assessed[
                ["item_id", "site_id", "lowest", "lead_time_demand", "on_hand", "inbound"]
            ].itertuples(index=False):
                seen[(r.item_id, r.site_id, day)] = r
    messages = store.messages()
    frame = _spans(messages)
    kinds = pd.Series([m.kind for m in messages]).value_counts().to_dict()
    store.close()
    events.close()
    return {
        "alerts": frame,
        "kinds": kinds,
        "cpu_s": np.array(per_batch),
        "pairs": np.array(pairs),
        "events": np.array(events_n),
        "seen": seen,
    }


def _spans(messages) -> pd.DataFrame:
    """Each alert's live spans, from raised (`new`) or reopened to cleared (or the end)."""
    rows: list[dict] = []
    open_at: dict[str, int] = {}
    for m in messages:
        if m.kind in ("raised", "reopened"):
            open_at[m.alert_id] = len(rows)
            rows.append(
                {
                    "item_id": m.body["item_id"],
                    "site_id": m.body["site_id"],
                    "day": m.at,
                    "until": None,
                    "new": m.kind == "raised",
                }
            )
        elif m.kind == "cleared" and m.alert_id in open_at:
            rows[open_at.pop(m.alert_id)]["until"] = m.at
    frame = pd.DataFrame(rows, columns=["item_id", "site_id", "day", "until", "new"])
    frame["day"] = pd.to_datetime(frame["day"]).dt.normalize()
    frame["until"] = pd.to_datetime(frame["until"]).dt.normalize()
    frame["new"] = frame["new"].astype(bool)
    return frame


def naive_alerts(rp: Replay, universe: pd.DataFrame) -> pd.DataFrame:
    """One alert each time a pair's closing on hand enters `<= reorder point`."""
    rop = universe.set_index(["item_id", "site_id"])["current_reorder_point"].dropna()
    closing = rp.closing.set_index(["item_id", "site_id"])
    closing = closing[closing.index.isin(rop.index)].reset_index()
    closing["below"] = (
        closing["closing"].to_numpy()
        <= rop.reindex(pd.MultiIndex.from_frame(closing[["item_id", "site_id"]])).to_numpy()
    )
    closing = closing.sort_values(["item_id", "site_id", "day"])
    previous = closing.groupby(["item_id", "site_id"])["below"].shift(fill_value=False)
    closing["episode"] = (
        (closing["below"] & ~previous).groupby([closing["item_id"], closing["site_id"]]).cumsum()
    )
    below = closing[closing["below"]]
    spans = below.groupby(["item_id", "site_id", "episode"])["day"].agg(["min", "max"])
    spans = spans.reset_index().rename(columns={"min": "day", "max": "until"})
    spans["until"] = spans["until"] + pd.Timedelta(days=1)  # cleared the day it was above
    # One alert per episode, as Stockwise counts it: a spell that starts again with nothing
    # received since the last one started is the same shortage (reopened, not new).
    received = {
        k: g["due_date"].to_numpy() for k, g in rp.purchases.groupby(["item_id", "site_id"])
    }
    spans = spans.sort_values(["item_id", "site_id", "day"]).reset_index(drop=True)
    previous = spans.groupby(["item_id", "site_id"])["day"].shift()
    new = []
    for s, before in zip(spans.itertuples(), previous, strict=True):
        got = received.get((s.item_id, s.site_id), np.array([], dtype="datetime64[ns]"))
        new.append(
            pd.isna(before)
            or bool(((got > np.datetime64(before)) & (got <= np.datetime64(s.day))).any())
        )
    spans["new"] = new
    return spans[["item_id", "site_id", "day", "until", "new"]]


def score(alerts: pd.DataFrame, rp: Replay, universe: pd.DataFrame) -> dict:
    lead = universe.set_index(["item_id", "site_id"])["lead_time_days"].fillna(30.0)
    crit = universe.set_index(["item_id", "site_id"])["criticality"]
    alerts = alerts.merge(universe[["item_id", "site_id"]], on=["item_id", "site_id"])
    stockouts = rp.stockouts.merge(universe[["item_id", "site_id"]], on=["item_id", "site_id"])
    by_pair = {k: g for k, g in alerts.groupby(["item_id", "site_id"])}
    out: dict = {"raised": int(alerts["new"].sum()), "missed": {}, "judged": {}, "too_early": 0}
    for s in stockouts.itertuples():
        key = (s.item_id, s.site_id)
        days = int(np.ceil(lead[key]))
        c = crit[key]
        latest = s.day - pd.Timedelta(days=days)
        if latest < rp.cut:
            out["too_early"] += 1  # an alert a lead time before would predate the replay
            continue
        out["judged"][c] = out["judged"].get(c, 0) + 1
        mine = by_pair.get(key)
        # Warned: an alert raised at least one lead time before and still live then.
        warned = (
            mine is not None
            and ((mine["day"] <= latest) & (mine["until"].isna() | (mine["until"] > latest))).any()
        )
        if not warned:
            out["missed"][c] = out["missed"].get(c, 0) + 1
            out.setdefault("missed_rows", []).append((s.item_id, s.site_id, s.day, days, c))
    acted, acted_by = 0, {}
    placed = {k: g["placed_on"].to_numpy() for k, g in rp.purchases.groupby(["item_id", "site_id"])}
    outs = {k: g["day"].to_numpy() for k, g in rp.stockouts.groupby(["item_id", "site_id"])}
    for a in alerts[alerts["new"]].itertuples():
        key = (a.item_id, a.site_id)
        until = a.day + pd.Timedelta(days=int(np.ceil(lead[key])))
        none = np.array([], dtype="datetime64[ns]")
        followed = np.concatenate([placed.get(key, none), outs.get(key, none)])
        hit = bool(((followed >= a.day) & (followed <= until)).any())
        acted += hit
        acted_by[crit[key]] = acted_by.get(crit[key], 0) + hit
    out["acted_share"] = acted / out["raised"] if out["raised"] else float("nan")
    out["acted_by"] = acted_by
    raised = alerts[alerts["new"]].merge(universe, on=["item_id", "site_id"])
    out["by_crit"] = raised["criticality"].value_counts().to_dict()
    return out


def why_missed(rp: Replay, alerts: pd.DataFrame, seen: dict, row: tuple) -> str:
    """Why a stockout had no live alert one lead time before: no alert at all, one raised too
    late, one cleared before, and what the projection said on the last day it could warn
    (demand over the lead time against the forecast)."""
    item, site, day, lead, _ = row
    latest = day - pd.Timedelta(days=lead)
    mine = alerts[(alerts["item_id"] == item) & (alerts["site_id"] == site)]
    before = mine[mine["day"] <= day]
    if len(before) and (before["day"] > latest).any():
        first = before[before["day"] > latest]["day"].min()
        cause = f"alert {(day - first).days} d before (lead {lead} d): too late"
    elif len(before):
        last = before.sort_values("day").iloc[-1]
        cause = f"alert raised {last['day'].date()} cleared {pd.Timestamp(last['until']).date()}"
    else:
        cause = "no alert"
    window = rp.closing[(rp.closing["item_id"] == item) & (rp.closing["site_id"] == site)]
    window = window.set_index("day")["closing"]
    said = [seen.get((item, site, latest - pd.Timedelta(days=k))) for k in range(0, 8)]
    said = [x for x in said if x is not None]
    used = _demand(rp, item, site, latest, day)
    if said:
        s = said[0]
        projection = (
            f"projection then: on hand {s.on_hand:g}, forecast {s.lead_time_demand:.1f} over "
            f"the lead time, lowest {s.lowest:.1f}, purchases {len(s.inbound)}"
        )
    else:
        projection = "not re-planned in the week before"
    start = window.get(latest, float("nan"))
    return (
        f"{item}@{site} out {day.date()}: {cause}; {projection}; "
        f"stock {start:g} at {latest.date()}, demand {used:g} in the lead time; "
        f"{_what_took_it(rp, item, site, day)}"
    )


def _what_took_it(rp: Replay, item: str, site: str, day) -> str:
    """The issues of the stockout day (for a work order: its type and when it was created)
    and how many issues the item had at any site in the year before: a breakdown's draw on
    a part no one used in a year is not in any forecast made from the movements."""
    wos = rp.start.tables["work_orders"].set_index("wo_id")
    took = []
    for e in rp.batches.get(day, []):
        if e.item_id == item and e.site_id == site and e.txn_type.startswith("issue"):
            what = f"{-e.qty:g} by {e.ref_id or e.txn_type}"
            if e.ref_type == "work_order" and e.ref_id in wos.index:
                wo = wos.loc[e.ref_id]
                what += f" ({wo['wo_type']}, created {pd.Timestamp(wo['created_at'])})"
            took.append(what)
    year = day - pd.Timedelta(days=365)
    before = rp.start.transactions
    before = before[
        (before["item_id"].astype(str) == item)
        & before["txn_type"].astype(str).str.startswith("issue")
        & (before["ts"] >= year)
    ]
    later = sum(
        1
        for d, batch in rp.batches.items()
        if d < day
        for e in batch
        if e.item_id == item and e.txn_type.startswith("issue")
    )
    return (
        f"taken that day: {', '.join(took) or 'no issue'}; "
        f"issues of {item} at any site in the year before: {len(before) + later}"
    )


def _demand(rp: Replay, item: str, site: str, start, end) -> float:
    total = 0.0
    for d, batch in rp.batches.items():
        if start < d <= end:
            total -= sum(
                e.qty
                for e in batch
                if e.item_id == item and e.site_id == site and e.txn_type.startswith("issue")
            )
    return total


def _table(naive: dict, ours: dict) -> None:
    print(f"{'':24}{'naive (on hand <= ROP)':>24}{'Stockwise':>12}")
    print(f"{'alerts raised':24}{naive['raised']:>24}{ours['raised']:>12}")
    for c in ("A", "B", "C"):
        label, theirs, mine = f"  of criticality {c}", naive["by_crit"], ours["by_crit"]
        print(f"{label:24}{theirs.get(c, 0):>24}{mine.get(c, 0):>12}")
    for c in ("A", "B", "C"):
        judged = ours["judged"].get(c, 0)
        print(
            f"{'missed stockouts ' + c:24}{naive['missed'].get(c, 0):>19} / {judged:<3}"
            f"{ours['missed'].get(c, 0):>7} / {judged:<3}"
        )
    print(f"{'acted on (share)':24}{naive['acted_share']:>24.1%}{ours['acted_share']:>12.1%}")
    for c in ("A", "B", "C"):
        shares = [
            r["acted_by"].get(c, 0) / r["by_crit"][c] if r["by_crit"].get(c) else float("nan")
            for r in (naive, ours)
        ]
        print(f"{'  of criticality ' + c:24}{shares[0]:>24.1%}{shares[1]:>12.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m evals.alerts")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--data-dir", type=Path, default=None, help="where the demo is made")
    parser.add_argument("--dump", type=Path, default=None, help="pickle the replay and alerts")
    args = parser.parse_args()
    settings, full = _load(args.seed, args.scale, args.data_dir)
    rp = build(full)
    from stockwise.tools.replenish.requirements import bought_only

    every = bought_only(rp.start, rp.facts)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), demo_seed=args.seed, demo_scale=args.scale)
        sw = run_stockwise(rp, full, settings, Path(tmp))
    # The naive rule can only alert where the ERP holds a reorder point: both are scored on
    # those pairs (the same stockouts, the same alerts counted the same way); the pairs with
    # none, where only Stockwise can alert, are reported apart.
    universe = every[every["current_reorder_point"].notna()].reset_index(drop=True)
    rest = every[every["current_reorder_point"].isna()].reset_index(drop=True)
    naive = score(naive_alerts(rp, universe), rp, universe)
    ours = score(sw["alerts"], rp, universe)
    print(
        f"demo scale {args.scale:g} seed {args.seed}: replay {rp.days[0].date()} .. "
        f"{rp.days[-1].date()} ({len(rp.days)} days, "
        f"{sum(len(b) for b in rp.batches.values())} movements, {len(rp.purchases)} purchase "
        f"orders, {len(rp.stockouts)} stockouts, {len(rp.emptied)} emptied by a count with "
        f"no demand lost, not judged); {len(every)} bought item-sites, "
        f"{len(universe)} with an ERP reorder point (scored below)"
    )
    _table(naive, ours)
    fewer = 1 - ours["raised"] / naive["raised"] if naive["raised"] else float("nan")
    print(
        f"Stockwise raises {fewer:.0%} fewer alerts (target >= 50%); "
        f"{ours['missed'].get('A', 0)} missed A stockouts (target 0); "
        f"{ours['too_early']} stockouts within one lead time of the replay start not judged"
    )
    alone: dict = {}
    if len(rest):
        alone = score(sw["alerts"], rp, rest)
        judged = alone["judged"]
        print(
            f"the {len(rest)} item-sites with no ERP reorder point (the naive rule is silent): "
            f"Stockwise {alone['raised']} alerts, missed "
            + ", ".join(f"{c} {alone['missed'].get(c, 0)}/{judged.get(c, 0)}" for c in "ABC")
        )
    print(f"alert messages: {sw['kinds']}")
    for row in ours.get("missed_rows", []) + alone.get("missed_rows", []):
        if row[4] == "A":
            print("  missed A: " + why_missed(rp, sw["alerts"], sw["seen"], row))
    if args.dump is not None:
        import pickle

        keep = {k: sw[k] for k in ("alerts", "kinds")}
        keep["seen"] = {k: v._asdict() for k, v in sw["seen"].items()}
        with args.dump.open("wb") as f:
            pickle.dump({"rp": rp, "every": every, "sw": keep}, f)
    busy = sw["events"] > 0
    cpu = sw["cpu_s"][busy]
    print(
        f"per daily batch (CPU, apply + re-plan): p50 {np.percentile(cpu, 50):.2f} s, "
        f"p95 {np.percentile(cpu, 95):.2f} s; item-sites re-planned per batch: "
        f"median {np.median(sw['pairs'][busy]):.0f}, per movement "
        f"{sw['pairs'][busy].sum() / max(sw['events'].sum(), 1):.2f}"
    )


if __name__ == "__main__":
    main()
