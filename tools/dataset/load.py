"""Load a dataset (a folder of CSV/Parquet files or a SQL URL) into a validated `Dataset`.

Strict by default: any problem refuses the whole dataset with a `DatasetError` carrying
the `ValidationReport`, and nothing is loaded. Lenient: rows with problems, and rows that
refer to them, are left out and written with their reasons to a rejects CSV.
Evaluation-only tables (labels, planted anomalies) never enter `Dataset.tables`; the
evaluations read them with `load_evaluation_table`.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache, partial
from pathlib import Path

import pandas as pd

from stockwise.tools.core.errors import DatasetError
from stockwise.tools.core.safe_text import csv_cell
from stockwise.tools.dataset.frames import coerce_table, dataset_from_frames
from stockwise.tools.dataset.model import Dataset, LazyTables
from stockwise.tools.dataset.read import read_folder, table_file
from stockwise.tools.dataset.report import ValidationReport
from stockwise.tools.dataset.schema import PRODUCT_TABLES, TABLES
from stockwise.tools.dataset.source import is_url
from stockwise.tools.dataset.validate import validate_tables


def load_dataset(
    source: str | Path,
    *,
    lenient: bool = False,
    rejects_path: Path | None = None,
    progress=None,
    keep_ledger: bool = True,
) -> Dataset:
    """Read, validate and type every product table of `source`.

    `progress(table_name, index, total)` is called before each table is read. From a
    PostgreSQL database whose transactions pass validation in place, the transactions stay
    there (`Dataset.ledger`) unless `keep_ledger` is false.
    """
    names, ledger = PRODUCT_TABLES, None
    if keep_ledger and is_url(source):
        from stockwise.tools.dataset.sql_ledger import check_ledger

        check = check_ledger(str(source), READ_ON_FIRST_USE)
        if check.usable:
            names = tuple(n for n in PRODUCT_TABLES if n not in check.rows)
            ledger = check
    raw, label, missing_name = _read(source, names, progress)
    validation = validate_tables(
        raw, label, lenient=lenient, names=names, missing_name=missing_name
    )
    report = validation.report
    if not report.ok:
        raise DatasetError(refusal_message(report), report)
    if report.rows_rejected:
        if rejects_path is None:
            raise ValueError("a lenient load that rejects rows needs a rejects_path")
        write_csv_atomically(validation.rejects(raw), rejects_path)
        report.rejects_path = str(rejects_path)
    frames = {name: judged.kept() for name, judged in validation.tables.items()}
    meta = _meta(source)
    dataset = dataset_from_frames(
        frames,
        source=label,
        clean_text=True,  # validation trimmed ids and text already
        name=str(meta.get("name") or _default_name(source)),
        currency=str(meta.get("currency") or "USD"),
        documents_dir=_documents_dir(source),
        fingerprint=fingerprint(source, raw, ledger.summary if ledger else ""),
        # Plain values beside the report, so the Parquet cache keeps them for later opens.
        meta={
            **meta,
            "validation": report,
            "rows_rejected": report.rows_rejected,
            "rejects_path": report.rejects_path,
        },
    )
    if ledger is not None:
        dataset.ledger = str(source)
        whole = cache(
            partial(
                load_dataset, source, lenient=lenient, rejects_path=rejects_path, keep_ledger=False
            )
        )
        tables = {k: v for k, v in dataset.tables.items() if k not in ledger.rows}
        loaders = {name: partial(lambda n: whole().tables[n], name) for name in ledger.rows}
        dataset.tables = LazyTables(tables, loaders, dict(ledger.rows))
    return dataset


# With the ledger in PostgreSQL: the tables the stock tools never read whole (the movements,
# the orders and their progress, which they query in place, and the other long histories),
# read whole, with every table validated, by the first tool that asks for one. Absent
# tables, and order tables that fail the check in place, are read at open as before.
READ_ON_FIRST_USE = (
    "transactions",
    "production_orders",
    "order_progress",
    "equipment_usage",
    "work_orders",
    "boms",
)


def load_evaluation_table(source: str | Path, name: str) -> pd.DataFrame:
    """An evaluation-only table (`labels`, `planted_anomalies`); empty when absent.

    Strict: a problem in the table raises a DatasetError with its report.
    """
    if name not in TABLES or not TABLES[name].evaluation_only:
        raise KeyError(f"{name!r} is not an evaluation-only table")
    raw, label, missing_name = _read(source, (name,), None)
    if name not in raw:
        return coerce_table(name, pd.DataFrame())
    validation = validate_tables(raw, label, names=(name,), missing_name=missing_name)
    if not validation.report.ok:
        raise DatasetError(refusal_message(validation.report), validation.report)
    return coerce_table(name, validation.tables[name].kept())


DATA_CONTRACT = "docs/data-contract.md"


def refusal_message(report: ValidationReport) -> str:
    """One line: what is wrong, the first place it is wrong, and what to do about it."""
    shown = report.render_lines()
    first = shown[0].strip() if shown else ""
    more = f" (and {len(shown) - 1:,} more)" if len(shown) > 1 else ""
    return (
        f"{report.summary()}: {first}{more}. Run `stockwise check {report.source}` for every "
        "problem, or set STOCKWISE_LENIENT=1 to load the valid rows and set the rest aside; "
        f"the tables and columns are in {DATA_CONTRACT}"
    )


def _read(source: str | Path, names: tuple[str, ...], progress):
    if is_url(source):
        from stockwise.tools.dataset import sql  # SQLAlchemy only when a database is read

        url = str(source)
        raw = sql.read_tables(url, names, progress)
        return raw, sql.describe(url), lambda name: f"table {name}"
    folder = Path(source)
    if not folder.is_dir():
        raise DatasetError(
            f"no dataset folder at {folder}: give a folder of CSV/Parquet files or a SQL URL"
        )
    return read_folder(folder, names, progress), str(folder), lambda name: f"{name}.csv"


def _meta(source: str | Path) -> dict:
    if is_url(source):
        return {}
    path = Path(source) / "meta.json"
    if not path.is_file():
        return {}
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DatasetError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(meta, dict):
        raise DatasetError(f"{path} must hold a JSON object (name, currency)")
    return meta


def _default_name(source: str | Path) -> str:
    return "database" if is_url(source) else Path(source).resolve().name


def _documents_dir(source: str | Path) -> Path | None:
    if is_url(source):
        return None
    docs = Path(source) / "documents"
    return docs if docs.is_dir() else None


def rejects_path_for(data_dir: Path, source: str | Path) -> Path:
    """Where a lenient load sets a dataset's rejected rows aside: Stockwise's own data
    folder (never the dataset's, which may be read-only or shared), one file per source."""
    name = "database" if is_url(source) else Path(source).resolve().name
    digest = hashlib.blake2b(str(source).encode(), digest_size=4).hexdigest()
    return Path(data_dir) / "rejects" / f"{name}-{digest}-rejects.csv"


def write_csv_atomically(frame: pd.DataFrame, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            frame.map(csv_cell).to_csv(fh, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fingerprint(source: str | Path, raw: dict, ledger: str = "") -> str:
    """A hash of the input: file bytes for a folder, table contents for a database (with
    `ledger`, a summary of transactions left in the database)."""
    digest = hashlib.blake2b(digest_size=16)
    if is_url(source):
        digest.update(ledger.encode())
        for name in sorted(raw):
            digest.update(name.encode())
            hashed = pd.util.hash_pandas_object(raw[name].frame, index=False)
            digest.update(hashed.to_numpy().tobytes())
        return digest.hexdigest()
    folder = Path(source)
    for path in input_files(folder):
        digest.update(path.name.encode())
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 22):
                digest.update(chunk)
    return digest.hexdigest()


def input_files(folder: Path) -> list[Path]:
    """The files a folder dataset is read from (not documents/)."""
    files = [table_file(folder, name) for name in PRODUCT_TABLES]
    meta = folder / "meta.json"
    return [f for f in files if f is not None] + ([meta] if meta.is_file() else [])
