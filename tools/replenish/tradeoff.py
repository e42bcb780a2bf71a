"""Inventory value against fill rate across service targets, per group: data and chart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.replenish.backtest import backtest, plannable, window
from stockwise.tools.replenish.demand import daily_demand
from stockwise.tools.replenish.policy import plans_for_targets

TARGETS = (0.80, 0.85, 0.90, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995)


def tradeoff_curve(
    ds: Dataset,
    settings: Settings,
    facts: pd.DataFrame,
    months: int = 12,
    targets: tuple[float, ...] = TARGETS,
) -> pd.DataFrame:
    """Rows: group, policy ('recommended' at each target, 'current', 'recommended by class'),
    target, fill_rate, average_inventory_value, emergency_orders, orders."""
    start, end = window(ds, months)
    plans = plans_for_targets(ds, settings, [None, *targets], as_of=start, facts=facts)
    keep = plannable(plans[0]).set_index(["item_id", "site_id"]).index
    plans = [
        p.set_index(["item_id", "site_id"]).loc[keep].reset_index().__finalize__(p) for p in plans
    ]
    demand = daily_demand(ds, plans[0], start, start + (window(ds, months)[1] - start)).values
    rows = []

    def add(run, policy, target):
        table = run.table()
        for r in table[table["criticality"] == "all"].itertuples():
            rows.append(
                {
                    "group": r.group,
                    "policy": policy,
                    "target": target,
                    "fill_rate": r.fill_rate,
                    "average_inventory_value": r.average_inventory_value,
                    "emergency_orders": r.emergency_orders,
                    "orders": r.orders,
                }
            )

    add(
        backtest(ds, settings, facts, "current", months, plan=plans[0], demand=demand),
        "current",
        np.nan,
    )
    add(
        backtest(ds, settings, facts, "recommended", months, plan=plans[0], demand=demand),
        "recommended by class",
        np.nan,
    )
    for target, plan in zip(targets, plans[1:], strict=True):
        add(
            backtest(ds, settings, facts, "recommended", months, plan=plan, demand=demand),
            "recommended",
            target,
        )
    curve = pd.DataFrame(rows)
    if curve["group"].nunique() == 2:  # one group: its "all" rows repeat it
        curve = curve[curve["group"] != "all"].reset_index(drop=True)
    return curve


def tradeoff_chart(curve: pd.DataFrame, path: Path, title: str) -> Path:
    """One panel per group: the recommended curve, the current policy as a point."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = [g for g in curve["group"].unique() if g != "all"] or ["all"]
    fig, axes = plt.subplots(1, len(groups), figsize=(5 * len(groups), 4), squeeze=False)
    for ax, group in zip(axes[0], groups, strict=False):
        mine = curve[curve["group"] == group]
        rec = mine[mine["policy"] == "recommended"].sort_values("target")
        ax.plot(rec["average_inventory_value"], rec["fill_rate"] * 100, "o-", label="recommended")
        for r in rec.itertuples():
            ax.annotate(
                f"{r.target:.1%}",
                (r.average_inventory_value, r.fill_rate * 100),
                fontsize=7,
                xytext=(3, -8),
                textcoords="offset points",
            )
        for policy, marker in (("current", "s"), ("recommended by class", "*")):
            point = mine[mine["policy"] == policy]
            ax.plot(
                point["average_inventory_value"],
                point["fill_rate"] * 100,
                marker,
                markersize=10,
                label=policy,
            )
        ax.set_title(group)
        ax.set_xlabel("average inventory value")
        ax.set_ylabel("fill rate %")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
