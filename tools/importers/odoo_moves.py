"""Odoo `stock.move` rows onto `transactions`, by the usages of their two locations.

Odoo has no movement types: a move goes from one location to another, and each location
has a usage (stock.location.usage: internal, supplier, customer, inventory, production,
transit, view). Stock is what sits in internal locations, so a move's kind follows from
which end is internal:

| from -> to | transaction |
|---|---|
| supplier -> internal | receipt (+); the reverse is return_to_vendor (-) |
| internal -> customer | issue_sales (-); the reverse (a customer return) adjustment (+) |
| internal -> production | issue_production (-) to its manufacturing order (else issue_other) |
| production -> internal | production_output (+) |
| internal -> inventory | scrap (-) into a scrap location, else adjustment (cycle count) |
| inventory -> internal | adjustment (+), a count correction |
| internal <-> internal, transit | transfer_out (-) at the source, transfer_in (+) at the end |

Only `done` moves moved stock. Quantities are converted from the move's unit to the
product's (uom.uom factor: 1 reference unit = factor units); units of different
categories do not convert, and such a move is rejected.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.tools.importers.report import ImportReport


def convert(qty: pd.Series, unit: pd.Series, to: pd.Series, units: pd.DataFrame) -> pd.Series:
    """`qty` in `unit` expressed in `to`; NaN where the two do not convert."""
    same = unit.fillna("").eq(to.fillna(""))
    factor = units["factor"] if len(units) else pd.Series(dtype=float)
    category = units["category"] if len(units) else pd.Series(dtype=object)
    comparable = unit.map(category).eq(to.map(category)) & unit.map(category).notna()
    converted = qty / unit.map(factor) * to.map(factor)
    # Factors such as 1/12 leave float dust (60.00000000000002 units): round it away.
    return qty.where(same, converted.where(comparable).round(9))


def classify(moves: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    """`moves` with `_src`/`_dst` usages, `_src_site`/`_dst_site`, `_scrap_dst`, `_mo_raw`
    and `_mo_out` columns -> transaction rows (a transfer gives two)."""
    src, dst = moves["_src"], moves["_dst"]
    qty = moves["_qty"]
    rows = []

    def emit(mask, sign, kind, site, ref_type=None, ref_id=None):  # type: ignore[no-untyped-def]
        part = moves[mask]
        rows.append(pd.DataFrame({
            "txn_id": part["_txn"], "ts": part["_ts"], "item_id": part["_item"],
            "site_id": part[site], "qty": sign * qty[mask], "txn_type": kind,
            # Text, never all-NA: pandas is deprecating how concat types all-NA columns.
            "ref_type": ref_type or "", "ref_id": "" if ref_id is None else part[ref_id],
            "_file": part["_file"], "_row": part["_row"],
        }))  # fmt: skip

    internal_src, internal_dst = src.eq("internal"), dst.eq("internal")
    emit(src.eq("supplier") & internal_dst, 1, "receipt", "_dst_site", "purchase_order")
    emit(internal_src & dst.eq("supplier"), -1, "return_to_vendor", "_src_site", "purchase_order")
    emit(internal_src & dst.eq("customer"), -1, "issue_sales", "_src_site", "sales_order")
    back = src.eq("customer") & internal_dst
    emit(back, 1, "adjustment", "_dst_site")
    report.guess("customer return (customer -> internal): adjustment (+)", int(back.sum()))
    to_mo = internal_src & dst.eq("production") & moves["_mo_raw"].ne("")
    emit(to_mo, -1, "issue_production", "_src_site", "production_order", "_mo_raw")
    no_mo = internal_src & dst.eq("production") & moves["_mo_raw"].eq("")
    emit(no_mo, -1, "issue_other", "_src_site")
    report.guess("consumed to a production location without a manufacturing order: issue_other",
                 int(no_mo.sum()))  # fmt: skip
    out_mo = src.eq("production") & internal_dst
    emit(out_mo, 1, "production_output", "_dst_site", "production_order", "_mo_out")
    scrap = internal_src & dst.eq("inventory") & moves["_scrap_dst"]
    emit(scrap, -1, "scrap", "_src_site")
    counted = internal_src & dst.eq("inventory") & ~moves["_scrap_dst"]
    emit(counted, -1, "adjustment", "_src_site", "cycle_count")
    emit(src.eq("inventory") & internal_dst, 1, "adjustment", "_dst_site", "cycle_count")
    moving = (internal_src | src.eq("transit")) & (internal_dst | dst.eq("transit"))
    moving &= ~(src.eq("transit") & dst.eq("transit"))
    emit(moving & internal_src, -1, "transfer_out", "_src_site", "transfer")
    emit(moving & internal_dst, 1, "transfer_in", "_dst_site", "transfer")
    handled = (
        (src.eq("supplier") & internal_dst) | (internal_src & dst.isin(["supplier", "customer"]))
        | back | (internal_src & dst.isin(["production", "inventory"]))
        | out_mo | (src.eq("inventory") & internal_dst) | moving
    )  # fmt: skip
    for (a, b), group in moves[~handled].groupby([src[~handled], dst[~handled]]):
        report.drop(f"move from a {a or 'unknown'} to a {b or 'unknown'} location: not a stock "
                    "movement the contract knows", str(group["_file"].iloc[0]),
                    group.set_index("_row"), "location_id")  # fmt: skip
    rows = [r for r in rows if len(r)]
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    if len(out):
        for column in ("ref_type", "ref_id"):
            out[column] = out[column].astype(object).where(out[column].astype(bool), None)
    # A transfer's two legs come from one move: tell their ids apart.
    legs = out["txn_type"].isin(["transfer_out", "transfer_in"])
    out.loc[legs, "txn_id"] = out.loc[legs, "txn_id"] + np.where(
        out.loc[legs, "txn_type"] == "transfer_out", "/out", "/in"
    )
    return out
