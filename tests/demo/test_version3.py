"""Generator version 3, the ambiguous plant: it loads under the contract, stays consistent
(books balance, references resolve), is reproducible, and really has the ambiguity it
promises, with the truth files saying where."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from stockwise.assistant.cli.main import app
from stockwise.demo.generator import generate_demo
from stockwise.tools.dataset.load import load_dataset, load_evaluation_table


@pytest.fixture(scope="module")
def v3_dir(tmp_path_factory):
    return generate_demo(tmp_path_factory.mktemp("v3") / "plant", seed=42, generator_version=3)


@pytest.fixture(scope="module")
def v3(v3_dir):
    return load_dataset(v3_dir)  # strict: a refused dataset fails every test here


@pytest.fixture(scope="module")
def truth(v3_dir):
    return load_evaluation_table(v3_dir, "labels").set_index("item_id")


def test_books_balance_and_references_resolve(v3, books_balance):
    books_balance(v3)


def test_no_single_column_gives_the_answer_away(v3, truth):
    items = v3.items.set_index("item_id").join(truth)
    # Distributors and direct-material suppliers sell more than one true category.
    per_supplier = items.groupby("supplier_id").true_category.nunique()
    assert (per_supplier > 1).sum() >= 5
    # MRO items booked to production orders; WIP received from a contract manufacturer.
    txns = v3.transactions
    to_prod = set(txns.loc[txns.txn_type == "issue_production", "item_id"])
    assert (items.loc[items.index.isin(to_prod), "true_category"] == "mro").sum() >= 50
    received = set(txns.loc[txns.txn_type == "receipt", "item_id"])
    assert (items.loc[items.index.isin(received), "true_category"] == "wip").sum() >= 5
    # WIP and finished goods that never move (phantom, discontinued) but keep their BOMs.
    moved = set(txns.item_id)
    still = items[~items.index.isin(moved)]
    assert (still.true_category == "wip").sum() >= 10
    assert (still.true_category == "finished_good").sum() >= 3
    # Descriptions: placeholders, German, and the catalog's own text kept.
    desc = items.description.str.upper()
    assert desc.isin(["-", ".", "N/A", "?", "SEE DWG", "TBD"]).sum() >= 30
    assert desc.str.contains("DICHTUNG|LAGER|HANDSCHUHE|SCHRAUBE").sum() >= 20
    assert items.loc["4471", "description"] == "NITRILE GLOVES L BOX/100"


def test_dual_use_items_state_their_measured_share(v3, truth):
    dual = truth[truth.dual_use == 1]
    assert len(dual) >= 40
    assert dual.dominant_use_share.between(0.5, 1.0).all()
    issues = v3.transactions[v3.transactions.txn_type.str.startswith("issue_")]
    qty = -issues.groupby(["item_id", "txn_type"], observed=True).qty.sum().unstack(fill_value=0)
    qty = qty.reindex(dual.index).fillna(0)
    prod_share = qty["issue_production"] / qty.sum(axis=1)
    measured = np.maximum(prod_share, 1 - prod_share)
    assert np.allclose(measured, dual.dominant_use_share, atol=1e-3)
    # The true category follows the dominant use.
    raw_side = dual[prod_share > 0.5]
    assert set(raw_side.true_category) <= {"raw_material", "wip"}
    assert set(dual[prod_share < 0.5].true_category) == {"mro"}
    planted = load_planted(v3)
    assert set(dual.index) <= set(planted.loc[planted.kind == "dual_use", "item_id"])


def load_planted(v3) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return load_evaluation_table(Path(v3.source), "planted_anomalies")


def test_label_noise_is_planted_and_listed(v3, truth):
    items = v3.items.set_index("item_id").join(truth)
    recorded = items.recorded_category
    wrong = recorded.notna() & (recorded != items.true_category)
    assert 0.07 <= wrong.mean() <= 0.15
    planted = load_planted(v3)
    listed = set(planted.loc[planted.kind == "wrong_category", "item_id"])
    assert listed == set(items.index[wrong])
    dups = planted[planted.kind == "duplicate_item"]
    assert len(dups) >= 40 and dups.ref_id.isin(items.index).all()


def test_version_3_is_reproducible_and_version_2_is_the_default(tmp_path):
    a = generate_demo(tmp_path / "a", scale=0.1, seed=3, generator_version=3)
    b = generate_demo(tmp_path / "b", scale=0.1, seed=3, generator_version=3)
    for name in ("items.csv", "transactions.csv", "labels.csv", "boms.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    v2 = generate_demo(tmp_path / "c", scale=0.1, seed=3)
    assert '"generator_version": 2' in (v2 / "meta.json").read_text()
    assert '"generator_version": 3' in (a / "meta.json").read_text()
    with pytest.raises(ValueError, match="generator version"):
        generate_demo(tmp_path / "d", scale=0.1, generator_version=1)


def test_cli_writes_version_3_only_where_told(tmp_path):
    runner = CliRunner()
    refused = runner.invoke(app, ["demo", "--scale", "0.05", "--generator-version", "3"])
    assert refused.exit_code == 2 and "--out" in refused.output
    out = tmp_path / "v3"
    made = runner.invoke(
        app, ["demo", "--scale", "0.05", "--generator-version", "3", "--out", str(out)]
    )
    assert made.exit_code == 0, made.output
    assert '"generator_version": 3' in (out / "meta.json").read_text()
