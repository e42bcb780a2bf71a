"""Use shares and dual use, "unsure" instead of a confident label, missing tables and bad
input: the classifier says what it had to go on, never crashes, never labels silently."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stockwise.tools.classify.evidence import by_dominant_use, process_dual_use
from stockwise.tools.classify.service import build_classifications
from stockwise.tools.dataset.frames import dataset_from_frames
from stockwise.tools.dataset.schema import CATEGORIES

from .plant import START, build_plant, to_dataset

DUAL = "D001"  # a hydraulic oil: filled into every product and topped up by maintenance


def dual_use_plant(maintenance_share: float = 0.25):  # type: ignore[no-untyped-def]
    """The small plant plus six process oils, each filled into every product (75% of its
    quantity) and topped up by maintenance (25%), or the shares given."""
    b = build_plant(n_per_class=12)
    used = 3.0 * sum(o["qty"] for o in b.orders)
    top_ups = used * maintenance_share / (1 - maintenance_share)
    for n in range(1, 7):
        oil = f"D{n:03d}"
        b.item(oil, f"hydraulic oil hlp{30 + n}", "raw_material", "L", 2.4, "M1")
        b.txn(oil, 5000.0, "receipt", "purchase_order", f"PUR-{oil}", START)
        for order in b.orders:
            b.txn(oil, -3.0 * order["qty"], "issue_production", "production_order",
                  order["order_id"])  # fmt: skip
        for k in range(20):  # a quarter of the oil, in top-ups of varying size
            b.txn(oil, -round(top_ups / 20 * (0.5 + k / 20) / 0.975, 3), "issue_maintenance",
                  "work_order", f"WO-{oil}-{k}")  # fmt: skip
        b.settle(oil)
    return b


@pytest.fixture(scope="module")
def dual_table(tmp_path_factory):  # type: ignore[no-untyped-def]
    ds = to_dataset(dual_use_plant())
    return build_classifications(ds, tmp_path_factory.mktemp("dual"))


def test_dual_use_item_shows_its_shares_and_is_judged_by_the_dominant_use(dual_table):
    row = dual_table.loc[DUAL]
    assert bool(row["dual_use"])
    assert row["use_production"] == pytest.approx(0.75, abs=0.02)
    assert row["use_maintenance"] == pytest.approx(0.25, abs=0.02)
    assert row["predicted_category"] == "raw_material" and row["verdict"] == "confident"
    assert "dual use: production 75%, maintenance 25% of issued quantity" in row["explanation"]
    # Items with one use are not dual-use.
    oils = [f"D{n:03d}" for n in range(1, 7)]
    assert dual_table.loc[oils, "dual_use"].all()
    assert not dual_table.drop(index=oils)["dual_use"].any()


def _features(**cols) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    base = dict(qshare_prod=0.0, qshare_maint=0.0, qshare_other=0.0, n_issue_maint=0.0,
                n_issue_other=0.0, bom_as_component=0.0, prod_per_order_unit_cv=np.nan,
                n_produced=0.0, recent_qshare_prod=0.0)  # fmt: skip
    base.update(cols)
    return pd.DataFrame([base], index=["X"])


def _p(raw: float, mro: float, tool: float = 0.0) -> pd.DataFrame:
    return pd.DataFrame(
        [{"raw_material": raw, "wip": 0.0, "finished_good": 0.0, "mro": mro,
          "sub_spare_part": 0.0, "sub_consumable": 1 - tool, "sub_tool": tool,
          "sub_safety": 0.0}], index=["X"],
    )  # fmt: skip


def test_the_dominant_use_decides_and_an_even_split_is_unsure():
    process = dict(qshare_prod=0.7, qshare_maint=0.3, n_issue_maint=8.0, bom_as_component=1.0)
    clear = by_dominant_use(_p(0.2, 0.8), _features(**process, recent_qshare_prod=0.7))
    assert clear.loc["X", "raw_material"] > 0.99
    even = by_dominant_use(_p(0.2, 0.8), _features(**process, recent_qshare_prod=0.51))
    assert abs(even.loc["X", "raw_material"] - even.loc["X", "mro"]) < 0.2
    # Gloves booked to production orders: neither in a BOM nor scaled to the order.
    gloves = _features(qshare_prod=0.8, qshare_maint=0.2, n_issue_maint=5.0,
                       prod_per_order_unit_cv=1.2, recent_qshare_prod=0.8)  # fmt: skip
    assert not process_dual_use(gloves).any()
    assert by_dominant_use(_p(0.1, 0.9), gloves).loc["X", "mro"] == 0.9
    # A tool left in a BOM is never a process input.
    wrench = by_dominant_use(_p(0.3, 0.7, tool=0.9), _features(**process, recent_qshare_prod=0.9))
    assert wrench.loc["X", "mro"] == pytest.approx(1.0) and wrench.loc["X", "raw_material"] == 0


def _without(b, *tables: str):  # type: ignore[no-untyped-def]
    ds = to_dataset(b)
    frames = {n: f for n, f in ds.tables.items() if n not in tables and len(f)}
    return dataset_from_frames(frames, source="test-plant")


@pytest.mark.parametrize(
    ("dropped", "named"),
    [
        (("routings",), "routings"),
        (("work_orders", "pm_plans", "pm_plan_parts"), "maintenance work orders"),
        (("boms", "routings", "production_orders", "work_orders", "pm_plans",
          "pm_plan_parts", "suppliers", "equipment"), "bills of materials"),
    ],
)  # fmt: skip
def test_missing_tables_still_classify_every_item_and_say_so(tmp_path, dropped, named):
    ds = _without(build_plant(n_per_class=8), *dropped)
    table = build_classifications(ds, tmp_path)
    assert len(table) == len(ds.items)
    assert table["predicted_category"].isin(CATEGORIES).all()
    notes = " ".join(table.attrs["input_notes"])
    assert f"no {named}" in notes
    assert table["explanation"].str.contains(f"judged without .*{named}").all()


def test_bad_input_is_counted_and_never_labelled_silently(tmp_path):
    b = build_plant(n_per_class=8)
    for it in b.items:
        it["description"] = "-"
        it["supplier_id"] = None
    b.txn("GHOST-1", -3.0, "issue_maintenance", "work_order", "WO-X")
    b.txn("GHOST-2", 5.0, "receipt", "purchase_order", "PUR-X")
    ds = to_dataset(b)
    table = build_classifications(ds, tmp_path)
    n = len(ds.items)
    notes = table.attrs["input_notes"]
    assert f"{n} of {n} items have no usable description" in notes
    assert f"{n} of {n} items have no supplier on record" in notes
    assert "2 movements of 2 items not in the item master were left out" in notes
    assert "GHOST-1" not in table.index


def test_one_recorded_category_marks_every_item_unsure(tmp_path):
    b = build_plant(n_per_class=8)
    for it in b.items:
        it["recorded_category"] = "mro"
    table = build_classifications(to_dataset(b), tmp_path)
    assert (table["verdict"] == "unsure").all()
    assert table["explanation"].str.startswith("Unsure").all()
    assert any("only 'mro'" in note for note in table.attrs["input_notes"])
