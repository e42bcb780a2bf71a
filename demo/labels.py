"""What the ERP records versus the truth: wrong and blank categories, and the list of every
planted case (`planted_anomalies.csv`).

Anomaly kinds:
- wrong_category: recorded_category differs from the truth (about 8% of items).
- blank_category: recorded_category is blank (about 10% of items).
- mro_in_bom: an MRO item (the torque wrench) is a component in a production BOM.
- critical_misfiled: a line-stopping spare recorded as a general consumable, criticality C.
- excess_stock: an over-ordered item (the solvent); stock far above use.
- count_variance: on_hand_qty differs from the book balance (ref_id = site).
- stalled_order: an open order at one stage far beyond that stage's typical time.
- duplicate_item: the same thing under two ids (ref_id = the other id).
- demand_spike: one week's sales far above normal (ref_id = site).
- dead_stock: stock with no movement since the opening balance.
- dual_use: an item issued both to production orders and to maintenance work orders.
- critical_short: a criticality-A spare whose days of cover are below its lead time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.demo import catalog
from stockwise.tools.dataset.schema import MRO_SUBTYPES

WRONG_SHARE, BLANK_SHARE = 0.08, 0.10
# When a clerk gets the category wrong, what they pick instead.
_CONFUSION = {
    "mro": (["raw_material", "wip", "finished_good"], [0.7, 0.2, 0.1]),
    "raw_material": (["mro", "wip", "finished_good"], [0.6, 0.35, 0.05]),
    "wip": (["raw_material", "finished_good", "mro"], [0.45, 0.45, 0.1]),
    "finished_good": (["wip", "raw_material", "mro"], [0.8, 0.15, 0.05]),
}


def plant_categories(items: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Corrupt rec_category/rec_subtype of filler items so the shares come out right;
    named items keep exactly what the catalog records."""
    items = items.copy()
    n = len(items)
    named_wrong = int(
        (items.named & items.rec_category.notna() & (items.rec_category != items.category)).sum()
    )
    named_blank = int((items.named & items.rec_category.isna()).sum())
    candidates = rng.permutation(np.flatnonzero(~items.named.to_numpy()))
    n_wrong = max(0, round(WRONG_SHARE * n) - named_wrong)
    n_blank = max(0, round(BLANK_SHARE * n) - named_blank)
    wrong, blank = candidates[:n_wrong], candidates[n_wrong : n_wrong + n_blank]
    cat = items.rec_category.to_numpy(dtype=object)
    sub = items.rec_subtype.to_numpy(dtype=object)
    for i in wrong:
        choices, p = _CONFUSION[items.category.iat[i]]
        cat[i] = choices[int(rng.choice(len(choices), p=p))]
        sub[i] = str(rng.choice(MRO_SUBTYPES)) if cat[i] == "mro" else None
    cat[blank] = None
    # A blank category often comes with a blank subtype as well.
    sub[blank[rng.random(len(blank)) < 0.6]] = None
    items["rec_category"], items["rec_subtype"] = cat, sub
    return items


def labels_frame(items: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "item_id": items.item_id,
            "true_category": items.category,
            "true_mro_subtype": items.mro_subtype,
        }
    )


def anomalies_frame(items: pd.DataFrame, facts: dict) -> pd.DataFrame:
    """Every planted case; `facts` carries the figures the generator measured."""
    rows: list[tuple[str, str | None, str | None, str]] = []
    add = rows.append
    add(
        (
            "mro_in_bom",
            catalog.WRENCH_ITEM_ID,
            catalog.WRENCH_BOM_PARENT,
            "torque wrench (a tool) is a component of the HC-80 cylinder BOM at assembly",
        )
    )
    add(
        (
            "critical_misfiled",
            catalog.SEAL_KIT_ITEM_ID,
            None,
            "press seal kit stops a line (truly spare_part, criticality A) but is recorded as "
            "a consumable with criticality C",
        )
    )
    add(("excess_stock", catalog.SOLVENT_ITEM_ID, None, facts["excess"]))
    for (item_id, site), text in facts["variances"].items():
        add(("count_variance", item_id, site, text))
    add(
        (
            "stalled_order",
            catalog.STALLED_ORDER["product"],
            catalog.STALLED_ORDER_ID,
            f"CTRL-100 batch at soldering since {catalog.STALLED_ORDER['stage_started']} "
            "(typical soldering time: 1 day)",
        )
    )
    for dup, original in catalog.DUPLICATE_PAIRS:
        add(("duplicate_item", dup, original, f"item {dup} is the same part as {original}"))
    spike_item, spike_site, spike_day = catalog.DEMAND_SPIKE
    add(
        (
            "demand_spike",
            spike_item,
            spike_site,
            f"orders and sales about 5x normal in the week around {spike_day}",
        )
    )
    add(
        (
            "dead_stock",
            catalog.DEAD_STOCK_ITEM_ID,
            None,
            "pump cartridge for a scrapped press: no movement since the opening balance",
        )
    )
    add(
        (
            "dual_use",
            catalog.DUAL_USE_ITEM_ID,
            None,
            "IPA is issued to PCB production orders (inspection) and to maintenance work orders",
        )
    )
    for item_id, text in facts["short"].items():
        add(("critical_short", item_id, None, text))
    for row in items.itertuples():
        if row.rec_category is None or (isinstance(row.rec_category, float)):
            add(("blank_category", row.item_id, None, f"recorded blank, truly {row.category}"))
        elif row.rec_category != row.category:
            add(
                (
                    "wrong_category",
                    row.item_id,
                    None,
                    f"recorded {row.rec_category}, truly {row.category}"
                    + (f" ({row.mro_subtype})" if row.mro_subtype else ""),
                )
            )
    df = pd.DataFrame(rows, columns=["kind", "item_id", "ref_id", "detail"])
    df.insert(0, "anomaly_id", [f"AN-{i:04d}" for i in range(1, len(df) + 1)])
    return df
