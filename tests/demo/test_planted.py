"""Every planted case is listed in planted_anomalies.csv and is really true in the data."""

from __future__ import annotations

import pandas as pd
import pytest

from stockwise.demo import catalog

KINDS = {
    "wrong_category", "blank_category", "mro_in_bom", "critical_misfiled", "excess_stock",
    "count_variance", "stalled_order", "duplicate_item", "demand_spike", "dead_stock",
    "dual_use", "critical_short",
}  # fmt: skip


def _item(demo, item_id):
    return demo.items.set_index("item_id").loc[item_id]


def _daily_demand_90(demo, item_id):
    txns = demo.transactions
    recent = txns[
        (txns.item_id == item_id)
        & (txns.ts > demo.as_of - pd.Timedelta(days=90))
        & txns.txn_type.isin(
            ["issue_production", "issue_maintenance", "issue_sales", "issue_other"]
        )
    ]
    return -recent.qty.sum() / 90


def test_every_kind_is_listed(anomalies):
    assert set(anomalies.kind) == KINDS
    assert anomalies.anomaly_id.is_unique


def test_category_shares_and_labels(demo, labels, anomalies):
    items = demo.items.merge(labels, on="item_id")
    assert len(items) == len(demo.items)
    blank = items.recorded_category.isna()
    wrong = ~blank & (items.recorded_category != items.true_category)
    assert 0.07 <= wrong.mean() <= 0.09
    assert 0.09 <= blank.mean() <= 0.11
    listed_wrong = set(anomalies.item_id[anomalies.kind == "wrong_category"])
    assert listed_wrong == set(items.item_id[wrong])
    assert set(anomalies.item_id[anomalies.kind == "blank_category"]) == set(items.item_id[blank])
    assert set(labels.true_category) == {"raw_material", "wip", "finished_good", "mro"}
    mro = labels[labels.true_category == "mro"]
    assert set(mro.true_mro_subtype) == {"spare_part", "consumable", "tool", "safety"}


def test_gloves_are_recorded_as_wip(demo, labels):
    gloves = _item(demo, catalog.GLOVES_ITEM_ID)
    assert "GLOVES" in gloves.description and gloves.recorded_category == "wip"
    truth = labels.set_index("item_id").loc[catalog.GLOVES_ITEM_ID]
    assert (truth.true_category, truth.true_mro_subtype) == ("mro", "safety")
    issued = demo.transactions[demo.transactions.item_id == catalog.GLOVES_ITEM_ID]
    assert not issued.txn_type.isin(["production_output", "issue_production"]).any()


def test_wrench_sits_in_a_production_bom(demo, labels):
    boms = demo.boms
    line = boms[(boms.component_item_id == catalog.WRENCH_ITEM_ID)]
    assert list(line.parent_item_id) == [catalog.WRENCH_BOM_PARENT]
    assert labels.set_index("item_id").loc[catalog.WRENCH_ITEM_ID].true_mro_subtype == "tool"
    issued = demo.transactions[demo.transactions.item_id == catalog.WRENCH_ITEM_ID]
    assert (issued.txn_type == "issue_production").any()


def test_critical_seal_is_filed_as_a_consumable(demo, labels):
    seal = _item(demo, catalog.SEAL_KIT_ITEM_ID)
    assert "HS-8040" in seal.description
    assert (seal.recorded_category, seal.mro_subtype, seal.criticality) == (
        "mro",
        "consumable",
        "C",
    )
    assert (
        labels.set_index("item_id").loc[catalog.SEAL_KIT_ITEM_ID].true_mro_subtype == "spare_part"
    )


def test_solvent_is_over_ordered(demo):
    levels = demo.stock_levels[demo.stock_levels.item_id == catalog.SOLVENT_ITEM_ID]
    on_hand = levels.on_hand_qty.sum()
    cover = on_hand / _daily_demand_90(demo, catalog.SOLVENT_ITEM_ID)
    assert cover > 365
    assert (levels.reorder_qty.dropna() >= 100).all()


def test_count_variances_differ_from_book(book, anomalies):
    listed = anomalies[anomalies.kind == "count_variance"]
    assert len(listed) == len(catalog.COUNT_VARIANCES)
    for item_id, site, delta in catalog.COUNT_VARIANCES:
        row = book.loc[(item_id, site)]
        assert row.on_hand_qty - row.book == pytest.approx(delta)
        assert ((listed.item_id == item_id) & (listed.ref_id == site)).any()


def test_stalled_order_sits_at_soldering_far_beyond_typical(demo):
    orders = demo.production_orders.set_index("order_id")
    assert orders.loc[catalog.STALLED_ORDER_ID, "status"] == "in_progress"
    progress = demo.order_progress
    mine = progress[progress.order_id == catalog.STALLED_ORDER_ID].sort_values("stage_seq")
    current = mine.iloc[-1]
    assert current.stage == "soldering" and pd.isna(current.finished_at)
    waited = (demo.as_of - current.started_at).days
    done = progress[(progress.stage == "soldering") & progress.finished_at.notna()]
    typical = (done.finished_at - done.started_at).dt.total_seconds().median() / 86400
    assert waited >= 20 and waited > 10 * typical
    # No other open order has been at its current stage for even half as long.
    open_ids = orders.index[orders.status.isin(["released", "in_progress"])]
    current_rows = progress[progress.order_id.isin(open_ids)].sort_values("stage_seq")
    current_rows = current_rows.groupby("order_id").tail(1).set_index("order_id")
    others = (demo.as_of - current_rows.started_at).dt.days.drop(catalog.STALLED_ORDER_ID)
    assert others.max() < waited / 2


def test_critical_spares_run_out_within_lead_time(demo):
    for item_id in catalog.CRITICAL_SHORT_ITEM_IDS:
        spec = next(p for p in catalog.MRO_PARTS if p.item_id == item_id)
        assert spec.criticality == "A"
        on_hand = demo.stock_levels.loc[demo.stock_levels.item_id == item_id, "on_hand_qty"].sum()
        demand = _daily_demand_90(demo, item_id)
        assert demand > 0 and on_hand / demand < spec.lead_time_days, item_id


def test_duplicates_are_used_like_their_originals(demo):
    txns = demo.transactions
    for dup, original in catalog.DUPLICATE_PAIRS:
        for item_id in (dup, original):
            kinds = set(txns.loc[txns.item_id == item_id, "txn_type"])
            assert "issue_maintenance" in kinds and "issue_production" not in kinds, item_id


def test_demand_spike_week(demo):
    item_id, site, day = catalog.DEMAND_SPIKE
    sales = demo.transactions[
        (demo.transactions.item_id == item_id)
        & (demo.transactions.site_id == site)
        & (demo.transactions.txn_type == "issue_sales")
    ]
    weekly = -sales.set_index("ts").qty.resample("W").sum()
    spike = weekly[pd.Timestamp(day) : pd.Timestamp(day) + pd.Timedelta(days=21)].max()
    assert spike > 3 * weekly.median()


def test_dead_stock_never_moves(demo, book):
    moves = demo.transactions[demo.transactions.item_id == catalog.DEAD_STOCK_ITEM_ID]
    assert list(moves.ref_type) == ["opening"]
    assert book.loc[(catalog.DEAD_STOCK_ITEM_ID, "S1"), "on_hand_qty"] > 0


def test_dual_use_item_goes_to_production_and_maintenance(demo):
    kinds = set(demo.transactions.txn_type[demo.transactions.item_id == catalog.DUAL_USE_ITEM_ID])
    assert {"issue_production", "issue_maintenance"} <= kinds


def test_behaviour_follows_the_true_category(demo, labels):
    """What a behaviour classifier learns from: MRO goes to maintenance, raw material to
    production, WIP is made and consumed by orders, finished goods are made and sold."""
    txns = demo.transactions.merge(labels, on="item_id")
    share = (
        txns.groupby("true_category").txn_type.value_counts(normalize=True).unstack(fill_value=0)
    )
    issues = ["issue_maintenance", "issue_other"]
    assert share.loc["mro", issues].sum() > 0.5
    assert share.loc["raw_material", "issue_production"] > 0.5
    assert share.loc["raw_material", "issue_maintenance"] == 0
    assert share.loc["wip", ["production_output", "issue_production"]].sum() > 0.95
    assert share.loc["finished_good", ["production_output", "issue_sales"]].sum() > 0.95
    assert share.loc["finished_good", "issue_production"] == 0
