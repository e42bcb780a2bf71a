"""The demo plant obeys the contract's arithmetic: signs, balances, references, shapes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from stockwise.demo import catalog
from stockwise.tools.dataset.schema import PRODUCT_TABLES, SUPPLIER_TYPES, TXN_SIGNS


def test_every_table_and_meta_is_written(demo_dir):
    for name in (*PRODUCT_TABLES, "labels", "planted_anomalies"):
        assert (demo_dir / f"{name}.csv").is_file(), name
    meta = json.loads((demo_dir / "meta.json").read_text())
    assert meta["as_of"] == catalog.AS_OF and meta["seed"] == 42 and meta["scale"] == 1.0
    assert meta["currency"] == "USD"


def test_plant_has_the_promised_shape(demo):
    assert list(demo.sites.site_id) == ["S1", "S2"]
    assert 1500 <= len(demo.items) <= 3000
    assert set(demo.suppliers.supplier_type) == set(SUPPLIER_TYPES)
    assert len(demo.equipment) >= 40
    assert demo.transactions.ts.min() >= pd.Timestamp(catalog.HISTORY_START)
    assert demo.transactions.ts.max() <= pd.Timestamp(catalog.AS_OF)
    assert (demo.stock_levels.as_of == pd.Timestamp(catalog.AS_OF)).all()
    assert set(demo.pm_plans.interval_unit) == {"days", "run_hours"}
    assert {"released", "in_progress"} & set(demo.production_orders.status)


def test_signs_follow_the_transaction_type(demo):
    txns = demo.transactions
    assert (txns.qty != 0).all()
    for txn_type, sign in TXN_SIGNS.items():
        qty = txns.qty[txns.txn_type == txn_type]
        if sign:
            assert (np.sign(qty) == sign).all(), txn_type
    assert (txns.txn_type.value_counts() > 0).all()


def test_on_hand_equals_book_except_planted_variances(book):
    planted = {(i, s): d for i, s, d in catalog.COUNT_VARIANCES}
    variance = book.on_hand_qty - book.book
    for key, delta in planted.items():
        assert variance[key] == pytest.approx(delta, abs=1e-6), key
    others = variance.drop(index=list(planted))
    assert (others.abs() < 1e-6).all(), others[others.abs() >= 1e-6]
    assert (book.on_hand_qty >= 0).all()


def test_no_book_balance_ever_goes_negative(demo):
    txns = demo.transactions.sort_values(["item_id", "site_id", "ts", "txn_id"])
    running = txns.groupby(["item_id", "site_id"], observed=True).qty.cumsum()
    assert running.min() > -1e-6


def test_references_resolve(demo):
    txns = demo.transactions
    assert txns.item_id.isin(demo.items.item_id).all()
    assert txns.site_id.isin(demo.sites.site_id).all()
    prod = txns[txns.ref_type == "production_order"]
    assert prod.ref_id.isin(demo.production_orders.order_id).all()
    assert set(prod.txn_type) == {"issue_production", "production_output"}
    maint = txns[txns.txn_type == "issue_maintenance"]
    assert (maint.ref_type == "work_order").all()
    assert maint.ref_id.isin(demo.work_orders.wo_id).all()
    assert (txns.loc[txns.txn_type == "receipt", "ref_type"] == "purchase_order").all()
    opening = txns[txns.ref_type == "opening"]
    assert (opening.txn_type == "adjustment").all() and (opening.qty > 0).all()
    moves = txns[txns.ref_type == "transfer"].groupby("ref_id").qty.sum()
    assert (moves.abs() < 1e-9).all()  # every transfer out has its transfer in
    assert demo.boms.component_item_id.isin(demo.items.item_id).all()
    assert demo.order_progress.order_id.isin(demo.production_orders.order_id).all()
    assert demo.pm_plan_parts.plan_id.isin(demo.pm_plans.plan_id).all()


def test_equipment_usage_and_sensors(demo):
    usage = demo.equipment_usage
    assert usage.run_hours.between(0, 24).all()
    days = (pd.Timestamp(catalog.AS_OF).normalize() - pd.Timestamp(catalog.HISTORY_START)).days + 1
    assert len(usage) == len(demo.equipment) * days
    running = usage[usage.run_hours > 0]
    sensor = running.vibration_mm_s.notna() | running.temperature_c.notna()
    assert sensor.all()


def test_corrective_work_orders_follow_run_hours(demo):
    """Busier equipment types break more: corrective WOs per 1,000 run-hours track the
    catalog's failure rate of each type."""
    eq = demo.equipment.set_index("equipment_id").equipment_type
    hours = demo.equipment_usage.groupby("equipment_id").run_hours.sum().groupby(eq).sum()
    wos = demo.work_orders[demo.work_orders.wo_type == "corrective"]
    failures = wos.groupby(wos.equipment_id.map(eq)).size()
    rate = failures / hours * 1000
    expected = pd.Series({t: v.failures_per_1000h for t, v in catalog.EQUIPMENT_TYPES.items()})
    ratio = (rate / expected).dropna()
    assert ratio.between(0.5, 2.0).mean() >= 0.8, ratio
    plant_rate = failures.sum() / hours.sum() * 1000
    expected_rate = (expected[hours.index] * hours).sum() / hours.sum()
    assert plant_rate == pytest.approx(expected_rate, rel=0.25)


def test_preventive_work_orders_consume_their_kits(demo):
    wos = demo.work_orders
    done = wos[(wos.wo_type == "preventive") & (wos.status == "completed")].copy()
    plans = demo.pm_plans.assign(label=lambda p: "PM " + p.equipment_id + ": " + p.description)
    done["plan_id"] = done.description.map(plans.set_index("label").plan_id)
    assert done.plan_id.notna().all()
    kits = done[["wo_id", "plan_id"]].merge(demo.pm_plan_parts, on="plan_id")
    maint = demo.transactions[demo.transactions.txn_type == "issue_maintenance"]
    issued = (-maint.groupby(["ref_id", "item_id"], observed=True).qty.sum()).rename("issued")
    joined = kits.join(issued, on=["wo_id", "item_id"])
    assert len(joined) > 300
    assert (joined.issued >= joined.qty - 1e-9).all()
