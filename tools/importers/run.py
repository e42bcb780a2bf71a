"""`run_import`: one import from start to finish, whichever system the export comes from.

Each system's reader maps its export onto the contract's tables (with provenance) and
reports what it guessed and dropped; the steps every import shares (duplicates, orphans,
`--since`, the rejects file, the atomic write) happen here once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd

from stockwise.tools.dataset.load import write_csv_atomically
from stockwise.tools.importers.errors import ImportRefusedError
from stockwise.tools.importers.finish import finish, strip
from stockwise.tools.importers.report import ImportReport
from stockwise.tools.importers.write import FORMATS, existing_dataset, write_import

SYSTEMS = ("sap", "odoo", "erpnext", "sheet")
PLACEHOLDER_SUPPLIER = {
    "supplier_id": "UNSPECIFIED",
    "name": "supplier not in the export",
    "supplier_type": "other",
}


def _reader(system: str) -> Callable[..., dict]:
    # Imported on demand: an Odoo import never pays for the SAP tables' code.
    if system == "sheet":
        from stockwise.tools.importers.sheet import read_sheet

        return read_sheet
    if system == "sap":
        from stockwise.tools.importers.sap.read import read_sap

        return read_sap
    if system == "odoo":
        from stockwise.tools.importers.odoo import read_odoo

        return read_odoo
    if system == "erpnext":
        from stockwise.tools.importers.erpnext import read_erpnext

        return read_erpnext
    raise ImportRefusedError(f"--from {system!r}: use one of {', '.join(SYSTEMS)}")


def run_import(
    system: str,
    source: Path,
    out: Path,
    *,
    mapping: Path | None = None,
    since: date | None = None,
    fmt: str = "csv",
    rejects_path: Path | None = None,
    strict: bool = False,
    progress: Callable[[str, float], None] | None = None,
) -> ImportReport:
    """Import `source` (a file or a folder of export files) into the dataset at `out`.

    Rows that cannot be mapped are dropped, counted by reason and written to
    `rejects_path`; with `strict` any such row refuses the import. Raises
    ImportRefusedError when nothing can be written; the dataset at `out` is then as it was.
    `progress(step, fraction)` hears of each step.
    """
    step = progress or (lambda _step, _fraction: None)
    if fmt not in FORMATS:
        raise ImportRefusedError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    source, out = Path(source), Path(out)
    if not source.exists():
        raise ImportRefusedError(f"{source}: no such file or folder")
    report = ImportReport(system, str(source), str(out), since=since.isoformat() if since else None)
    existing = existing_dataset(out) if since is not None else None
    step(f"reading the {system} export", 0.05)
    frames = _reader(system)(source, report, mapping=mapping, since=since, progress=progress)
    step("checking references and duplicates", 0.5)
    known = set(existing.tables["items"]["item_id"]) if existing is not None else set()
    frames = finish(frames, report, known)
    if frames.get("suppliers") is None or frames["suppliers"].empty:
        # The contract needs one supplier row; an export without a vendor master gets a
        # placeholder no item points to, so no answer ever names it.
        frames["suppliers"] = pd.DataFrame([PLACEHOLDER_SUPPLIER])
        report.guess("no supplier master in the export: one placeholder supplier added")
    if since is not None and "transactions" in frames:
        old = pd.to_datetime(frames["transactions"]["ts"]) < pd.Timestamp(since)
        frames["transactions"] = frames["transactions"][~old]
        report.note(f"--since {since}: {int(old.sum()):,} movements before it left as they were")
    if report.rejects and rejects_path is not None:
        write_csv_atomically(report.rejects_frame(), rejects_path)
        report.rejects_path = str(rejects_path)
    elif rejects_path is not None:
        Path(rejects_path).unlink(missing_ok=True)  # an earlier import's rejects are not this one's
    if strict and report.dropped:
        report.ok = False
        raise ImportRefusedError(
            f"{sum(report.dropped.values()):,} rows could not be mapped (--strict); "
            f"first: {report.rejects[0].render()}"
        )
    meta = {"name": out.name, "currency": report.currency or "USD", "imported_from": system}
    step("writing and validating the dataset", 0.6)
    # write_import takes the frames out of the dict as it writes them: nothing here holds
    # ten million movements while the written dataset is loaded back to be checked.
    write_import(strip(frames), out, report, existing=existing, fmt=fmt, meta=meta)
    _save_report(out, report)
    step("done", 1.0)
    return report


def _save_report(out: Path, report: ImportReport) -> None:
    # Beside the tables, in a folder the loader does not read: the last import's account.
    folder = out / "import"
    folder.mkdir(exist_ok=True)
    (folder / "report.json").write_text(json.dumps(report.to_dict(), indent=2) + "\n")
