"""Demo plant: the recommended policy against the plant's current one, replayed over the
last 12 months of its own demand with both policies fixed at the start.

Items are reported by their true category (the evaluation-only labels.csv, since the ERP's
recorded category is sometimes wrong): MRO and raw materials; and, as a third view, WIP
components: purchased items that are a component on some BOM, i.e. consumed by production
orders (on the demo plant every purchased raw material is one, so the views overlap). Figures:
fill rate per criticality class against its target, average inventory value, emergency
orders (stockouts of criticality-A items).
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.load import load_dataset
from stockwise.tools.replenish.backtest import CLASSES, backtest, plannable, window
from stockwise.tools.replenish.demand import daily_demand
from stockwise.tools.replenish.items import item_site_facts
from stockwise.tools.replenish.policy import plan_policies
from stockwise.tools.replenish.tradeoff import tradeoff_chart, tradeoff_curve

CATEGORIES = {"mro": "MRO", "raw": "raw materials", "wip": "WIP components"}
MIN_INVENTORY_CUT, MIN_EMERGENCY_CUT = 0.15, 0.40


def open_demo(args) -> tuple:  # type: ignore[no-untyped-def]
    settings = Settings(demo_scale=args.scale, demo_seed=args.seed)
    if args.data is not None:
        folder = Path(args.data)
    else:
        from stockwise.assistant.startup import dataset_source

        folder = Path(dataset_source(settings))
    return load_dataset(folder), folder, settings


def labelled(ds, folder: Path, facts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:  # type: ignore[no-untyped-def]
    """`facts` grouped by true category (mro, raw), and grouped as WIP components (wip)."""
    path = folder / "labels.csv"
    table = (
        pd.read_csv(path, dtype=str)
        if path.exists()
        else pd.read_parquet(folder / "labels.parquet")
    )
    labels = table.astype({"item_id": str}).set_index("item_id")["true_category"]
    truth = labels.reindex(facts["item_id"]).map({"mro": "mro", "raw_material": "raw"})
    by_truth = facts.assign(group=truth.to_numpy())
    on_bom = facts["item_id"].isin(set(ds.boms["component_item_id"]))
    by_bom = facts.assign(group=on_bom.map({True: "wip", False: None}).to_numpy())
    return by_truth, by_bom


def demo(args) -> None:  # type: ignore[no-untyped-def]
    ds, folder, settings = open_demo(args)
    started = time.perf_counter()
    by_truth, by_bom = labelled(ds, folder, item_site_facts(ds))
    start, end = window(ds, 12)
    plan = plannable(plan_policies(ds, settings, as_of=start, facts=by_truth))
    demand = daily_demand(ds, plan, start, end).values
    runs = {}
    for view, facts in (("truth", by_truth), ("bom", by_bom)):
        view_plan = plan.assign(
            group=facts.set_index(["item_id", "site_id"])["group"]
            .reindex(pd.MultiIndex.from_frame(plan[["item_id", "site_id"]]))
            .to_numpy()
        )
        runs[view] = [
            backtest(ds, settings, facts, policy, plan=view_plan, demand=demand)
            for policy in ("current", "recommended")
        ]
    targets = {"A": settings.service_level_a, "B": settings.service_level_b,
               "C": settings.service_level_c}  # fmt: skip
    print(f"demo plant {folder} ({len(plan)} item-sites with a policy; replayed "
          f"{start.date()} to {(end - pd.Timedelta(days=1)).date()}; "
          f"{time.perf_counter() - started:.1f} s)")  # fmt: skip
    print(f"service measure: {settings.service_measure}; targets A {targets['A']:.0%}, "
          f"B {targets['B']:.0%}, C {targets['C']:.0%}")  # fmt: skip
    verdicts = []
    for group, name in CATEGORIES.items():
        current, recommended = runs["bom" if group == "wip" else "truth"]
        cur, rec = current.figures(group), recommended.figures(group)
        if not cur["items"]:
            print(f"\n{name}: no items with a current policy")
            continue
        print(f"\n{name} ({cur['items']} item-sites)")
        print(f"  {'class':<6}{'target':>8}{'current fill':>14}{'recommended fill':>18}{'met':>5}")
        for klass in CLASSES:
            c, r = current.figures(group, klass), recommended.figures(group, klass)
            if not c["items"] or not c["demand"]:
                continue
            met = r["fill_rate"] >= targets[klass]
            verdicts.append(met)
            print(f"  {klass:<6}{targets[klass]:>8.0%}{c['fill_rate']:>14.3f}"
                  f"{r['fill_rate']:>18.3f}{'yes' if met else 'NO':>5}")  # fmt: skip
        value_cut = 1 - rec["average_inventory_value"] / cur["average_inventory_value"]
        emergency_cut = (
            1 - rec["emergency_orders"] / cur["emergency_orders"] if cur["emergency_orders"]
            else 0.0
        )  # fmt: skip
        verdicts += [value_cut >= MIN_INVENTORY_CUT, emergency_cut >= MIN_EMERGENCY_CUT]
        print(
            f"  average inventory value: current {cur['average_inventory_value']:,.0f}, "
            f"recommended {rec['average_inventory_value']:,.0f} ({value_cut:.1%} less)"
        )
        print(
            f"  peak inventory value:    current {cur['peak_inventory_value']:,.0f}, "
            f"recommended {rec['peak_inventory_value']:,.0f}"
        )
        print(
            f"  emergency orders:        current {cur['emergency_orders']}, "
            f"recommended {rec['emergency_orders']} ({emergency_cut:.1%} fewer)"
        )
        print(
            f"  stockout days:           current {cur['stockout_days']}, "
            f"recommended {rec['stockout_days']}; orders {cur['orders']} -> {rec['orders']}"
        )
    everything = (runs["truth"][0].figures(), runs["truth"][1].figures())
    print(
        f"\nall: average inventory value {everything[0]['average_inventory_value']:,.0f} -> "
        f"{everything[1]['average_inventory_value']:,.0f}; emergency orders "
        f"{everything[0]['emergency_orders']} -> {everything[1]['emergency_orders']}"
    )
    print(
        f"criteria met: {sum(verdicts)}/{len(verdicts)} "
        f"(targets per class; >= {MIN_INVENTORY_CUT:.0%} less inventory and "
        f">= {MIN_EMERGENCY_CUT:.0%} fewer emergency orders per category)"
    )
    if args.chart is not None:
        curve = tradeoff_curve(ds, settings, by_truth)
        tradeoff_chart(curve, args.chart, "Demo plant: inventory value vs fill rate")
        print(f"trade-off chart: {args.chart}")
        print(curve.round(3).to_string(index=False))
