"""A plant's own spreadsheet, read through a YAML mapping (`mapping.py`).

Wide sheets hold one row per material and one column per period (the refinery's stores
sheet: months newest first). Each period's consumption becomes one issue transaction
dated on the period's last day: the sheet says how much left the stores in the month, not
when, so the month's last day is the one date that puts it in the right month for every
question. A negative consumption is a net return to stores; the contract's demand counts
issues only, so it becomes a positive `adjustment` (not demand), and the report counts it.

Long sheets hold one row per movement (item, date, quantity).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stockwise.tools.importers.errors import ImportRefusedError
from stockwise.tools.importers.files import read_text_table
from stockwise.tools.importers.finish import with_provenance
from stockwise.tools.importers.mapping import SheetMapping, load_mapping
from stockwise.tools.importers.report import ImportReport
from stockwise.tools.importers.values import decimal_mark, keep_parsed, to_date, to_number

_NUMERIC = ("unit_cost", "lead_time_days", "on_hand_qty", "reorder_point", "reorder_qty",
            "max_stock", "safety_stock")  # fmt: skip
_PERIOD_END = {"month": pd.offsets.MonthEnd(0), "week": pd.offsets.Week(weekday=6), "day": None}


def read_sheet(source: Path, report: ImportReport, *, mapping: Path | None = None, **_) -> dict:
    if mapping is None:
        raise ImportRefusedError(
            "--from sheet needs --mapping FILE: a YAML file naming which column is what "
            "(see examples/refinery-mapping.yaml)"
        )
    spec = load_mapping(mapping)
    frame = read_text_table(Path(source), sheet=spec.sheet, header_row=spec.header_row)
    file = Path(source).name
    missing = [c for c in spec.columns.values() if c not in frame.columns]
    missing += [c for c in (spec.criticality or {}).values() if c not in frame.columns]
    if missing:
        raise ImportRefusedError(
            f"{file}: no column {missing[0]!r} (mapping {Path(mapping).name}); the sheet has "
            f"{', '.join(map(repr, list(frame.columns)[:20]))}"
        )
    frame = with_provenance(frame, file)
    report.source_columns.update({target: source for target, source in spec.columns.items()})
    if spec.currency:
        report.currency = spec.currency
    if spec.layout == "long":
        return _long(frame, spec, file, report)
    return _wide(frame, spec, file, report)


def _wide(frame: pd.DataFrame, spec: SheetMapping, file: str, report: ImportReport) -> dict:
    cols = spec.columns
    frame = frame.assign(_item=frame[cols["item_id"]].str.strip())
    frame = keep_parsed(frame, cols["item_id"], frame["_item"].where(frame["_item"] != ""),
                        what="an item id", file=file, report=report)  # fmt: skip
    periods = _period_columns(frame, spec)
    decimal = decimal_mark(*(frame[cols[t]] for t in _NUMERIC if t in cols),
                           *(frame[c] for c in list(periods)[:12]))  # fmt: skip
    numbers: dict[str, pd.Series] = {}
    for target in _NUMERIC:
        if target in cols:
            parsed = to_number(frame[cols[target]], decimal)
            frame = keep_parsed(frame, cols[target], parsed, what="a number", file=file,
                                report=report, required=False)  # fmt: skip
            numbers[target] = parsed
    numbers = {t: v.loc[frame.index] for t, v in numbers.items()}
    items = _items(frame, spec, numbers, report)
    stock = _stock(frame, spec, numbers, periods, report)
    txns = _consumption(frame, spec, periods, decimal, file, report)
    sites = pd.DataFrame({"site_id": [spec.site], "name": [spec.site]})
    return {"sites": sites, "items": items, "stock_levels": stock, "transactions": txns}


def _period_columns(frame: pd.DataFrame, spec: SheetMapping) -> dict[str, pd.Timestamp]:
    """Unmapped columns whose header is a date: period start -> its column."""
    mapped = set(spec.columns.values()) | set((spec.criticality or {}).values())
    candidates = [c for c in frame.columns if c not in mapped and not str(c).startswith("_")]
    starts = to_date(pd.Series(candidates, index=candidates, dtype=object))
    found = {c: ts for c, ts in starts.items() if pd.notna(ts)}
    if not found:
        raise ImportRefusedError(
            "no period columns: a wide sheet needs columns headed by a date (2001-08-01, "
            "01.08.2001, 2001-08) holding each period's consumption"
        )
    return found


def _items(frame, spec: SheetMapping, numbers, report: ImportReport) -> pd.DataFrame:
    cols, n = spec.columns, len(frame)
    items = pd.DataFrame(
        {"item_id": frame["_item"], "_file": frame["_file"], "_row": frame["_row"]}
    )
    for target in ("description", "uom", "recorded_category", "mro_subtype", "supplier_id"):
        if target in cols:
            items[target] = frame[cols[target]].str.strip().replace("", None)
        elif target in spec.defaults:
            items[target] = spec.defaults[target]
            report.guess(
                f"{target} not in the sheet: {spec.defaults[target]!r} from the mapping", n
            )
    if items.get("description") is None or items["description"].isna().any():
        blank = (
            items["description"].isna() if "description" in items else pd.Series(True, items.index)
        )
        items["description"] = items.get("description", pd.Series(None, items.index, dtype=object))
        items.loc[blank, "description"] = "Material " + items.loc[blank, "item_id"]
        report.guess("description blank: 'Material <number>' used", int(blank.sum()))
    if "uom" not in items or items["uom"].isna().any():
        blank = items["uom"].isna() if "uom" in items else pd.Series(True, items.index)
        items["uom"] = items.get("uom", pd.Series(None, items.index, dtype=object))
        items.loc[blank, "uom"] = "EA"
        report.guess("unit of measure blank: EA (each) used", int(blank.sum()))
    cost = numbers.get("unit_cost", pd.Series(np.nan, index=frame.index))
    if cost.isna().any():
        report.guess("price blank: unit cost 0 used", int(cost.isna().sum()))
    items["unit_cost"] = cost.fillna(0.0)
    if "lead_time_days" in numbers:
        items["lead_time_days"] = numbers["lead_time_days"]
    if "criticality" in cols:
        items["criticality"] = frame[cols["criticality"]].str.strip().str.upper().replace("", None)
    elif spec.criticality:
        items["criticality"] = _criticality_from_counts(
            frame, {str(g): c for g, c in spec.criticality.items()}, report
        )
    return items


def _criticality_from_counts(frame, columns: dict[str, str], report) -> pd.Series:
    """The most critical class with a count > 0: a spare installed in one high-critical
    machine stops a line when it is missing, whatever else it is fitted to."""
    out = pd.Series(None, index=frame.index, dtype=object)
    for grade in ("C", "B", "A"):  # A last: it wins
        if grade in columns:
            count = to_number(frame[columns[grade]]).fillna(0)
            out[count > 0] = grade
    listed = ", ".join(f"{g} = {c} > 0" for g, c in sorted(columns.items()))
    report.guess(f"criticality from installed counts ({listed})", int(out.notna().sum()))
    return out


def _stock(frame, spec: SheetMapping, numbers, periods, report: ImportReport) -> pd.DataFrame:
    if "on_hand_qty" not in numbers:
        return pd.DataFrame(columns=["item_id", "site_id", "on_hand_qty", "as_of"])
    end = _period_end(max(periods.values()), spec)
    as_of = pd.Timestamp(spec.as_of) if spec.as_of else end
    if not spec.as_of:
        report.note(f"stock on hand taken as of {as_of:%Y-%m-%d}, the last period's end")
    on_hand = numbers["on_hand_qty"]
    if on_hand.isna().any():
        report.guess("stock blank: 0 on hand used", int(on_hand.isna().sum()))
    negative = on_hand < 0
    report.guess(
        "negative stock: 0 on hand used (the contract counts what is there)", int(negative.sum())
    )
    stock = pd.DataFrame({
        "item_id": frame["_item"], "site_id": spec.site,
        "on_hand_qty": on_hand.fillna(0).clip(lower=0), "as_of": as_of,
        "_file": frame["_file"], "_row": frame["_row"],
    })  # fmt: skip
    for target in ("reorder_point", "reorder_qty", "safety_stock"):
        if target in numbers:
            stock[target] = numbers[target]
    if "max_stock" in numbers and "reorder_qty" not in numbers and "reorder_point" in numbers:
        stock["reorder_qty"] = (numbers["max_stock"] - numbers["reorder_point"]).clip(lower=0)
        report.note("order quantity = Max - Min (a Min/Max policy orders up to Max)")
    return stock


def _period_end(start: pd.Timestamp, spec: SheetMapping) -> pd.Timestamp:
    offset = _PERIOD_END[spec.periods.unit]
    return start if offset is None else start + offset


def _consumption(frame, spec: SheetMapping, periods, decimal, file, report) -> pd.DataFrame:
    p = spec.periods
    first = to_date(pd.Series([p.first or ""])).iloc[0]
    last = to_date(pd.Series([p.last or ""])).iloc[0]
    kept = {}
    for column, start in periods.items():
        outside = (pd.notna(first) and start < first) or (pd.notna(last) and start > last)
        if outside:
            filled = int((frame[column].str.strip() != "").sum())
            report.dropped["consumption cell in a period outside periods.first/last"] += filled
            report.note(f"period {start:%Y-%m} left out (the mapping's periods.first/last)")
        else:
            kept[column] = start
    long = frame[["_item", "_file", "_row", *kept]].melt(
        id_vars=["_item", "_file", "_row"], var_name="_column", value_name="_raw"
    )
    long["_start"] = long["_column"].map(kept)
    value = to_number(long["_raw"], decimal)
    bad = long["_raw"].str.strip().ne("") & value.isna()
    for f, group in long[bad].groupby("_file"):
        report.drop("consumption is not a number", str(f), group.set_index("_row"), "_raw")
    long = long[~bad].assign(_value=value[~bad])
    if p.blank == 0:
        report.note("a blank consumption cell means no consumption (0)")
    long = long[long["_value"].fillna(0) != 0]
    qty = long["_value"] if p.values == "net_change" else -long["_value"]
    ends = long["_start"].map(lambda s: _period_end(s, spec))
    returns = qty > 0
    txn_type = np.where(returns, "adjustment", spec.issue_as)
    report.note(
        f"each {p.unit}'s consumption is one {spec.issue_as} transaction on the {p.unit}'s last day"
    )
    report.guess("negative consumption (a net return to stores): adjustment (+), not demand",
                 int(returns.sum()))  # fmt: skip
    return pd.DataFrame({
        "txn_id": long["_item"] + ":" + long["_start"].dt.strftime("%Y-%m-%d"),
        "ts": ends.to_numpy(), "item_id": long["_item"].to_numpy(), "site_id": spec.site,
        "qty": qty.to_numpy(), "txn_type": txn_type,
        "_file": long["_file"].to_numpy(), "_row": long["_row"].to_numpy(),
    })  # fmt: skip


def _long(frame: pd.DataFrame, spec: SheetMapping, file: str, report: ImportReport) -> dict:
    cols = spec.columns
    for needed in ("date", "qty"):
        if needed not in cols:
            raise ImportRefusedError(f"a long sheet maps {needed}: the column holding it")
    frame = frame.assign(_item=frame[cols["item_id"]].str.strip())
    ts = to_date(frame[cols["date"]])
    frame = keep_parsed(frame, cols["date"], ts, what="a date", file=file, report=report)
    decimal = decimal_mark(frame[cols["qty"]])
    qty = to_number(frame[cols["qty"]], decimal)
    frame = keep_parsed(frame, cols["qty"], qty, what="a number", file=file, report=report)
    qty, ts = qty.loc[frame.index], ts.loc[frame.index]
    if "txn_type" in cols:
        txn_type = frame[cols["txn_type"]].str.strip()
    else:
        txn_type = pd.Series(np.where(qty > 0, spec.issue_as, "adjustment"), index=frame.index)
        qty = -qty  # a consumption sheet: what left the stores is positive
    site = frame[cols["site_id"]].str.strip() if "site_id" in cols else spec.site
    txn_id = (
        frame[cols["txn_id"]].str.strip()
        if "txn_id" in cols
        else (frame["_item"] + ":" + frame["_row"].astype(str))
    )
    txns = pd.DataFrame({
        "txn_id": txn_id, "ts": ts, "item_id": frame["_item"], "site_id": site, "qty": qty,
        "txn_type": txn_type, "_file": frame["_file"], "_row": frame["_row"],
    })  # fmt: skip
    first = frame.drop_duplicates("_item")
    numbers = {t: to_number(first[cols[t]], decimal) for t in _NUMERIC if t in cols}
    items = _items(first, spec, numbers, report)
    sites = pd.DataFrame(
        {"site_id": sorted(set(txns["site_id"])), "name": sorted(set(txns["site_id"]))}
    )
    return {"sites": sites, "items": items, "transactions": txns}
