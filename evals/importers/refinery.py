"""The refinery stores sheet, imported from the `.xls` as published with the shipped
mapping (examples/import/refinery.yaml), against the two CSV files derived from it.

Checked, cell by cell: monthly demand (the contract's definition, issues only) per
material and month; the net movement per month (issues and returns) against the CSV's
`y`; lead time, Min, Max, stock and price per material. A month where returns exceeded
issues (negative `y`) has a demand of 0 under the contract, which counts issues only, and
its return is an adjustment: such cells are counted separately, never hidden.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from stockwise.tools.dataset.load import load_dataset
from stockwise.tools.dataset.schema import DEMAND_TXN_TYPES
from stockwise.tools.importers.run import run_import

MAPPING = Path(__file__).resolve().parents[2] / "examples" / "import" / "refinery.yaml"


def refinery(folder: Path) -> int:
    """Print the comparison; 0 when every figure matches, 1 otherwise."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "refinery"
        started = time.perf_counter()
        report = run_import(
            "sheet", folder / "source" / "Data _deel1b.xls", out, mapping=MAPPING,
            rejects_path=Path(scratch) / "rejects.csv",
        )  # fmt: skip
        seconds = time.perf_counter() - started
        dataset = load_dataset(out)
    print(f"import: {seconds:.1f} s; dropped {dict(report.dropped)}")
    failures = _demand(
        dataset, pd.read_csv(folder / "refinery_demand.csv", dtype={"unique_id": str})
    )
    failures += _items(
        dataset, pd.read_csv(folder / "refinery_items.csv", dtype={"unique_id": str})
    )
    print("PASS" if failures == 0 else f"FAIL: {failures} mismatching figures")
    return 0 if failures == 0 else 1


def _monthly(txns: pd.DataFrame, types) -> pd.Series:
    rows = txns[txns["txn_type"].isin(types)]
    month = rows["ts"].dt.to_period("M").dt.to_timestamp()
    return (-rows["qty"]).groupby([rows["item_id"].astype(str), month]).sum()


def _demand(dataset, truth: pd.DataFrame) -> int:
    txns = dataset.tables["transactions"]
    truth = truth.assign(ds=pd.to_datetime(truth["ds"])).set_index(["unique_id", "ds"])["y"]
    demand = _monthly(txns, DEMAND_TXN_TYPES).reindex(truth.index, fill_value=0.0)
    net = _monthly(txns, [*DEMAND_TXN_TYPES, "adjustment"]).reindex(truth.index, fill_value=0.0)
    extra = set(_monthly(txns, list(txns["txn_type"].unique())).index) - set(truth.index)
    expected_demand = truth.clip(lower=0)
    demand_ok = np.isclose(demand, expected_demand, rtol=0, atol=1e-9)
    net_ok = np.isclose(net, truth, rtol=0, atol=1e-9)
    negative = int((truth < 0).sum())
    months = truth.index.get_level_values(1)
    print(f"cells (material x month): {len(truth):,}; {months.min():%Y-%m} to {months.max():%Y-%m}")
    print(f"monthly demand equal to the CSV: {int(demand_ok[truth >= 0].sum()):,} of "
          f"{int((truth >= 0).sum()):,} cells with y >= 0")  # fmt: skip
    print(f"net movement (issues - returns) equal to the CSV's y: {int(net_ok.sum()):,} of "
          f"{len(truth):,}")  # fmt: skip
    print(f"cells with y < 0 (returns > issues): {negative:,}, demand 0 there: "
          f"{int(demand_ok[truth < 0].sum()):,}, return recorded as an adjustment")  # fmt: skip
    print(f"movements in months the CSV does not have: {len(extra):,}")
    print(f"total demand: imported {demand.sum():,.0f}, CSV (y >= 0) {expected_demand.sum():,.0f}")
    return int((~demand_ok).sum() + (~net_ok).sum() + len(extra))


def _items(dataset, truth: pd.DataFrame) -> int:
    items = dataset.tables["items"].set_index("item_id")
    levels = dataset.tables["stock_levels"].set_index("item_id")
    truth = truth.set_index("unique_id")
    pairs = {
        "lead_time_days": (items["lead_time_days"], truth["lead_time_days"]),
        "min_reorder_point": (levels["reorder_point"], truth["min_reorder_point"]),
        "max_stock": (levels["reorder_point"] + levels["reorder_qty"], truth["max_stock"]),
        "stock_on_hand": (levels["on_hand_qty"], truth["stock_on_hand"]),
        "price": (items["unit_cost"], truth["price"]),
    }
    failures = 0
    for name, (ours, theirs) in pairs.items():
        ours = ours.reindex(theirs.index)
        same = np.isclose(ours.astype(float), theirs.astype(float), rtol=0, atol=1e-9)
        failures += int((~same).sum())
        print(f"{name}: {int(same.sum()):,} of {len(theirs):,} materials equal")
    crit = items["criticality"].reindex(truth.index)
    expected = np.select(
        [truth["installed_high_crit"] > 0, truth["installed_medium_crit"] > 0,
         truth["installed_low_crit"] > 0], ["A", "B", "C"], default=None,
    )  # fmt: skip
    same = crit.fillna("-").to_numpy() == pd.Series(expected).fillna("-").to_numpy()
    failures += int((~same).sum())
    print(f"criticality (A/B/C from H/M/L counts): {int(same.sum()):,} of {len(truth):,}; "
          f"{crit.value_counts().to_dict()}")  # fmt: skip
    return failures
