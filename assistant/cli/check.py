"""`stockwise check <path>`: validate a dataset and print every problem found.

Exit codes: 0 the dataset loads (lenient: its valid rows load), 1 it is refused.
`--json` prints `ValidationReport.to_dict()` (shape documented in tools/dataset/report.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from stockwise.tools.core.errors import DatasetError
from stockwise.tools.core.settings import get_settings
from stockwise.tools.dataset.load import load_dataset, rejects_path_for
from stockwise.tools.dataset.report import ValidationReport


def check(
    source: str = typer.Argument(..., help="A dataset folder or a SQLAlchemy URL."),
    lenient: bool = typer.Option(
        False, "--lenient", help="Load the valid rows and write the rejected ones to a file."
    ),
    rejects: Path | None = typer.Option(
        None,
        "--rejects",
        help="Where --lenient writes rejected rows (default: the rejects/ folder of "
        "STOCKWISE_DATA_DIR; the path is printed).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Validate a dataset against the data contract and print every problem found.

    The tables, columns and definitions a dataset must follow are in docs/data-contract.md.
    Set STOCKWISE_LENIENT=1 to have every command load the valid rows the way --lenient does.
    """
    console = Console()
    report: ValidationReport | None
    rejects = rejects or rejects_path_for(get_settings().data_dir, source)
    try:
        dataset = load_dataset(source, lenient=lenient, rejects_path=rejects)
        report = dataset.meta["validation"]
    except DatasetError as exc:
        report = exc.report if isinstance(exc.report, ValidationReport) else None
        if report is None:  # nothing to validate: no folder, no database
            if as_json:
                typer.echo(json.dumps({"ok": False, "source": str(source), "error": str(exc)}))
            else:
                Console(stderr=True).print(f"[red]{exc}[/red]", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from exc
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
    else:
        _print(console, report)
    raise typer.Exit(0 if report.ok else 1)


def _print(console: Console, report: ValidationReport) -> None:
    rows = Table(title="Tables", show_edge=False)
    for header in ("table", "file", "rows", "rejected", "extra columns kept"):
        rows.add_column(header, justify="right" if header in ("rows", "rejected") else "left")
    for name, t in report.tables.items():
        if t.file is None:
            continue
        rows.add_row(
            name, t.file, f"{t.rows:,}", f"{t.rows_rejected:,}", ", ".join(t.extra_columns)
        )
    console.print(rows)
    for line in report.render_lines():
        console.print(line, highlight=False, markup=False, soft_wrap=True)
    colour = "green" if report.ok and not report.groups else "yellow" if report.ok else "red"
    console.print(f"[{colour}]{report.summary()}[/{colour}]", highlight=False, soft_wrap=True)
    if report.rejects_path:
        console.print(
            f"Rejected rows and their reasons: {report.rejects_path}",
            highlight=False,
            soft_wrap=True,
        )
