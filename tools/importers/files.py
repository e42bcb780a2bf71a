"""Read an export file (CSV, XLSX or XLS) as text, with spreadsheet row numbers.

Every value stays text until a mapping says what it is: an ERP export's "0012" is a
material number, not twelve, and "1.234,5" is a German number, not a date. Frames are
indexed from 2 (the header is row 1), so a reject names the row a planner sees.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from stockwise.tools.importers.errors import ImportRefusedError

FIRST_DATA_ROW = 2
TEXT = pd.StringDtype("pyarrow")
_BLANK_LINE = re.compile(rb"\n[ \t;,|]*\r?\n")
# A block of a streamed CSV: large enough that Arrow's per-block cost vanishes, small
# enough that one block's text and its mapping's copies stay well under a gigabyte.
CHUNK_BYTES = 16 << 20
SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".xls")


def find_file(folder: Path, names: tuple[str, ...]) -> Path | None:
    """The first file in `folder` named like one of `names` (any supported suffix, any
    case): SAP extracts arrive as MSEG.csv, mseg.XLSX, ..."""
    wanted = {n.lower() for n in names}
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.is_file() and path.suffix.lower() in SUFFIXES and path.stem.lower() in wanted:
            return path
    return None


def read_text_table(path: Path, *, sheet: str | int | None = None, header_row: int = 1):
    """The file's rows as a frame of str ('' for a blank), indexed by spreadsheet row."""
    try:
        if path.suffix.lower() in (".csv", ".txt"):
            frame = _read_csv(path)
        else:
            frame = _read_excel(path, sheet, header_row)
    except ImportRefusedError:
        raise
    except Exception as exc:  # noqa: BLE001 - xlrd, openpyxl and zipfile each raise their own
        # kind for a damaged or mislabelled file; to the planner it is one thing: unreadable.
        raise ImportRefusedError(f"{path.name}: cannot be read ({exc})") from exc
    check_unique_columns(path.name, list(frame.columns))
    return frame


def iter_text_table(path: Path, *, chunk_bytes: int = CHUNK_BYTES):
    """The file's rows as frames of text indexed by spreadsheet row, a block of about
    `chunk_bytes` of the file at a time: a ten-million-line movement extract is mapped a
    block at a time instead of being held, with every step's copies, all at once.

    Only a plain CSV streams; a spreadsheet, or a CSV with blank lines (whose row numbers
    only the slow reader keeps right), comes whole as one frame."""
    encoding = _scan(path) if path.suffix.lower() in (".csv", ".txt") else None
    if encoding is None:
        yield read_text_table(path)
        return
    try:
        yield from _stream_csv_arrow(path, encoding, chunk_bytes)
    except pa.ArrowInvalid as exc:
        raise ImportRefusedError(f"{path.name}: {exc}") from exc


def _scan(path: Path) -> str | None:
    """The encoding of a CSV that can stream, or None for one that cannot: empty, or with
    blank lines. One pass over the file, a block at a time: blank lines are looked for with
    the block boundary overlapping, and the bytes are decoded as strict UTF-8 until they
    fail (SAP GUI exports are often Windows-1252; a real UTF-8 file is never mis-decoded)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    encoding, tail, size = "utf8", b"", 0
    with path.open("rb") as handle:
        while block := handle.read(16 << 20):
            size += len(block.strip())
            if _BLANK_LINE.search(tail + block):
                return None
            tail = block[-64:]
            if encoding == "utf8":
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    encoding = "cp1252"
    if encoding == "utf8":
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            encoding = "cp1252"
    return encoding if size > 0 else None


def _stream_csv_arrow(path: Path, encoding: str, chunk_bytes: int):
    with path.open("rb") as handle:
        first = handle.readline()
    delimiter = max((";", ",", "\t", "|"), key=first.decode("latin-1").count)
    header_text = first.decode("utf-8-sig" if encoding == "utf8" else encoding).rstrip("\r\n")
    header = [h.strip() for h in next(csv.reader([header_text], delimiter=delimiter))]
    check_unique_columns(path.name, header)
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(
            encoding=encoding, column_names=header, skip_rows=1, block_size=chunk_bytes
        ),
        parse_options=pacsv.ParseOptions(delimiter=delimiter),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False
        ),
    )
    start = FIRST_DATA_ROW
    for batch in reader:
        frame = batch.to_pandas(types_mapper=lambda t: TEXT if t == pa.string() else None)
        frame.index = pd.RangeIndex(start, start + len(frame))
        start += len(frame)
        yield frame
    if start == FIRST_DATA_ROW:  # a header and no rows: one empty block, not none
        yield pd.DataFrame({h: pd.Series([], dtype=TEXT) for h in header})


def load_export(
    folder: Path, names: tuple[str, ...], fields: tuple[str, ...], *, hint: str, required=True
) -> pd.DataFrame | None:
    """One export of an ERP model or doctype, found under any of `names`, as text with
    provenance; a missing required file or field refuses the import, the field named with
    `hint` (e.g. "Odoo field name")."""
    from stockwise.tools.importers.finish import with_provenance  # finish reads no files
    from stockwise.tools.importers.values import text_of

    path = find_file(folder, names)
    if path is None:
        if required:
            raise ImportRefusedError(f"no {names[0]} export in {folder} ('{names[0]}.csv')")
        return None
    frame = read_text_table(path)
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [f for f in fields if f not in frame.columns]
    if missing:
        raise ImportRefusedError(
            f"{path.name}: no column {missing[0]} ({hint}); the file has "
            f"{', '.join(frame.columns[:20])}"
        )
    return with_provenance(frame.apply(text_of), path.name)


def check_unique_columns(file: str, columns: list) -> None:
    seen: set[str] = set()
    for name in columns:
        key = str(name).strip().lower()
        if key in seen:
            raise ImportRefusedError(
                f"{file}: column {name!r} appears twice in the header; keep one and export again"
            )
        seen.add(key)


def _read_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    if not raw.strip():
        raise ImportRefusedError(f"{path.name}: the file is empty")
    first = raw.split(b"\n", 1)[0].decode("latin-1")
    # German exports separate with ';' because ',' is their decimal mark.
    delimiter = max((";", ",", "\t", "|"), key=first.count)
    if _BLANK_LINE.search(raw):
        # Arrow skips blank lines, which would shift every later row number a reject names.
        return _read_csv_rows(path, raw, delimiter)
    # SAP GUI exports are often Windows-1252; Odoo and ERPNext write UTF-8 (with a BOM
    # from Excel). Try the strict one first so a real UTF-8 file is never mis-decoded.
    for encoding in ("utf8", "cp1252"):
        try:
            return _read_csv_arrow(path, raw, delimiter, encoding)
        except pa.ArrowInvalid as exc:
            if "UTF8" in str(exc) and encoding == "utf8":
                continue
            raise ImportRefusedError(f"{path.name}: {exc}") from exc
    raise AssertionError("unreachable: cp1252 decodes any byte")


def _read_csv_arrow(path: Path, raw: bytes, delimiter: str, encoding: str) -> pd.DataFrame:
    """Every column as Arrow text: ten million rows in seconds, in one buffer per column."""
    header_text = raw.split(b"\n", 1)[0].decode("utf-8-sig" if encoding == "utf8" else encoding)
    header = [h.strip() for h in next(csv.reader([header_text.rstrip("\r")], delimiter=delimiter))]
    check_unique_columns(path.name, header)
    table = pacsv.read_csv(
        io.BytesIO(raw),
        read_options=pacsv.ReadOptions(encoding=encoding, column_names=header, skip_rows=1),
        parse_options=pacsv.ParseOptions(delimiter=delimiter),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False
        ),
    )
    frame = table.to_pandas(types_mapper=lambda t: TEXT if t == pa.string() else None)
    frame.index = pd.RangeIndex(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame))
    return frame


def _read_csv_rows(path: Path, raw: bytes, delimiter: str) -> pd.DataFrame:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = [h.strip() for h in rows[0]]
    width = len(header)
    body, numbers = [], []
    for number, row in enumerate(rows[1:], start=FIRST_DATA_ROW):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            raise ImportRefusedError(
                f"{path.name} row {number}: {len(row)} values for {width} columns "
                f"(is the separator {delimiter!r} also inside a value without quotes?)"
            )
        body.append((row + [""] * width)[:width])
        numbers.append(number)
    return pd.DataFrame(body, columns=header, index=numbers, dtype=object)


def _read_excel(path: Path, sheet: str | int | None, header_row: int) -> pd.DataFrame:
    engine = "xlrd" if path.suffix.lower() == ".xls" else "openpyxl"
    frame = pd.read_excel(
        path, sheet_name=0 if sheet is None else sheet, header=None, dtype=object, engine=engine
    )
    if len(frame) < header_row:
        raise ImportRefusedError(f"{path.name}: no header in row {header_row}")
    frame.index = frame.index + 1  # spreadsheet row numbers
    header = [_header_text(v) for v in frame.loc[header_row]]
    body = frame.loc[header_row + 1 :].map(_cell_text)
    body.columns = header
    return body[(body != "").any(axis=1)]


def _header_text(value) -> str:
    if isinstance(value, datetime) and value == datetime(value.year, value.month, value.day):
        return value.strftime("%Y-%m-%d")  # a period header such as Aug 2001
    return _cell_text(value).strip()


def _cell_text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores every number as a float: 7500.0 is item 7500
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
