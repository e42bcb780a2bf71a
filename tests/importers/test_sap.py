"""`stockwise import --from sap`: the German ECC extract in fixtures/sap_de (its README
lists what is in it and where the layouts come from), asked through the real commands."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from stockwise.tools.dataset.load import load_dataset

SYSTEM = "sap"
FIXTURE = Path(__file__).parent / "fixtures" / "sap_de"
MARCH = ("--start", "2025-03-01", "--end", "2025-03-31")


def test_figures_asked_equal_the_hand_computed_ones(stockwise, imported):
    out, _ = imported
    assert stockwise("check", out).exit_code == 0
    for item, demand in (("100001", 3), ("100002", 200.5), ("100003", 1000), ("100004", 2)):
        answer = stockwise.json("stock", "demand", item, *MARCH, dataset=out)
        assert answer["demand"] == pytest.approx(demand), item
    seal = stockwise.json("stock", "on-hand", "100001")["items"][0]
    assert seal["on_hand"] == 12 and seal["value"] == pytest.approx(1500)  # 9 + 3, at 125.00
    assert {s["site_id"]: s["on_hand"] for s in seal["sites"]} == {"1000": 9, "2000": 3}
    oil = stockwise.json("stock", "on-hand", "100002")["items"][0]
    assert oil["unit_cost"] == pytest.approx(3.895) and oil["uom"] == "L"  # 389,50 per 100 L
    total = 1500 + 1250.5 * 3.895 + 3000 * 2.40 + 12 * 4800
    assert stockwise.json("stock", "value")["total_value"] == pytest.approx(total)
    asked = stockwise("ask", "how much mechanical seal 50mm did we use in March 2025?", "--json")
    assert asked.exit_code == 0, asked.output
    answer = json.loads(asked.stdout)["answer"]
    assert "Mechanical seal 50mm" in answer and ": 3 EA" in answer


def test_movement_types_map_onto_the_contract(imported):
    out, _ = imported
    txns = load_dataset(out).tables["transactions"].set_index("txn_id")
    kinds = txns["txn_type"].astype(str).to_dict()
    assert kinds == {
        "4900000000/2025/1": "issue_maintenance",  # 261 to a PM order (AUTYP 30)
        "5000000001/2025/1": "receipt",
        "4900000001/2025/1": "issue_maintenance",
        "4900000004/2025/1": "issue_other",  # 201 to a cost centre
        "4900000004/2025/2": "issue_other",
        "4900000005/2025/1": "issue_production",  # 261 to a PP order (AUTYP 10)
        "4900000007/2025/1": "production_output",  # 101 against an order
        "4900000008/2025/1": "scrap",
        "4900000009/2025/1": "adjustment",
        "4900000010/2025/1": "transfer_out",
        "4900000010/2025/2": "transfer_in",
        "4900000013/2025/1": "issue_maintenance",
        "4900000014/2025/1": "issue_sales",
    }
    assert txns.loc["4900000005/2025/1", "qty"] == -1000  # 1.500 less the 500 reversed
    assert txns.loc["4900000005/2025/1", "ref_id"] == "1000123"
    levels = load_dataset(out).tables["stock_levels"].set_index(["item_id", "site_id"])
    assert levels.loc[("100001", "1000"), "reorder_point"] == 4  # MINBE, MRP type VB
    assert levels.loc[("100001", "1000"), "reorder_qty"] == 10  # BSTFE
    assert pd_isna(levels.loc[("100003", "1000"), "reorder_point"])  # MRP type PD
    boms = load_dataset(out).tables["boms"].set_index("component_item_id")["qty_per"]
    assert boms.to_dict() == {"100001": 2.0, "100003": 25.0}  # per 10 pumps: 20 and 250


def test_confirmations_counters_and_plans_map_onto_wip_and_maintenance(imported):
    out, report = imported
    tables = load_dataset(out).tables
    progress = tables["order_progress"].set_index("stage_seq")
    assert list(progress["order_id"]) == ["1000123", "1000123"]  # not the PM order's AFRU
    assert progress.loc[1, "stage"] == "Zuschnitt Blech"  # AFVC's text, via AFKO-AUFPL
    assert progress.loc[1, "finished_at"] == pd.Timestamp("2025-03-06")  # final (AUERU)
    assert (progress.loc[1, "qty_good"], progress.loc[1, "qty_scrap"]) == (10, 1)
    assert progress.loc[2, "started_at"] == pd.Timestamp("2025-03-10")  # cancelled one gone
    assert pd_isna(progress.loc[2, "finished_at"]) and progress.loc[2, "qty_good"] == 5
    usage = tables["equipment_usage"].set_index("date")["run_hours"]
    # 60 h between 1 and 5 March over four days; 40 h on 6 March capped at 24
    assert usage.to_dict() == {pd.Timestamp(f"2025-03-0{d}"): 15.0 for d in (2, 3, 4, 5)} | {
        pd.Timestamp("2025-03-06"): 24.0
    }
    assert (
        report["guessed"]["counter ran more than 24 h a day between two readings: capped at 24"]
        == 1
    )
    plans = tables["pm_plans"].set_index("plan_id")
    assert (plans.loc["11", "interval_unit"], plans.loc["11", "interval"]) == ("days", 30)
    assert (plans.loc["12", "interval_unit"], plans.loc["12", "interval"]) == ("run_hours", 500)
    assert plans.loc["12", "last_done_at"] == pd.Timestamp("2025-01-06")  # order 4000003
    assert pd_isna(plans.loc["11", "last_done_at"])  # its order is not completed
    parts = tables["pm_plan_parts"].set_index(["plan_id", "item_id"])["qty"].to_dict()
    assert parts == {("11", "100001"): 2.0, ("12", "100002"): 20.0}  # deleted line left out


def test_what_could_not_be_mapped_is_counted_and_listed(imported):
    _, report = imported
    assert report["dropped"] == {
        "movement type 999 not mapped": 1,
        "cancelled by its reversal (SMBLN)": 1,
        "reversal netted against the line it reverses": 2,
        "transactions: item not in the item master": 1,
        "transactions: txn_id seen before (a duplicated document)": 1,
        "confirmation cancelled, or the record cancelling one (STOKZ/STZHL)": 2,
        "measurement document cancelled (IMRG-CANCL)": 1,
    }
    assert report["guessed"]["material type ZZZ1 has no contract category: left blank"] == 1
    rejects = Path(report["rejects_path"]).read_text(encoding="utf-8").splitlines()
    assert "MSEG.csv,16,BWART,999,movement type 999 not mapped" in rejects
    assert "MSEG.csv,17,MATNR,999999,transactions: item not in the item master" in rejects


def test_a_missing_sap_field_refuses_the_import_and_names_it(stockwise, tmp_path):
    folder = tmp_path / "extract"
    folder.mkdir()
    for path in FIXTURE.glob("*.csv"):
        text = path.read_bytes()
        if path.name == "MSEG.csv":
            text = text.replace(b"SHKZG", b"SHKZX")
        (folder / path.name).write_bytes(text)
    result = stockwise("import", "--from", "sap", folder, "--out", tmp_path / "plant")
    assert result.exit_code == 1
    assert "error: MSEG.csv: no column SHKZG (SAP field name)" in result.stderr


def pd_isna(value) -> bool:  # type: ignore[no-untyped-def]
    return value != value  # NaN is the one value not equal to itself


def test_a_refresh_with_the_same_extract_changes_nothing(stockwise, imported, tmp_path):
    out, _ = imported
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()}
    again = stockwise.json(
        "import", "--from", "sap", FIXTURE, "--out", out, "--since", "2025-03-01"
    )
    assert again["changed"] is False and sum(again["added"].values()) == 0
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()} == before
    # A later extract: one more 261 of the seal on April 2, and the same March lines again.
    newer = tmp_path / "april"
    newer.mkdir()
    for path in FIXTURE.glob("*.csv"):
        (newer / path.name).write_bytes(path.read_bytes())
    with (newer / "MKPF.csv").open("a", encoding="cp1252", newline="") as fh:
        fh.write("4900000015;2025;02.04.2025;02.04.2025;MEIER\r\n")
    with (newer / "MSEG.csv").open("a", encoding="cp1252", newline="") as fh:
        fh.write("4900000015;2025;0001;261;000000000000100001;1000;0001;H;2,000;ST;"
                 "000004000002;;;;;\r\n")  # fmt: skip
    refresh = stockwise.json(
        "import", "--from", "sap", newer, "--out", out, "--since", "2025-04-01"
    )
    assert refresh["added"]["transactions"] == 1
    assert "--since 2025-04-01: 13 movements before it left as they were" in refresh["notes"]
    april = ("--start", "2025-04-01", "--end", "2025-04-30")
    assert stockwise.json("stock", "demand", "100001", *april, dataset=out)["demand"] == 2
    assert stockwise.json("stock", "demand", "100001", *MARCH)["demand"] == 3
