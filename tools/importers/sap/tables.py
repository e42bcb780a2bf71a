"""Reading one SAP table extract: located by table name, columns by SAP field name.

SE16N, SQVI and SE11 downloads carry the technical field names as headers (MATNR, BWART,
...). Numbers are German or English depending on the user's settings (`1.234,5` or
`1,234.5`: decided per file), dates `31.03.2025` or `20250331`, and ids with the ALPHA
conversion's leading zeros or without, depending on how the extract was made: ids are
compared without them, as SAP's own screens show them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from stockwise.tools.importers.errors import ImportRefusedError
from stockwise.tools.importers.files import find_file, iter_text_table, read_text_table
from stockwise.tools.importers.finish import with_provenance
from stockwise.tools.importers.report import ImportReport
from stockwise.tools.importers.values import (
    decimal_mark,
    keep_parsed,
    text_of,
    to_date,
    to_number,
)


@dataclass
class SapTable:
    name: str
    file: str
    frame: pd.DataFrame  # text columns by field name, plus _file and _row
    decimal: str

    def text(self, field: str) -> pd.Series:
        if field not in self.frame.columns:
            return pd.Series("", index=self.frame.index, dtype=object)
        return text_of(self.frame[field])

    def ids(self, field: str) -> pd.Series:
        return sap_id(self.text(field))

    def numbers(self, field: str) -> pd.Series:
        return to_number(self.text(field), self.decimal)

    def has(self, field: str) -> bool:
        return field in self.frame.columns

    def keep_numbers(self, field: str, report: ImportReport, *, required: bool = True) -> None:
        """Drop the rows whose `field` is not a number (and, if required, blank)."""
        parsed = self.numbers(field)
        self.frame = keep_parsed(self.frame, field, parsed, what="a number", file=self.file,
                                 report=report, required=required)  # fmt: skip

    def keep_dates(self, field: str, report: ImportReport) -> None:
        parsed = to_date(self.text(field))
        self.frame = keep_parsed(
            self.frame, field, parsed, what="a date", file=self.file, report=report
        )


def sap_id(values: pd.Series) -> pd.Series:
    """Ids as SAP shows them: numeric ids without the ALPHA conversion's leading zeros."""
    text = text_of(values)
    numeric = text.str.fullmatch(r"0*\d+").astype(bool)
    return text.where(~numeric, text.str.lstrip("0").replace("", "0"))


def load_table(
    folder: Path,
    name: str,
    fields: tuple[str, ...],
    *,
    required: bool = True,
    numeric: tuple[str, ...] = (),
) -> SapTable | None:
    """The extract of table `name` (MSEG.csv, mseg.xlsx, ...), refused if a field in
    `fields` is missing; None when the table is optional and absent."""
    path = find_file(folder, (name,))
    if path is None:
        if required:
            raise ImportRefusedError(
                f"no {name} extract in {folder} (a file named {name}.csv or {name}.xlsx)"
            )
        return None
    frame = _checked(read_text_table(path), path, fields)
    present = [frame[f] for f in numeric if f in frame.columns]
    decimal = decimal_mark(*present) if present else "."
    return SapTable(name, path.name, with_provenance(frame, path.name), decimal)


def iter_table(
    folder: Path, name: str, fields: tuple[str, ...], *, numeric: tuple[str, ...] = ()
) -> Iterator[SapTable]:
    """The extract of table `name` a block of rows at a time (see `iter_text_table`),
    for the one table that runs to millions of rows: the material documents. The decimal
    mark is decided on the first block (a file never mixes the two)."""
    path = find_file(folder, (name,))
    if path is None:
        raise ImportRefusedError(
            f"no {name} extract in {folder} (a file named {name}.csv or {name}.xlsx)"
        )
    decimal = None
    for frame in iter_text_table(path):
        frame = _checked(frame, path, fields)
        if decimal is None:
            present = [frame[f] for f in numeric if f in frame.columns]
            decimal = decimal_mark(*present) if present else "."
        yield SapTable(name, path.name, with_provenance(frame, path.name), decimal)


def _checked(frame: pd.DataFrame, path: Path, fields: tuple[str, ...]) -> pd.DataFrame:
    frame.columns = [str(c).strip().upper() for c in frame.columns]
    missing = [f for f in fields if f not in frame.columns]
    if missing:
        raise ImportRefusedError(
            f"{path.name}: no column {missing[0]} (SAP field name); the file has "
            f"{', '.join(frame.columns[:25])}"
        )
    return frame
