"""Write an import as a dataset folder: whole, validated, or not at all.

The tables are written into a fresh folder beside `--out`, loaded back through the same
strict validation every command uses (so `stockwise check` passes on what lands), and only
then swapped in. A failure at any step leaves the previous dataset as it was.

An incremental import (`--since`) merges into the dataset already there: new movements are
added, master rows with the same key replaced by the export's version, everything else
kept. Files are written sorted by key, so importing the same export twice writes the same
bytes, and then nothing is swapped at all: the dataset (and the caches keyed by its files'
times) is left untouched.
"""

from __future__ import annotations

import filecmp
import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from stockwise.tools.core.errors import DatasetError
from stockwise.tools.dataset.frames import coerce_table, empty_table
from stockwise.tools.dataset.load import load_dataset
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.dataset.read import table_file
from stockwise.tools.dataset.schema import PRODUCT_TABLES, TABLES
from stockwise.tools.importers.errors import ImportRefusedError
from stockwise.tools.importers.report import ImportReport

FORMATS = ("csv", "parquet")


def write_import(
    frames: dict[str, pd.DataFrame],
    out: Path,
    report: ImportReport,
    *,
    existing: Dataset | None = None,
    fmt: str = "csv",
    meta: dict | None = None,
) -> None:
    """Write `frames` (contract columns only) as the dataset at `out`, merged into
    `existing` (an incremental import) or replacing it; see the module doc. The frames
    are taken out of `frames` as they are written (it is empty afterwards)."""
    out = Path(out)
    check_target(out)
    has_dataset = table_file(out, "items") is not None
    typed = {}
    for name in PRODUCT_TABLES:  # taken out of `frames`: the caller's copy goes as it is typed
        frame = frames.pop(name, None)
        typed[name] = coerce_table(name, frame) if frame is not None else empty_table(TABLES[name])
        del frame
    if existing is not None:
        typed = {
            name: _merge(name, existing.tables[name], typed[name], report)
            for name in PRODUCT_TABLES
        }
    else:
        report.added = {name: len(frame) for name, frame in typed.items()}
    report.mapped = {name: len(frame) for name, frame in typed.items() if len(frame)}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.import-", dir=out.parent))
    try:
        for name, frame in typed.items():
            if len(frame) or TABLES[name].required_table:
                _write_table(tmp, name, frame, fmt)
        (tmp / "meta.json").write_text(json.dumps(meta or {}, indent=2, sort_keys=True) + "\n")
        # What is checked is what was written: the frames can go before it is loaded back,
        # which halves an import's peak memory.
        typed.clear()
        load_checked(tmp, "the imported tables")
        if has_dataset and _same_files(tmp, out):
            report.changed = False
            return
        if (out / "documents").is_dir():
            shutil.copytree(out / "documents", tmp / "documents")
        _swap(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def existing_dataset(out: Path) -> Dataset | None:
    """The dataset an incremental import adds to, or None when `out` holds none yet."""
    check_target(out)
    if table_file(out, "items") is None:
        return None
    return load_checked(out, f"the dataset at {out} (fix it, or import without --since)")


def check_target(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ImportRefusedError(f"{out} is a file; --out must be a dataset folder")
    if out.is_dir() and any(out.iterdir()) and table_file(out, "items") is None:
        # Never replace a folder that is not a dataset: it may be anything of the user's.
        raise ImportRefusedError(
            f"{out} is not empty and holds no dataset (no items file); choose another --out"
        )


def load_checked(folder: Path, what: str) -> Dataset:
    try:
        return load_dataset(folder)
    except DatasetError as exc:
        report = getattr(exc, "report", None)
        lines = report.render_lines()[:10] if report is not None else [str(exc)]
        detail = "; ".join(line.strip() for line in lines)
        raise ImportRefusedError(f"{what} would break the data contract: {detail}") from exc


def _merge(name: str, old: pd.DataFrame, new: pd.DataFrame, report: ImportReport):
    if new.empty:
        report.added[name] = 0
        return old
    key = list(TABLES[name].key)
    # Rows of the export identical to a row already held are not news.
    plain_old, plain_new = _plain(old), _plain(new)
    seen = plain_new.merge(plain_old.drop_duplicates(), how="left", indicator=True)["_merge"]
    report.added[name] = int((seen == "left_only").sum())
    merged = pd.concat([plain_old, plain_new], ignore_index=True)
    merged = merged.drop_duplicates(subset=key, keep="last")  # the export's version wins
    return coerce_table(name, merged)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Categoricals as text: concatenating two with different categories gives objects
    anyway, and merge compares values, not codes."""
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype(object)
    return out


def _write_table(folder: Path, name: str, frame: pd.DataFrame, fmt: str) -> None:
    key = [c for c in TABLES[name].key if c in frame.columns]
    if key:  # one copy, sorted and renumbered together
        frame = frame.sort_values(key, kind="stable", na_position="first", ignore_index=True)
    else:
        frame = frame.reset_index(drop=True)
    if fmt == "parquet":
        frame.to_parquet(folder / f"{name}.parquet", index=False)
        return
    text = frame.copy()
    for col in TABLES[name].columns:
        if col.kind == "date":
            text[col.name] = text[col.name].dt.strftime("%Y-%m-%d")
        elif col.kind == "timestamp":
            stamps = text[col.name]
            midnight = stamps.dt.normalize().eq(stamps) | stamps.isna()
            fmt_ = "%Y-%m-%d" if midnight.all() else "%Y-%m-%dT%H:%M:%S"
            text[col.name] = stamps.dt.strftime(fmt_)
    text.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")


def _same_files(new: Path, old: Path) -> bool:
    names = sorted(p.name for p in new.iterdir() if p.is_file())
    old_names = sorted(
        p.name for p in old.iterdir() if p.is_file() and p.suffix in (".csv", ".parquet", ".json")
    )
    if names != old_names:
        return False
    return all(filecmp.cmp(new / n, old / n, shallow=False) for n in names)


def _swap(tmp: Path, out: Path) -> None:
    """Put `tmp` where `out` is. Two renames on one file system: at no moment is a
    half-written dataset at `out`, and if the second rename failed the old one is at
    `<out>.previous` and is put back."""
    if not out.exists():
        tmp.rename(out)
        return
    previous = out.with_name(out.name + ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    out.rename(previous)
    try:
        tmp.rename(out)
    except OSError:
        previous.rename(out)
        raise
    shutil.rmtree(previous, ignore_errors=True)
