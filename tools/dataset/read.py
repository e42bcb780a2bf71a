"""Read a dataset folder's files into raw frames, before any judgement.

CSV goes through pyarrow's reader. A first attempt reads with the contract's types
(numbers, timestamps, dictionary-encoded ids), which is several times faster and lighter
than reading text and converting it in pandas; a file where that attempt fails (a value
that is not a number, a date with a zone offset, a non-UTF-8 byte, ...) is read again as
text so `validate.py` can say exactly which row is wrong.

Every frame is indexed from 2: the spreadsheet row of its first data row (see report.py).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from stockwise.tools.dataset.frames import CATEGORICAL_COLUMNS
from stockwise.tools.dataset.schema import TABLES

FIRST_DATA_ROW = 2
_ARROW_TYPES = {
    "id": pa.string(),
    "str": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "date": pa.timestamp("ns"),
    "timestamp": pa.timestamp("ns"),
}


@dataclass
class RawTable:
    """One table as found in the source; `frame` is None when it could not be read."""

    name: str
    file: str
    frame: pd.DataFrame | None
    # True when id and text columns are already trimmed, with blanks as None (CSV reads).
    clean_text: bool = False
    # Problems with the whole file: (code, reason).
    problems: list[tuple[str, str]] = field(default_factory=list)


def table_file(folder: Path, name: str) -> Path | None:
    for suffix in (".parquet", ".csv"):
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return path
    return None


def read_folder(folder: Path, names: tuple[str, ...], progress=None) -> dict[str, RawTable]:
    """Read each named table present in `folder`; absent tables are simply not returned."""
    raw: dict[str, RawTable] = {}
    for i, name in enumerate(names):
        path = table_file(folder, name)
        if progress is not None:
            progress(name, i, len(names))
        if path is None:
            continue
        raw[name] = read_file(name, path)
    return raw


def read_file(name: str, path: Path) -> RawTable:
    if path.stat().st_size == 0:
        return RawTable(name, path.name, None, problems=[("empty_file", "the file is empty")])
    if path.suffix == ".parquet":
        try:
            table = pq.read_table(path)
        except (pa.ArrowException, OSError) as exc:
            return RawTable(
                name, path.name, None, problems=[("unreadable", f"not a Parquet file: {exc}")]
            )
        frame, clean = clean_arrow_text(name, table)
        return RawTable(name, path.name, _indexed(frame), clean)
    return _read_csv(name, path)


def _read_csv(name: str, path: Path) -> RawTable:
    header = _header(path)
    if header is None:
        return _not_utf8(name, path) or RawTable(
            name, path.name, None, problems=[("empty_file", "the file has no header line")]
        )
    table = TABLES[name]
    typed = {c.name: _ARROW_TYPES[c.kind] for c in table.columns if c.name in header}
    try:
        return RawTable(name, path.name, _indexed(_arrow_csv(name, path, typed)), True)
    except pa.ArrowInvalid:
        pass  # a value that does not fit its type: read as text so validation can say where
    try:
        as_text = dict.fromkeys(header, pa.string())
        return RawTable(name, path.name, _indexed(_arrow_csv(name, path, as_text)), True)
    except pa.ArrowInvalid as exc:
        bad = _not_utf8(name, path)
        if bad is not None:
            return bad
        return RawTable(
            name, path.name, None, problems=[("unreadable", f"not a readable CSV file: {exc}")]
        )


def _arrow_csv(name: str, path: Path, column_types: dict[str, pa.DataType]) -> pd.DataFrame:
    convert = pacsv.ConvertOptions(
        column_types=column_types,
        # Only an empty cell is blank: "NA" is a real site id in North America.
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    table = pacsv.read_csv(path, convert_options=convert)
    frame, _ = clean_arrow_text(name, table)
    return frame


def clean_arrow_text(name: str, table: pa.Table) -> tuple[pd.DataFrame, bool]:
    """Trim ids and blank out whitespace-only text in Arrow, then convert to pandas.

    In Arrow this costs milliseconds per million values; in pandas, seconds (frames.py
    does the same for frames from elsewhere). The flag says whether every id and text
    column could be cleaned here: a Parquet id stored as float is left to frames.py.
    """
    categorical = CATEGORICAL_COLUMNS.get(name, ())
    clean = True
    for col in TABLES[name].columns:
        if col.kind not in ("id", "str") or col.name not in table.column_names:
            continue
        i = table.column_names.index(col.name)
        values = table.column(i)
        if pa.types.is_dictionary(values.type):
            values = values.cast(values.type.value_type)
        if pa.types.is_integer(values.type) or pa.types.is_large_string(values.type):
            values = values.cast(pa.string())
        if not pa.types.is_string(values.type):
            clean = False
            continue
        values = _clean_text(values, trim=col.kind == "id")
        if col.name in categorical:
            values = values.dictionary_encode()
        table = table.set_column(i, col.name, values)
    return arrow_to_pandas(name, table), clean


def arrow_to_pandas(name: str, table: pa.Table) -> pd.DataFrame:
    """Arrow to pandas, with text as Python str objects.

    Repeated values (item ids, ref ids) share one str object each, which saves memory;
    a unique key such as txn_id is converted without that deduplication, which for ten
    million distinct ids is ten times faster and saves nothing anyway.
    """
    key = TABLES[name].key
    unique = key[0] if len(key) == 1 and key[0] in table.column_names else None
    if unique is None:
        return table.to_pandas(split_blocks=True, self_destruct=True)
    position = table.column_names.index(unique)
    keys = table.column(position).to_pandas(deduplicate_objects=False)
    frame = table.remove_column(position).to_pandas(split_blocks=True, self_destruct=True)
    frame.insert(position, unique, keys)
    return frame


def _clean_text(values: pa.ChunkedArray, *, trim: bool) -> pa.ChunkedArray:
    """What frames._as_id (trim=True) and frames._as_str do, on Arrow strings."""
    trimmed = pc.utf8_trim_whitespace(values)
    blank = pc.equal(trimmed, "")
    return pc.if_else(blank, pa.scalar(None, pa.string()), trimmed if trim else values)


def _indexed(frame: pd.DataFrame) -> pd.DataFrame:
    frame.index = pd.RangeIndex(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame))
    return frame


def _header(path: Path) -> list[str] | None:
    with path.open("rb") as fh:
        first = fh.readline()
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    row = next(csv.reader([text]), [])
    names = [c.strip() for c in row]
    return names if any(names) else None


def _not_utf8(name: str, path: Path) -> RawTable | None:
    """The first byte that is not UTF-8, by offset and line; None when the file is UTF-8."""
    offset = 0  # file offset of buffer[0]
    line = 1
    carry = b""
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            buffer = carry + chunk
            try:
                buffer.decode("utf-8")
                good = len(buffer)
            except UnicodeDecodeError as exc:
                # A character cut by the chunk boundary is finished by the next chunk.
                if exc.reason == "unexpected end of data" and exc.start >= len(buffer) - 3:
                    good = exc.start
                else:
                    line += buffer[: exc.start].count(b"\n")
                    byte = buffer[exc.start : exc.start + 1].hex().upper()
                    reason = (
                        f"is not UTF-8 text: byte 0x{byte} at byte offset {offset + exc.start:,}"
                        f" (line {line}); save the file as UTF-8"
                    )
                    return RawTable(name, path.name, None, problems=[("not_utf8", reason)])
            line += buffer[:good].count(b"\n")
            offset += good
            carry = buffer[good:]
    return None
