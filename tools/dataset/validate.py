"""Check raw tables against the contract (`schema.TABLES`) and report every problem.

`validate_tables` judges what `read.py` or `sql.py` found: missing tables and columns,
types, blanks, choices, limits, the sign each `txn_type` demands, duplicate keys and
references to rows that are missing or rejected. It returns the typed tables with the
rejected rows marked, so a lenient load can keep the rest. Everything is vectorised.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stockwise.tools.dataset.columns import Check, check_column, show
from stockwise.tools.dataset.read import RawTable
from stockwise.tools.dataset.report import LISTED_PER_GROUP, TableSummary, ValidationReport
from stockwise.tools.dataset.schema import TABLE_ORDER, TABLES, TXN_SIGNS, Table


@dataclass
class Judged:
    """One table after validation: typed values, and which rows are rejected."""

    file: str
    frame: pd.DataFrame
    rejected: np.ndarray
    checks: list[Check] = field(default_factory=list)

    def kept(self) -> pd.DataFrame:
        if not self.rejected.any():
            return self.frame
        return self.frame[~self.rejected]


@dataclass
class Validation:
    report: ValidationReport
    tables: dict[str, Judged]

    def rejects(self, raw: dict[str, RawTable]) -> pd.DataFrame:
        """Every rejected row with its reasons and its values as found in the source."""
        rows = []
        for name, judged in self.tables.items():
            if not judged.rejected.any():
                continue
            reasons: dict[int, list[str]] = {}
            for check in judged.checks:
                for i in np.flatnonzero(check.mask):
                    reasons.setdefault(int(i), []).append(check.reason(int(i)))
            source = raw[name].frame
            assert source is not None  # a judged table was read, so it has a frame
            for i in np.flatnonzero(judged.rejected):
                record = {k: _plain(v) for k, v in source.iloc[i].items()}
                rows.append(
                    {
                        "table": name,
                        "file": judged.file,
                        "row": int(source.index[i]),
                        "reasons": "; ".join(reasons.get(int(i), [])),
                        "values": json.dumps(record, ensure_ascii=False),
                    }
                )
        return pd.DataFrame(rows, columns=["table", "file", "row", "reasons", "values"])


def _plain(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value.item() if isinstance(value, np.generic) else value


def validate_tables(
    raw: dict[str, RawTable],
    source: str,
    *,
    lenient: bool = False,
    names: tuple[str, ...] = TABLE_ORDER,
    missing_name=lambda name: f"{name}.csv",
) -> Validation:
    report = ValidationReport(source=source, lenient=lenient)
    judged: dict[str, Judged] = {}
    for name in names:
        table = TABLES[name]
        found = raw.get(name)
        if found is None:
            report.tables[name] = TableSummary(file=None)
            if table.required_table:
                reason = f"the required table {name} is missing"
                report.add(name, missing_name(name), None, "missing_table", 1, [(None, reason)])
                report.fatal = True
            continue
        report.tables[name] = TableSummary(file=found.file)
        result = _judge(table, found, report)
        if result is None:
            report.fatal = report.fatal or table.required_table
            continue
        _check_references(table, result, judged)
        _record(report, name, result)
        report.tables[name].rows = int((~result.rejected).sum())
        report.tables[name].rows_rejected = int(result.rejected.sum())
        judged[name] = result
    return Validation(report, judged)


def _judge(table: Table, found: RawTable, report: ValidationReport) -> Judged | None:
    """Per-row checks of one table; None when the table as a whole is unusable."""
    name, file = table.name, found.file
    for code, reason in found.problems:
        report.add(name, file, None, code, 1, [(None, reason)])
    if found.frame is None:
        return None
    frame = found.frame
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c.name for c in table.columns if c.required and c.name not in frame.columns]
    for col_name in missing:
        reason = f"the required column {col_name!r} is missing"
        report.add(name, file, col_name, "missing_column", 1, [(None, reason)])
    if missing:
        return None
    if table.required_table and frame.empty:
        report.add(name, file, None, "no_rows", 1, [(None, "the table has no rows")])
        return None
    report.tables[name].extra_columns = [c for c in frame.columns if c not in table.column_names]
    typed: dict[str, pd.Series] = {}
    checks: list[Check] = []
    for col in table.columns:
        if col.name in frame.columns:
            typed[col.name], found_checks = check_column(
                col, frame[col.name], clean_text=found.clean_text
            )
            checks.extend(found_checks)
    for extra in frame.columns:
        if extra not in typed:
            typed[extra] = frame[extra]
    typed_frame = pd.DataFrame(typed, index=frame.index)
    if name == "transactions":
        checks.extend(_sign_checks(typed_frame))
    checks.extend(_duplicate_checks(table, typed_frame))
    rejected = np.zeros(len(frame), bool)
    for check in checks:
        rejected |= check.mask
    return Judged(file, typed_frame, rejected, checks)


def _sign_checks(frame: pd.DataFrame) -> list[Check]:
    qty, kind = frame["qty"], frame["txn_type"]
    qtys, kinds = qty.to_numpy(), kind.to_numpy()
    checks = []
    for sign, direction, word in (
        (1, "puts stock in", "positive"),
        (-1, "takes stock out", "negative"),
    ):
        types = [t for t, s in TXN_SIGNS.items() if s == sign]
        wrong = (kind.isin(types) & ((qty * sign) < 0)).to_numpy()

        def reason(i: int, direction=direction, word=word) -> str:
            return f"qty is {show(qtys[i])} but {kinds[i]} {direction}, so qty must be {word}"

        checks.append(Check("qty", f"sign_{word}", wrong, reason))
    return [c for c in checks if c.mask.any()]


def _duplicate_checks(table: Table, frame: pd.DataFrame) -> list[Check]:
    if not table.key:
        return []
    keys = list(table.key)
    dup = (
        frame[keys[0]].duplicated(keep="first")
        if len(keys) == 1
        else frame.duplicated(subset=keys, keep="first")
    )
    dup = dup.to_numpy() & frame[keys].notna().any(axis=1).to_numpy()
    if not dup.any():
        return []
    columns = [frame[k].to_numpy() for k in keys]

    def reason(i: int) -> str:
        key = ", ".join(f"{k} {show(c[i])}" for k, c in zip(keys, columns, strict=True))
        return f"duplicate key ({key} is already on an earlier row)"

    return [Check(",".join(keys), "duplicate_key", dup, reason)]


def _check_references(table: Table, result: Judged, judged: dict[str, Judged]) -> None:
    for ref in table.references:
        if ref.column not in result.frame.columns:
            continue  # an optional column the source does not have
        values = result.frame[ref.column]
        target = judged.get(ref.table)
        if target is None:
            everything = kept = pd.Index([])
        else:
            column = target.frame[ref.target]
            everything = pd.Index(column.dropna().unique())
            kept = pd.Index(column[~target.rejected].dropna().unique())
        present = values.notna().to_numpy()
        dangling = present & ~values.isin(kept).to_numpy()
        if not dangling.any():
            continue
        shown = values.to_numpy()
        on_rejected = values.isin(everything).to_numpy()

        def reason(i: int, ref=ref, shown=shown, on_rejected=on_rejected) -> str:
            if on_rejected[i]:
                return f"{ref.column} {show(shown[i])} is on a rejected row of {ref.table}"
            return f"{ref.column} {show(shown[i])} is not in {ref.table}"

        result.checks.append(Check(ref.column, "dangling_reference", dangling, reason))
        result.rejected |= dangling


def _record(report: ValidationReport, name: str, result: Judged) -> None:
    index = result.frame.index
    for check in result.checks:
        positions = np.flatnonzero(check.mask)
        listed: list[tuple[int | None, str]] = [
            (int(index[i]), check.reason(int(i))) for i in positions[:LISTED_PER_GROUP]
        ]
        report.add(name, result.file, check.column, check.code, len(positions), listed)
