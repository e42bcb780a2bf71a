"""`stockwise import --from sap|odoo|erpnext|sheet SOURCE --out DATASET`: an ERP export or a
plant's spreadsheet, written as a contract dataset with a report of what was mapped,
guessed and dropped. (The module is not called `import`: that is a Python keyword.)"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer
from rich.console import Console

from stockwise.assistant.cli.output import fail
from stockwise.demo.ensure import rich_progress
from stockwise.tools.core.settings import get_settings
from stockwise.tools.importers.errors import ImportRefusedError
from stockwise.tools.importers.run import SYSTEMS, run_import


def import_data(
    source: Path = typer.Argument(..., help="The export: a folder of table files, or one file."),
    system: str = typer.Option(..., "--from", help=f"Where it comes from: {', '.join(SYSTEMS)}."),
    out: Path = typer.Option(..., "--out", help="The dataset folder to write (or refresh)."),
    mapping: Path | None = typer.Option(
        None, "--mapping", help="YAML: which column is what (needed for --from sheet)."
    ),
    since: str | None = typer.Option(
        None,
        "--since",
        help="YYYY-MM-DD: add movements from this day on to the dataset at --out, and "
        "changed master rows; the same export twice changes nothing.",
    ),
    fmt: str = typer.Option("csv", "--format", help="csv or parquet (faster when large)."),
    strict: bool = typer.Option(
        False, "--strict", help="Refuse the import if any row cannot be mapped."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Import an SAP, Odoo or ERPNext export, or a spreadsheet, as a Stockwise dataset.

    Rows that cannot be mapped are left out, counted by reason and written with their file,
    row, column and value to a rejects file; a failed import changes nothing at --out.
    Walk-throughs: README "Your own data"; a mapping example: examples/import/refinery.yaml.
    """
    try:
        since_day = date.fromisoformat(since) if since else None
    except ValueError:
        fail(ImportRefusedError(f"--since {since!r}: give a day as YYYY-MM-DD"))
    # Stockwise's own data folder, as for a lenient load: the rejects must survive a
    # refused import, when nothing is written at --out.
    rejects = Path(get_settings().data_dir) / "rejects" / f"import-{out.resolve().name}-rejects.csv"
    console = Console(stderr=True)
    try:
        with rich_progress(f"Importing {source.name}", console) as bar:
            report = run_import(
                system, source, out, mapping=mapping, since=since_day, fmt=fmt,
                rejects_path=rejects, strict=strict, progress=bar,
            )  # fmt: skip
    except ImportRefusedError as exc:
        fail(exc)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
        return
    for line in report.render_lines():
        typer.echo(line)
    if report.changed:
        typer.echo(f"Wrote {out}. Check it with: stockwise check {out}")
    else:
        typer.echo(f"{out} already holds all of this export: nothing changed.")
