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

from stockwise.tools.dataset.schema import REF_TYPES, TXN_SIGNS
from stockwise.tools.importers.report import ImportReport
from stockwise.tools.importers.sap.tables import SapTable, sap_id
from stockwise.tools.importers.values import TEXT, text_of, to_date, to_number

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


class PostingDates:
    """MKPF's posting date (BUDAT) per material document, looked up for MSEG's lines a
    block at a time. Documents are keyed by number and year as one integer when both are
    digits (SAP's material document numbers always are): five million headers then cost
    16 bytes each instead of a string each."""

    def __init__(self, mkpf: SapTable):
        head = mkpf.frame
        mblnr, mjahr = sap_id(head["MBLNR"]), text_of(head["MJAHR"])
        raw = text_of(head["BUDAT"])
        dates = to_date(raw)
        self.numeric = bool(_digits(mblnr, 12).all() and _digits(mjahr, 4).all())
        key = self._key(mblnr, mjahr)
        self.dates = pd.Series(dates.to_numpy(), index=key.to_numpy()).groupby(level=0).first()
        bad = dates.isna() & raw.ne("")
        # Headers whose BUDAT is not a date: few; kept as text so a reject can show it.
        self.unreadable = dict(zip(key[bad].tolist(), raw[bad].tolist(), strict=True))

    def _key(self, mblnr: pd.Series, mjahr: pd.Series) -> pd.Series:
        if not self.numeric:
            return (mblnr + "/" + mjahr).astype(object)
        ok = _digits(mblnr, 12) & _digits(mjahr, 4)
        number = pd.to_numeric(mblnr.where(ok, "0")).astype("int64")
        year = pd.to_numeric(mjahr.where(ok, "0")).astype("int64")
        return (number * 10_000 + year).where(ok, -1)  # -1: in no header

    def lookup(self, mblnr: pd.Series, mjahr: pd.Series) -> tuple[pd.Series, pd.Series]:
        """(posting date, BUDAT text for the lines whose header's date did not read)."""
        key = self._key(mblnr, mjahr)
        ts = pd.Series(self.dates.reindex(key.to_numpy()).to_numpy(), index=mblnr.index)
        raw = pd.Series("", index=mblnr.index, dtype=TEXT)
        if self.unreadable:
            hit = ts.isna() & key.isin(list(self.unreadable))
            raw[hit] = key[hit].map(self.unreadable)
        return ts.astype("datetime64[ns]"), raw


def _digits(values: pd.Series, width: int) -> pd.Series:
    return values.str.fullmatch(rf"\d{{1,{width}}}").fillna(False).astype(bool)


def movement_lines(mseg: SapTable, dates: PostingDates | None) -> pd.DataFrame:
    """The document lines with their posting date (`_ts`, and `_budat`: the text behind a
    date that did not read): MATDOC and newer MSEG extracts carry BUDAT themselves
    (BUDAT_MKPF), older ones need MKPF's header."""
    lines = mseg.frame
    if "RECORD_TYPE" in lines.columns:  # MATDOC also holds non-movement records
        lines = lines[text_of(lines["RECORD_TYPE"]).isin(["", "MDOC"])]
    mblnr, mjahr = sap_id(lines["MBLNR"]), text_of(lines["MJAHR"])
    own = next((c for c in ("BUDAT", "BUDAT_MKPF") if c in lines.columns), None)
    if own is not None:
        raw = text_of(lines[own])
        ts = to_date(raw)
    elif dates is not None:
        ts, raw = dates.lookup(mblnr, mjahr)
    else:
        ts = pd.Series(pd.NaT, index=lines.index, dtype="datetime64[ns]")
        raw = pd.Series("", index=lines.index, dtype=TEXT)
    return lines.assign(_doc=mblnr + "/" + mjahr, _ts=ts, _budat=raw)


# Fixed categories, so the blocks of one extract concatenate as categoricals.
_TXN_TYPE = pd.CategoricalDtype(sorted(TXN_SIGNS))
_REF_TYPE = pd.CategoricalDtype(sorted(REF_TYPES))
_BWART = pd.CategoricalDtype(sorted(MOVEMENT_TYPES))


def map_lines(
    mseg: SapTable, lines: pd.DataFrame, order_types: pd.Series, report: ImportReport
) -> pd.DataFrame:
    """`transactions` rows (with provenance) from one block of document lines, before
    reversals are netted (`net_movements`, once the whole extract is read): every column
    typed compactly, because ten million of these rows are held at once."""
    file = mseg.file
    bwart = text_of(lines["BWART"])
    known = bwart.isin(list(MOVEMENT_TYPES))
    for kind, group in lines[~known].groupby(bwart[~known]):
        report.drop(f"movement type {kind or '(blank)'} not mapped", file,
                    group.set_index("_row"), "BWART")  # fmt: skip
    if not known.all():  # filtering copies every column: only when something goes
        lines, bwart = lines[known], bwart[known]
    ts = lines["_ts"]
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
    base = bwart.astype(_BWART).map(lambda t: REVERSALS.get(t, t))
    txn_type = base.map(lambda t: MOVEMENT_TYPES[t][0]).astype(object)
    ref_type = base.map(lambda t: MOVEMENT_TYPES[t][1]).astype(object)
    base = base.astype(object)
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
    return pd.DataFrame({
        "txn_id": lines["_doc"] + "/" + sap_id(lines["ZEILE"]),
        "ts": ts, "item_id": sap_id(lines["MATNR"]), "site_id": sap_id(lines["WERKS"]),
        "qty": qty, "txn_type": txn_type.astype(_TXN_TYPE),
        "ref_type": ref_type.astype(_REF_TYPE), "ref_id": ref_id.astype(TEXT),
        "_bwart": bwart.astype(_BWART), "_shkzg": shkzg,
        "_file": pd.Categorical([file] * len(lines), categories=[file]),
        "_row": lines["_row"].astype("int64"), "_reverses": _reversed_line(lines),
    })  # fmt: skip


def net_movements(frame: pd.DataFrame, report: ImportReport, file: str) -> pd.DataFrame:
    """The extract's mapped lines with reversals netted and wrong signs dropped."""
    frame = _net_reversals(frame.reset_index(drop=True), report, file)
    return _check_signs(frame, report, file).drop(columns=["_bwart", "_shkzg", "_reverses"])


def map_movements(
    mseg: SapTable, lines: pd.DataFrame, order_types: pd.Series, report: ImportReport
) -> pd.DataFrame:
    """`transactions` rows (with provenance) from the document lines, in one go."""
    return net_movements(map_lines(mseg, lines, order_types, report), report, mseg.file)


def _reversed_line(lines: pd.DataFrame) -> pd.Series:
    if "SMBLN" not in lines.columns:
        return pd.Series("", index=lines.index)
    smbln = sap_id(lines["SMBLN"])
    year = text_of(lines["SJAHR"]) if "SJAHR" in lines.columns else lines["MJAHR"]
    item = sap_id(lines["SMBLP"]) if "SMBLP" in lines.columns else sap_id(lines["ZEILE"])
    ref = smbln + "/" + text_of(year) + "/" + item
    return ref.where((smbln != "") & (smbln != "0"), "")


def _net_reversals(frame: pd.DataFrame, report: ImportReport, file: str) -> pd.DataFrame:
    # Works on the few lines reversals name, then filters the extract once: the extract
    # itself (millions of lines) is never re-indexed or copied twice.
    is_rev = frame["_bwart"].isin(list(REVERSALS))
    if not is_rev.any():
        return frame
    revs = frame[is_rev]
    matched = revs["_reverses"].isin(frame.loc[~is_rev, "txn_id"])
    named = ~is_rev & frame["txn_id"].isin(revs.loc[matched, "_reverses"])
    originals = frame[named]
    taken = revs[matched].groupby("_reverses", observed=True)["qty"].sum().abs()
    by_id = pd.Series(originals.index, index=originals["txn_id"].astype(object))
    taken.index = taken.index.astype(object)
    remaining = originals["qty"].abs() - taken.reindex(by_id.index).fillna(0).to_numpy()
    cancelled = remaining.index[remaining <= 1e-12]
    report.drop("cancelled by its reversal (SMBLN)", file,
                frame.loc[cancelled].set_index("_row"), "txn_id")  # fmt: skip
    report.dropped["reversal netted against the line it reverses"] += int(matched.sum())
    partial = remaining[(remaining > 1e-12) & (remaining < originals["qty"].abs())]
    report.guess("partly reversed: quantity reduced by the reversal", len(partial))
    frame.loc[partial.index, "qty"] = partial * np.sign(frame.loc[partial.index, "qty"])
    orphans = revs.index[~matched]
    report.guess("reversal whose original is not in the export: adjustment", len(orphans))
    frame.loc[orphans, "txn_type"] = "adjustment"
    frame.loc[orphans, "ref_type"] = None
    keep = ~is_rev
    keep[orphans] = True
    keep[cancelled] = False
    return frame[keep]


def _check_signs(frame: pd.DataFrame, report: ImportReport, file: str) -> pd.DataFrame:
    wanted = frame["txn_type"].astype(object).map(TXN_SIGNS)
    wrong = (wanted != 0) & (np.sign(frame["qty"]) != wanted)
    rows = frame[wrong].set_index("_row")
    report.drop("SHKZG does not fit the movement type (S = into stock, H = out)", file,
                rows.assign(SHKZG=rows["_shkzg"]), "SHKZG")  # fmt: skip
    return frame[~wrong] if wrong.any() else frame
