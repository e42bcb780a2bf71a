"""Loading a valid dataset: types, meta, extra columns, Parquet = CSV, evaluation tables."""

from __future__ import annotations

import pandas as pd
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from stockwise.tools.dataset.load import load_dataset, load_evaluation_table
from stockwise.tools.dataset.schema import PRODUCT_TABLES

from .conftest import SMALL_DATASET, write_dataset_folder


def test_valid_dataset_loads_every_table_typed(small_folder):
    ds = load_dataset(small_folder)

    assert ds.name == "Small plant" and ds.currency == "EUR"
    assert set(ds.tables) == set(PRODUCT_TABLES)
    assert ds.row_counts()["transactions"] == 10
    assert ds.meta["validation"].ok and ds.meta["validation"].problem_count == 0
    tx = ds.transactions
    assert tx["ts"].dtype == "datetime64[ns]"
    assert tx["qty"].dtype == "float64"
    assert tx.loc[tx.txn_id == "T2", "qty"].item() == -100.0
    # A zone offset keeps its wall time: naive stamps are site local time.
    assert tx.loc[tx.txn_id == "T4", "ts"].item() == pd.Timestamp("2025-01-07 10:00")
    assert tx.loc[tx.txn_id == "T2", "ts"].item() == pd.Timestamp("2025-01-05 09:30")
    # Categorical ids still compare equal to text.
    assert (tx["item_id"] == "I2").sum() == 3
    assert ds.items["item_id"].tolist() == ["I1", "I2", "I3", "4471"]
    assert ds.items.loc[ds.items.item_id == "I3", "supplier_id"].isna().item()
    assert ds.routings["stage_seq"].dtype == "int64"
    assert ds.as_of == pd.Timestamp("2025-03-01 06:00")


def test_unknown_extra_columns_are_kept(small_folder):
    ds = load_dataset(small_folder)

    assert ds.items["colour"].tolist() == ["grey", "black", None, "blue"]
    assert ds.equipment_usage["vibration_mm_s"].tolist()[0] == 2.1
    assert ds.meta["validation"].tables["items"].extra_columns == ["colour"]


def test_evaluation_tables_are_not_in_the_dataset(small_folder):
    ds = load_dataset(small_folder)

    assert "labels" not in ds.tables and "planted_anomalies" not in ds.tables
    labels = load_evaluation_table(small_folder, "labels")
    assert labels.set_index("item_id")["true_category"].to_dict() == {
        "I1": "raw_material",
        "I2": "mro",
        "I3": "wip",
        "4471": "mro",
    }
    with pytest.raises(KeyError):
        load_evaluation_table(small_folder, "items")


def test_absent_optional_tables_are_empty_frames(tmp_path):
    folder = write_dataset_folder(
        tmp_path / "lean",
        {
            name: None
            for name in SMALL_DATASET
            if name not in ("sites", "suppliers", "items", "stock_levels", "transactions")
        },
    )
    ds = load_dataset(folder)

    assert ds.work_orders.empty and "wo_id" in ds.work_orders.columns
    assert ds.boms.empty
    assert ds.documents_dir is None


def test_parquet_gives_the_same_dataset_as_csv(small_folder, tmp_path):
    parquet = tmp_path / "as-parquet"
    parquet.mkdir()
    for name in SMALL_DATASET:
        # Text columns as CSV sees them: the loader, not the file, does the typing.
        blanks_are_null = pacsv.ConvertOptions(strings_can_be_null=True)
        table = pacsv.read_csv(small_folder / f"{name}.csv", convert_options=blanks_are_null)
        pq.write_table(table, parquet / f"{name}.parquet")
    (parquet / "meta.json").write_text((small_folder / "meta.json").read_text())
    (parquet / "documents").mkdir()

    from_csv = load_dataset(small_folder)
    from_parquet = load_dataset(parquet)

    for name in PRODUCT_TABLES:
        pd.testing.assert_frame_equal(from_csv.tables[name], from_parquet.tables[name])
    assert from_parquet.documents_dir == parquet / "documents"


def test_fingerprint_follows_the_content(small_folder):
    first = load_dataset(small_folder).fingerprint
    assert first == load_dataset(small_folder).fingerprint

    path = small_folder / "sites.csv"
    path.write_text(path.read_text().replace("Hilltop", "Hill Top"))

    assert load_dataset(small_folder).fingerprint != first


def test_progress_is_reported_per_table(small_folder):
    seen = []
    load_dataset(small_folder, progress=lambda name, i, total: seen.append((name, i, total)))

    assert [s[0] for s in seen] == list(PRODUCT_TABLES)
    assert seen[-1][2] == len(PRODUCT_TABLES)


def test_optional_columns_may_be_absent(tmp_path):
    folder = write_dataset_folder(
        tmp_path / "minimal",
        {
            "items": "item_id,description,uom,unit_cost\n"
            "I1,a,EA,1\nI2,b,EA,2\nI3,c,EA,3\n4471,d,BOX,4\n",
            "transactions": "txn_id,ts,item_id,site_id,qty,txn_type\n"
            "T1,2025-01-02,I1,S1,5,receipt\n",
        },
    )
    ds = load_dataset(folder)

    assert ds.items["supplier_id"].isna().all() and ds.items["criticality"].isna().all()
    assert ds.transactions["ref_id"].isna().all() and len(ds.transactions) == 1


def test_parquet_integer_ids_are_text(small_folder, tmp_path):
    folder = write_dataset_folder(tmp_path / "ints", {"sites": "site_id,name\n1,A\n2,B\n"})
    for name in ("stock_levels", "transactions", "production_orders"):
        path = folder / f"{name}.csv"
        path.write_text(path.read_text().replace(",S1,", ",1,").replace(",S2,", ",2,"))
    (folder / "equipment.csv").write_text(
        "equipment_id,name,equipment_type,site_id\nEQ1,P,press,1\n"
    )
    sites = pacsv.read_csv(folder / "sites.csv")
    assert sites.schema.field("site_id").type == "int64"
    pq.write_table(sites, folder / "sites.parquet")
    (folder / "sites.csv").unlink()

    ds = load_dataset(folder)

    assert ds.sites["site_id"].tolist() == ["1", "2"]
    assert (ds.transactions["site_id"] == "2").sum() == 1
