"""`stockwise import --from sheet`: a plant's wide stores sheet, read through a mapping.

The fixture is a small copy of the refinery sheet's layout (materials as rows, months as
date-headed columns newest first, H/M/L criticality counts, blank = no consumption, an
unreliable oldest month), with the awkward rows a real one has. Every expected figure is
worked out by hand in the comments.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from stockwise.tools.dataset.load import load_dataset

MAPPING = """\
sheet: Data
site: PLANT
columns: {item_id: Material, lead_time_days: Del. time, reorder_point: Min,
          max_stock: Max, on_hand_qty: Stock, unit_cost: Price}
criticality: {A: H, B: M, C: L}
periods: {unit: month, first: 2025-01, blank: 0}
defaults: {recorded_category: mro, mro_subtype: spare_part}
"""
MONTHS = [datetime(2025, 3, 1), datetime(2025, 2, 1), datetime(2025, 1, 1), datetime(2024, 12, 1)]
ROWS = [
    # Material, Del. time, Min, Max, Stock, Price, H, M, L, Mar, Feb, Jan, Dec (unreliable)
    [1001, 30, 2, 5, 3, 12.5, 1, None, 2, "4", None, "2", "99"],
    [1002, 10, None, None, 0, 3, None, 2, None, "-1", "5", "0", None],
    [1003, 7, 1, 2, 4, "abc", None, None, None, "1", None, None, None],  # price unreadable
    [1001, 30, 2, 5, 3, 12.5, 1, None, 2, "4", None, "2", "99"],  # the same row again
    [1004, 14, 0, 0, 1, 8, None, None, None, None, None, None, None],
]


def write_sheet(path: Path, rows=ROWS, months=MONTHS) -> Path:
    book = Workbook()
    info = book.active
    info.title = "Info"
    info.append(["Be careful with the consumption values of Dec 24."])
    data = book.create_sheet("Data")
    data.append(["Material", "Del. time", "Min", "Max", "Stock", "Price", "H", "M", "L", *months])
    for row in rows:
        data.append(row)
    book.save(path)
    return path


@pytest.fixture
def sheet(tmp_path):  # type: ignore[no-untyped-def]
    (tmp_path / "mapping.yaml").write_text(MAPPING)
    return write_sheet(tmp_path / "stores.xlsx"), tmp_path / "mapping.yaml"


def test_sheet_imports_and_answers_hand_computed_figures(stockwise, sheet, tmp_path):
    source, mapping = sheet
    out = tmp_path / "plant"
    result = stockwise("import", "--from", "sheet", source, "--out", out, "--mapping", mapping)
    assert result.exit_code == 0, result.output
    assert stockwise("check", out).exit_code == 0
    # 1001: Jan 2 + Mar 4 = 6 (Dec's 99 is before periods.first); 1002: Feb 5 (Mar's -1 is
    # a return, not demand; Jan's 0 is no movement).
    for item, demand in (("1001", 6), ("1002", 5), ("1004", 0)):
        answer = stockwise.json(
            "stock", "demand", item, "--start", "2025-01-01", "--end", "2025-03-31", dataset=out
        )
        assert answer["demand"] == demand, item
    march = stockwise.json(
        "stock", "demand", "1001", "--start", "2025-03-31", "--end", "2025-03-31"
    )
    assert march["demand"] == 4  # the month's consumption on its last day
    on_hand = stockwise.json("stock", "on-hand", "1001")["items"][0]
    assert on_hand["on_hand"] == 3 and on_hand["value"] == 37.5  # 3 x 12.50
    assert on_hand["sites"][0]["reorder_point"] == 2  # Min
    levels = load_dataset(out).tables["stock_levels"].set_index("item_id")
    assert levels.loc["1001", "reorder_qty"] == 3  # Max 5 - Min 2: a Min/Max orders up to Max
    assert stockwise.json("stock", "value")["total_value"] == pytest.approx(37.5 + 0 * 3 + 1 * 8)
    movements = stockwise.json("stock", "movements", "1002", "--start", "2025-01-01")["movements"]
    assert sorted((m["ts"][:10], m["qty"], m["txn_type"]) for m in movements) == [
        ("2025-02-28", -5, "issue_other"),
        ("2025-03-31", 1, "adjustment"),
    ]


def test_report_counts_what_was_guessed_and_dropped(stockwise, sheet, tmp_path):
    source, mapping = sheet
    out = tmp_path / "plant"
    report = stockwise.json("import", "--from", "sheet", source, "--out", out, "--mapping", mapping)
    assert report["dropped"] == {
        "Price is not a number": 1,
        "items: item_id seen before (a duplicated document)": 1,
        "stock_levels: item_id/site_id seen before (a duplicated document)": 1,
        "transactions: txn_id seen before (a duplicated document)": 2,
        "consumption cell in a period outside periods.first/last": 2,  # 1001's 99, twice
    }
    assert (
        report["guessed"]["criticality from installed counts (A = H > 0, B = M > 0, C = L > 0)"]
        == 3
    )
    assert (
        report["guessed"][
            "negative consumption (a net return to stores): adjustment (+), not demand"
        ]
        == 1
    )
    assert report["mapped"]["items"] == 3 and report["mapped"]["transactions"] == 4
    rejects = Path(report["rejects_path"]).read_text()
    assert "stores.xlsx,4,Price,abc,Price is not a number" in rejects  # row 4 of the sheet
    assert "stores.xlsx,5,Material,1001" in rejects  # the repeated row
    criticality = stockwise.json("stock", "on-hand", "1001", dataset=out)["items"][0]
    assert criticality["item_id"] == "1001"


def test_same_export_twice_changes_nothing_and_since_adds_only_new_months(
    stockwise, sheet, tmp_path
):
    source, mapping = sheet
    out = tmp_path / "plant"
    args = ("import", "--from", "sheet", "--out", out, "--mapping", mapping)
    assert stockwise(*args, source).exit_code == 0
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.iterdir() if p.is_file()}
    again = stockwise.json(*args, source, "--since", "2025-01-01")
    assert again["changed"] is False and sum(again["added"].values()) == 0
    assert {
        p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.iterdir() if p.is_file()
    } == before
    # April arrives, with 1001's stock now 1 and 1002's price changed to 4.
    rows = [[r[0], r[1], r[2], r[3], 1 if r[0] == 1001 else r[4], 4 if r[0] == 1002 else r[5],
             *r[6:9], "3" if r[0] == 1001 else None, *r[9:]] for r in ROWS]  # fmt: skip
    newer = write_sheet(tmp_path / "april.xlsx", rows, [datetime(2025, 4, 1), *MONTHS])
    refresh = stockwise.json(*args, newer, "--since", "2025-04-01")
    assert refresh["changed"] is True
    assert refresh["added"]["transactions"] == 1  # 1001's April issue, nothing older
    assert refresh["added"]["items"] == 1  # 1002's new price
    assert refresh["added"]["stock_levels"] == 3  # every snapshot is now as of April 30
    window = ("--start", "2025-01-01", "--end", "2025-04-30")
    demand = stockwise.json("stock", "demand", "1001", *window, dataset=out)
    assert demand["demand"] == 9  # 2 + 4 + 3
    assert stockwise.json("stock", "on-hand", "1002")["items"][0]["unit_cost"] == 4
    assert stockwise.json("stock", "on-hand", "1001")["items"][0]["on_hand"] == 1


def test_failed_import_leaves_the_previous_dataset_as_it_was(stockwise, sheet, tmp_path):
    source, mapping = sheet
    out = tmp_path / "plant"
    assert (
        stockwise("import", "--from", "sheet", source, "--out", out, "--mapping", mapping).exit_code
        == 0
    )
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    broken = tmp_path / "broken.yaml"
    broken.write_text(MAPPING.replace("unit_cost: Price", "unit_cost: Cost"))
    result = stockwise("import", "--from", "sheet", source, "--out", out, "--mapping", broken)
    assert result.exit_code == 1
    assert "stores.xlsx: no column 'Cost'" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".plant")]  # no temp left


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.replace("on_hand_qty: Stock", "on_hand_qty: Price"),
         "the sheet column 'Price' is mapped twice (on_hand_qty and unit_cost)"),
        (lambda m: m + "site: OTHER\n",
         "mapping.yaml line 8: 'site' is mapped twice (first on line 2)"),
        (lambda m: m.replace("Material", "Material, stock: Stock"),
         "'stock' is not a column Stockwise knows"),
    ],
)  # fmt: skip
def test_a_mapping_that_cannot_mean_one_thing_is_refused(
    stockwise, sheet, tmp_path, change, message
):
    source, mapping = sheet
    mapping.write_text(change(MAPPING))
    result = stockwise(
        "import", "--from", "sheet", source, "--out", tmp_path / "p", "--mapping", mapping
    )
    assert result.exit_code == 1
    assert message in result.stderr
    assert not (tmp_path / "p").exists()


def test_an_unreadable_file_is_one_clear_line(stockwise, tmp_path):
    bad = tmp_path / "stores.xlsx"
    bad.write_bytes(b"this is not a workbook")
    (tmp_path / "m.yaml").write_text(MAPPING)
    result = stockwise(
        "import", "--from", "sheet", bad, "--out", tmp_path / "p", "--mapping", tmp_path / "m.yaml"
    )
    assert result.exit_code == 1
    assert "\nerror: stores.xlsx: cannot be read (File is not a zip file)" in result.stderr


def test_strict_refuses_an_import_that_would_drop_rows(stockwise, sheet, tmp_path):
    source, mapping = sheet
    out = tmp_path / "plant"
    result = stockwise("import", "--from", "sheet", source, "--out", out, "--mapping", mapping,
                       "--strict")  # fmt: skip
    assert result.exit_code == 1
    assert "rows could not be mapped (--strict); first: stores.xlsx row 4, column Price" in (
        result.stderr
    )
    assert not out.exists()
    rejects = tmp_path / "stockwise-data" / "rejects" / "import-plant-rejects.csv"
    assert "Price is not a number" in rejects.read_text()  # kept to fix the sheet with


@pytest.mark.parametrize(
    ("question", "tool"),
    [
        ("which critical spares should we reorder?", "recommend_reorder"),
        # Once answered with a clarifying question (no intent compared the policy with the
        # plant's own Min/Max); it must reach the service-level plan, which does.
        ("how does your policy compare with our current Min/Max?", "plan_service_levels"),
    ],
)
def test_the_planners_questions_answer_on_an_imported_sheet(
    stockwise, sheet, tmp_path, question, tool
):
    source, mapping = sheet
    out = tmp_path / "plant"
    result = stockwise("import", "--from", "sheet", source, "--out", out, "--mapping", mapping)
    assert result.exit_code == 0, result.output
    answer = stockwise.json("ask", question, dataset=out)
    assert [s["tool"] for s in answer["sources"]] == [tool], answer
