"""SAP material documents (MSEG + MKPF, or S/4HANA's MATDOC) onto `transactions`.

A line's sign is SHKZG's (S = debit = into stock, H = credit = out of stock) on MENGE,
which SAP keeps positive in the base unit. The movement type (BWART) says what kind of
movement it is; 261 (goods issue to an order) is an issue to production or to maintenance
by the order's category (AUFK-AUTYP 10 production, 30 maintenance).

A reversal (102, 262, ...) names the line it reverses in SMBLN/SJAHR/SMBLP: it is netted
against that line (a full reversal removes both), because the contract's demand counts
issues only and a reversal posted as a second movement would either break the sign rule
or double-count. A reversal whose original is not in the export is an adjustment.
Movement types not in the table below are dropped, counted and listed by type.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.tools.dataset.schema import TXN_SIGNS
from stockwise.tools.importers.report import ImportReport
from stockwise.tools.importers.sap.tables import SapTable, sap_id
from stockwise.tools.importers.values import text_of, to_date, to_number

# BWART -> (txn_type, ref_type). "order" issues are resolved by the order's category;
# "transfer" legs by their sign. SAP's standard movement types (customising table T156).
MOVEMENT_TYPES: dict[str, tuple[str, str | None]] = {
    "101": ("receipt", "purchase_order"),  # goods receipt (PO, or order: see below)
    "122": ("return_to_vendor", "purchase_order"),
    "161": ("return_to_vendor", "purchase_order"),
    "201": ("issue_other", None),  # to a cost centre
    "221": ("issue_other", None),  # to a project
    "231": ("issue_sales", "sales_order"),
    "251": ("issue_sales", None),
    "261": ("order", None),  # to a production or maintenance order
    "301": ("transfer", "transfer"),  # plant to plant
    "303": ("transfer", "transfer"),
    "305": ("transfer", "transfer"),
    "311": ("transfer", "transfer"),  # storage location to storage location
    "313": ("transfer", "transfer"),
    "315": ("transfer", "transfer"),
    "501": ("receipt", None),  # receipt without purchase order
    "521": ("production_output", None),  # receipt without order
    "531": ("production_output", "production_order"),  # by-product
    "551": ("scrap", None),
    "561": ("adjustment", "opening"),  # initial entry of stock balances
    "601": ("issue_sales", "sales_order"),  # goods issue for a delivery
    "641": ("transfer", "transfer"),  # stock transport order
    "701": ("adjustment", "cycle_count"),  # physical inventory differences
    "702": ("adjustment", "cycle_count"),
    "711": ("adjustment", "cycle_count"),
    "712": ("adjustment", "cycle_count"),
}
# reversal -> the movement type it reverses
REVERSALS = {str(int(t) + 1): t for t in
             ("101", "201", "221", "231", "251", "261", "501", "521", "531", "551", "561",
              "601", "641")}  # fmt: skip
for _rev, _base in REVERSALS.items():
    MOVEMENT_TYPES.setdefault(_rev, MOVEMENT_TYPES[_base])
for _t in ("302", "304", "306", "312", "314", "316"):  # transfer reversals are transfers
    MOVEMENT_TYPES[_t] = ("transfer", "transfer")
PRODUCTION, MAINTENANCE = "10", "30"  # AUFK-AUTYP


def movement_lines(mseg: SapTable, mkpf: SapTable | None) -> pd.DataFrame:
    """The document lines with their posting date: MATDOC and newer MSEG extracts carry
    BUDAT themselves (BUDAT_MKPF), older ones need MKPF's header."""
    lines = mseg.frame
    if "RECORD_TYPE" in lines.columns:  # MATDOC also holds non-movement records
        lines = lines[text_of(lines["RECORD_TYPE"]).isin(["", "MDOC"])]
    key = sap_id(lines["MBLNR"]) + "/" + text_of(lines["MJAHR"])
    if "BUDAT" in lines.columns:
        budat = lines["BUDAT"]
    elif "BUDAT_MKPF" in lines.columns:
        budat = lines["BUDAT_MKPF"]
    elif mkpf is not None:
        head = mkpf.frame
        head_key = sap_id(head["MBLNR"]) + "/" + text_of(head["MJAHR"])
        budat = key.map(
            pd.Series(head["BUDAT"].to_numpy(), index=head_key.to_numpy()).groupby(level=0).first()
        )
    else:
        budat = pd.Series("", index=lines.index)
    return lines.assign(_doc=key, _budat=budat.fillna(""))


def map_movements(
    mseg: SapTable, lines: pd.DataFrame, order_types: pd.Series, report: ImportReport
) -> pd.DataFrame:
    """`transactions` rows (with provenance) from the document lines."""
    file = mseg.file
    bwart = text_of(lines["BWART"])
    known = bwart.isin(list(MOVEMENT_TYPES))
    for kind, group in lines[~known].groupby(bwart[~known]):
        report.drop(f"movement type {kind or '(blank)'} not mapped", file,
                    group.set_index("_row"), "BWART")  # fmt: skip
    if not known.all():  # filtering copies every column: only when something goes
        lines, bwart = lines[known], bwart[known]
    ts = to_date(lines["_budat"])
    bad = ts.isna()
    missing = lines[bad].set_index("_row")
    report.drop("posting date BUDAT missing or not a date", file,
                missing.assign(BUDAT=missing["_budat"]), "BUDAT")  # fmt: skip
    if bad.any():
        lines, bwart, ts = lines[~bad], bwart[~bad], ts[~bad]
    menge = to_number(lines["MENGE"], mseg.decimal)
    bad = menge.isna()
    report.drop("MENGE is not a number", file, lines[bad].set_index("_row"), "MENGE")
    if bad.any():
        lines, bwart, ts, menge = lines[~bad], bwart[~bad], ts[~bad], menge[~bad]
    shkzg = text_of(lines["SHKZG"]).str.upper()
    sign = np.where(shkzg == "H", -1.0, 1.0)
    qty = menge.abs() * sign
    aufnr = sap_id(lines["AUFNR"]) if "AUFNR" in lines.columns else pd.Series("", index=lines.index)
    base = bwart.map(lambda t: REVERSALS.get(t, t))
    txn_type = base.map(lambda t: MOVEMENT_TYPES[t][0])
    ref_type = base.map(lambda t: MOVEMENT_TYPES[t][1])
    ref_id = pd.Series(None, index=lines.index, dtype=object)
    # Orders: 261 issues and 101 receipts against an order, by its category.
    category = aufnr.map(order_types).fillna("")
    to_order = (base == "261") | ((base == "101") & (aufnr != ""))
    unknown_order = to_order & (category == "")
    report.guess("order not in AUFK: treated as a production order", int(unknown_order.sum()))
    maint = to_order & (category == MAINTENANCE)
    txn_type = txn_type.mask((base == "261") & ~maint, "issue_production")
    txn_type = txn_type.mask((base == "261") & maint, "issue_maintenance")
    txn_type = txn_type.mask((base == "101") & (aufnr != "") & ~maint, "production_output")
    ref_type = ref_type.mask(to_order, np.where(maint, "work_order", "production_order"))
    ref_id = ref_id.mask(to_order, aufnr)
    if "EBELN" in lines.columns:
        po = (ref_type == "purchase_order") & ~to_order
        ref_id = ref_id.mask(po, sap_id(lines["EBELN"]).replace("", None))
    txn_type = txn_type.mask(
        txn_type == "transfer", np.where(qty > 0, "transfer_in", "transfer_out")
    )
    frame = pd.DataFrame({
        "txn_id": lines["_doc"] + "/" + sap_id(lines["ZEILE"]),
        "ts": ts, "item_id": sap_id(lines["MATNR"]), "site_id": sap_id(lines["WERKS"]),
        "qty": qty, "txn_type": txn_type, "ref_type": ref_type, "ref_id": ref_id,
        "_bwart": bwart, "_shkzg": shkzg, "_file": lines["_file"], "_row": lines["_row"],
        "_reverses": _reversed_line(lines),
    })  # fmt: skip
    frame = _net_reversals(frame, report, file)
    return _check_signs(frame, report, file).drop(columns=["_bwart", "_shkzg", "_reverses"])


def _reversed_line(lines: pd.DataFrame) -> pd.Series:
    if "SMBLN" not in lines.columns:
        return pd.Series("", index=lines.index)
    smbln = sap_id(lines["SMBLN"])
    year = text_of(lines["SJAHR"]) if "SJAHR" in lines.columns else lines["MJAHR"]
    item = sap_id(lines["SMBLP"]) if "SMBLP" in lines.columns else sap_id(lines["ZEILE"])
    ref = smbln + "/" + text_of(year) + "/" + item
    return ref.where((smbln != "") & (smbln != "0"), "")


def _net_reversals(frame: pd.DataFrame, report: ImportReport, file: str) -> pd.DataFrame:
    is_rev = frame["_bwart"].isin(list(REVERSALS))
    if not is_rev.any():
        return frame
    originals = frame[~is_rev].set_index("txn_id")
    revs = frame[is_rev]
    matched = revs["_reverses"].isin(originals.index)
    taken = revs[matched].groupby("_reverses")["qty"].sum().abs()
    remaining = originals["qty"].abs() - taken.reindex(originals.index).fillna(0)
    cancelled = remaining.index[remaining <= 1e-12]
    report.drop("cancelled by its reversal (SMBLN)", file,
                originals.loc[cancelled].reset_index().set_index("_row"), "txn_id")  # fmt: skip
    report.dropped["reversal netted against the line it reverses"] += int(matched.sum())
    partial = remaining[(remaining > 1e-12) & (remaining < originals["qty"].abs())]
    report.guess("partly reversed: quantity reduced by the reversal", len(partial))
    originals.loc[partial.index, "qty"] = partial * np.sign(originals.loc[partial.index, "qty"])
    originals = originals.drop(index=cancelled).reset_index()
    orphans = revs[~matched].copy()
    report.guess("reversal whose original is not in the export: adjustment", len(orphans))
    orphans["txn_type"], orphans["ref_type"] = "adjustment", None
    return pd.concat([originals, orphans], ignore_index=True)


def _check_signs(frame: pd.DataFrame, report: ImportReport, file: str) -> pd.DataFrame:
    wanted = frame["txn_type"].map(TXN_SIGNS)
    wrong = (wanted != 0) & (np.sign(frame["qty"]) != wanted)
    rows = frame[wrong].set_index("_row")
    report.drop("SHKZG does not fit the movement type (S = into stock, H = out)", file,
                rows.assign(SHKZG=rows["_shkzg"]), "SHKZG")  # fmt: skip
    return frame[~wrong] if wrong.any() else frame
