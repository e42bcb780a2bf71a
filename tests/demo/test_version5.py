"""Generator version 5: behaviour alone stops giving the category away (finished goods
shipped to a distribution centre or packed into kits, WIP in a buffer store, flat and
PLM-only BOMs, spares made in the workshop, made items' master data as planners keep it),
the plant stays consistent, and version 4 still writes the bytes it wrote before."""

from __future__ import annotations

import hashlib

import pytest

from stockwise.demo.generator import generate_demo
from stockwise.tools.dataset.load import load_dataset, load_evaluation_table

# Version 4 at scale 0.1, seed 42, as written by the generator before version 5 was added.
V4_BYTES = {
    "items.csv": "f2c096579cf8d9024c9951ebfeeb335adb1e342cd68a0718e4672211c532be57",
    "transactions.csv": "a9a7ea031352047a8bf9eda3ebc515c969ad3699dc6d226d77731f89181d9251",
    "labels.csv": "cd2a3b50334294a1116eecb55454ca5c3949b84e8c098d4efa42e7b51ab4bc9d",
    "boms.csv": "eadd85b94180e90dd84c97eda47d42ae530f38a1070fa0c87fdb16751153d3e6",
}


@pytest.fixture(scope="module")
def v5_dir(tmp_path_factory):
    return generate_demo(tmp_path_factory.mktemp("v5") / "plant", seed=42, generator_version=5)


@pytest.fixture(scope="module")
def v5(v5_dir):
    return load_dataset(v5_dir)  # strict: a refused dataset fails every test here


@pytest.fixture(scope="module")
def plant(v5, v5_dir):
    truth = load_evaluation_table(v5_dir, "labels").set_index("item_id")
    return v5.items.set_index("item_id").join(truth)


def test_version4_still_writes_its_bytes(tmp_path):
    out = generate_demo(tmp_path / "v4", scale=0.1, seed=42, generator_version=4)
    for name, digest in V4_BYTES.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest, name


def test_books_balance_and_references_resolve(v5, books_balance):
    books_balance(v5)


def _with(txns, txn_type: str) -> set:  # type: ignore[no-untyped-def]
    return set(txns.loc[txns.txn_type == txn_type, "item_id"])


def test_no_behaviour_gives_a_category_away(v5, plant):
    txns = v5.transactions
    truly = {c: set(plant.index[plant.true_category == c]) for c in plant.true_category.unique()}
    made, sold = _with(txns, "production_output"), _with(txns, "issue_sales")
    shipped, to_prod = _with(txns, "transfer_out"), _with(txns, "issue_production")
    # Finished goods that leave for the distribution centre only, never sold from the plant.
    assert len((truly["finished_good"] & made & shipped) - sold) >= 5
    # Finished goods packed into kits: a BOM component and issued to production orders.
    components = set(v5.boms.component_item_id)
    assert len(truly["finished_good"] & components & to_prod & sold) >= 3
    # Spare parts the workshop makes, some with a BOM of their own.
    spares = set(plant.index[plant.true_mro_subtype == "spare_part"])
    assert len(spares & made) >= 10
    assert len(spares & set(v5.boms.parent_item_id)) >= 3
    # Products whose BOM is kept outside the ERP; intermediates without a BOM of their own.
    parents = set(v5.boms.parent_item_id)
    assert len((truly["finished_good"] & made) - parents) >= 2
    assert len((truly["wip"] & made & components) - parents) >= 10
    # Intermediates waiting in the buffer store at the snapshot.
    on_hand = v5.stock_levels.groupby("item_id").on_hand_qty.sum()
    assert (on_hand.reindex(sorted(truly["wip"])).fillna(0) > 0).sum() >= 20


def test_made_items_master_data_is_no_giveaway(plant):
    made = plant[plant.true_category.isin(["wip", "finished_good"]) & plant.supplier_id.isna()]
    assert made.lead_time_days.notna().mean() > 0.5  # an in-house production time
    wip = plant[plant.true_category == "wip"]
    assert wip.criticality.value_counts(normalize=True).max() < 0.6  # not all B
