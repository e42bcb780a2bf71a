"""Every kind of bad input is refused with a message that names file, row, column, reason."""

from __future__ import annotations

import pandas as pd
import pytest

from stockwise.tools.core.errors import DatasetError
from stockwise.tools.dataset.load import load_dataset
from stockwise.tools.dataset.report import LISTED_PER_GROUP

from .conftest import SMALL_DATASET, with_line, write_dataset_folder

TX_HEADER = SMALL_DATASET["transactions"].splitlines()[0]

# (case, overrides, a line the report must hold)
BAD_INPUTS = [
    ("missing file", {"items": None}, "items.csv: the required table items is missing"),
    (
        "missing column",
        {"sites": "site_id\nS1\nS2\n"},
        "sites.csv: the required column 'name' is missing",
    ),
    (
        "wrong type",
        {"items": with_line("items", "I9,bolt,EA,cheap,,,,,,")},
        "items.csv row 6: unit_cost is 'cheap', not a number",
    ),
    (
        "duplicate key",
        {"sites": with_line("sites", "S1,Riverside again")},
        "sites.csv row 4: duplicate key (site_id 'S1' is already on an earlier row)",
    ),
    (
        "dangling reference",
        {"transactions": with_line("transactions", "T11,2025-01-03,NOPE,S1,1,receipt,,")},
        "transactions.csv row 12: item_id 'NOPE' is not in items",
    ),
    (
        "wrong sign",
        {"transactions": with_line("transactions", "T11,2025-01-03,I1,S1,5,scrap,,")},
        "transactions.csv row 12: qty is 5 but scrap takes stock out, so qty must be negative",
    ),
    (
        "wrong sign of a receipt",
        {"transactions": with_line("transactions", "T11,2025-01-03,I1,S1,-5,receipt,,")},
        "transactions.csv row 12: qty is -5 but receipt puts stock in, so qty must be positive",
    ),
    (
        "qty 0",
        {"transactions": with_line("transactions", "T11,2025-01-03,I1,S1,0,adjustment,,")},
        "transactions.csv row 12: qty is 0 (a movement is never 0)",
    ),
    (
        "unparsable date",
        {"transactions": with_line("transactions", "T11,last tuesday,I1,S1,1,receipt,,")},
        "transactions.csv row 12: ts is 'last tuesday', not a date (write ISO 8601",
    ),
    (
        "impossible date",
        {"transactions": with_line("transactions", "T11,2025-02-30,I1,S1,1,receipt,,")},
        "transactions.csv row 12: ts is '2025-02-30', a date that does not exist",
    ),
    ("empty file", {"sites": ""}, "sites.csv: the file is empty"),
    ("blank header line", {"sites": "\nS1,Riverside\n"}, "sites.csv: the file has no header line"),
    (
        "header only in a required table",
        {"items": SMALL_DATASET["items"].splitlines()[0] + "\n"},
        "items.csv: the table has no rows",
    ),
    (
        "non-UTF-8 file",
        {"items": with_line("items", "I9,caf\xe9 filter,EA,1,,,,,,").encode("latin-1")},
        "items.csv: is not UTF-8 text: byte 0xE9 at byte offset",
    ),
    (
        "blank required value",
        {"transactions": with_line("transactions", "T11,2025-01-03,I1,,1,receipt,,")},
        "transactions.csv row 12: site_id is blank (a required column)",
    ),
    (
        "not a choice",
        {"transactions": with_line("transactions", "T11,2025-01-03,I1,S1,1,gift,,")},
        "transactions.csv row 12: txn_type is 'gift', not one of:",
    ),
    (
        "out of range",
        {"equipment_usage": with_line("equipment_usage", "EQ1,2025-01-07,25,")},
        "equipment_usage.csv row 4: run_hours is 25 (must be between 0 and 24)",
    ),
    (
        "negative stock",
        {"stock_levels": with_line("stock_levels", "I3,S2,-1,2025-03-01,,,")},
        "stock_levels.csv row 6: on_hand_qty is -1 (must be 0 or more)",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "expected"), [c[1:] for c in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS]
)
def test_strict_load_refuses_with_a_clear_message(tmp_path, overrides, expected):
    folder = write_dataset_folder(tmp_path / "bad", overrides)
    before = sorted(p.name for p in tmp_path.rglob("*"))

    with pytest.raises(DatasetError) as caught:
        load_dataset(folder)

    report = caught.value.report
    assert not report.ok
    assert any(line.startswith(expected) for line in report.render_lines()), report.render()
    assert expected[:40] in str(caught.value)
    # Strict changes nothing: no rejects file, nothing written beside the dataset.
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_non_utf8_names_the_line(tmp_path):
    text = with_line("items", "I9,caf\xe9 filter,EA,1,,,,,,").encode("latin-1")
    folder = write_dataset_folder(tmp_path / "bad", {"items": text})

    with pytest.raises(DatasetError) as caught:
        load_dataset(folder)

    offset = text.index(b"\xe9")
    assert f"byte offset {offset:,} (line 6)" in caught.value.report.render()


def test_lenient_loads_the_rest_and_writes_rejects(tmp_path):
    bad_lines = "\n".join(
        [
            "T11,2025-01-03,I1,S1,0,adjustment,,",
            "T12,2025-02-30,I1,S1,4,receipt,,",
            "T13,2025-01-03,I1,S1,3,receipt,purchase_order,P-80",
        ]
    )
    folder = write_dataset_folder(
        tmp_path / "bad",
        {
            "transactions": with_line("transactions", bad_lines),
            # I3's cost is not a number: I3 and every row that refers to it must go.
            "items": SMALL_DATASET["items"].replace("I3,housing semi-fin,EA,30", "I3,housing,EA,x"),
        },
    )
    rejects = tmp_path / "out" / "rejects.csv"

    ds = load_dataset(folder, lenient=True, rejects_path=rejects)

    assert sorted(ds.transactions.txn_id) == sorted(
        ["T1", "T2", "T3", "T4", "T5", "T6", "T7", "T10", "T13"]
    )
    assert "I3" not in set(ds.items.item_id)
    assert ds.boms.empty and ds.routings.empty and ds.production_orders.empty
    assert ds.order_progress.empty  # its order refers to the rejected item I3
    report = ds.meta["validation"]
    assert report.ok and report.rejects_path == str(rejects)
    out = pd.read_csv(rejects)
    assert set(zip(out.table, out.row, strict=True)) >= {
        ("transactions", 12),
        ("transactions", 13),
        ("items", 4),
        ("transactions", 9),
        ("boms", 2),
    }
    t11 = out[(out.table == "transactions") & (out.row == 12)].iloc[0]
    assert t11.reasons == "qty is 0 (a movement is never 0)"
    assert '"txn_id": "T11"' in t11["values"]
    t8 = out[(out.table == "transactions") & (out.row == 9)].iloc[0]
    assert t8.reasons == "item_id 'I3' is on a rejected row of items"


def test_lenient_still_refuses_a_missing_required_table(tmp_path):
    folder = write_dataset_folder(tmp_path / "bad", {"stock_levels": None})

    with pytest.raises(DatasetError, match="stock_levels is missing"):
        load_dataset(folder, lenient=True)


def test_lenient_drops_an_unusable_optional_table(tmp_path):
    folder = write_dataset_folder(tmp_path / "bad", {"pm_plans": "plan_id\nPM1\n"})

    ds = load_dataset(folder, lenient=True, rejects_path=tmp_path / "rejects.csv")

    assert ds.pm_plans.empty
    assert ds.pm_plan_parts.empty  # its plan is gone with the table
    assert "pm_plans.csv: the required column 'equipment_id' is missing" in (
        ds.meta["validation"].render()
    )


def test_many_problems_are_all_counted_but_listing_is_capped(tmp_path):
    zeros = "\n".join(f"Z{i},2025-01-03,I1,S1,0,adjustment,," for i in range(500))
    folder = write_dataset_folder(
        tmp_path / "bad", {"transactions": with_line("transactions", zeros)}
    )

    with pytest.raises(DatasetError) as caught:
        load_dataset(folder)

    report = caught.value.report
    assert report.problem_count == 500
    [group] = report.to_dict()["groups"]
    assert group["count"] == 500 and group["listed"] == LISTED_PER_GROUP
    assert f"... and {500 - LISTED_PER_GROUP:,} more qty problems" in report.render()


def test_not_a_folder(tmp_path):
    with pytest.raises(DatasetError, match="no dataset folder at"):
        load_dataset(tmp_path / "nowhere")


def test_report_json_shape(tmp_path):
    folder = write_dataset_folder(
        tmp_path / "bad",
        {"transactions": with_line("transactions", "T11,2025-01-03,I1,S1,0,receipt,,")},
    )
    with pytest.raises(DatasetError) as caught:
        load_dataset(folder)

    shape = caught.value.report.to_dict()
    assert set(shape) >= {
        "ok",
        "source",
        "lenient",
        "problem_count",
        "rows_rejected",
        "rejects_path",
        "tables",
        "groups",
        "problems",
    }
    assert shape["problems"] == [
        {
            "table": "transactions",
            "file": "transactions.csv",
            "row": 12,
            "column": "qty",
            "code": "nonzero",
            "reason": "qty is 0 (a movement is never 0)",
        }
    ]
    assert shape["tables"]["transactions"] == {
        "file": "transactions.csv",
        "rows": 10,
        "rows_rejected": 1,
        "extra_columns": [],
    }
