"""Print a tool result for people (Rich tables) or for scripts (`--json`).

`--json` prints the result model's own JSON (`model_dump_json`), so the shape is the result
class's fields plus `evidence`; docs/json.md documents it. Tables are built from the
models' fields, so any command group can reuse `show_result` for its own tool results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, NoReturn

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from stockwise.tools.core.errors import StockwiseError
from stockwise.tools.core.results import Evidence, ToolResult

console = Console()
error_console = Console(stderr=True)


def fmt(value: Any) -> str:
    """A cell as people read it: thousands separators, few decimals, '-' for nothing."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value.is_integer():
            return f"{value:,.0f}"
        return f"{value:.3g}" if abs(value) < 1 else f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}" if (value.hour or value.minute) else f"{value:%Y-%m-%d}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return escape(str(value))  # "PUMP [OLD]" is data, not Rich markup


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def rows_table(
    title: str | None, rows: Sequence[BaseModel | dict], columns: Iterable[str] | None = None
) -> Table:
    """A table with one row per model (or dict); columns default to every scalar field."""
    records = [r.model_dump() if isinstance(r, BaseModel) else dict(r) for r in rows]
    if columns is None:
        columns = [
            k for k, v in (records[0].items() if records else []) if not isinstance(v, list | dict)
        ]
    columns = list(columns)
    table = Table(title=title, title_justify="left", show_edge=False, header_style="bold")
    for col in columns:
        numeric = any(_is_number(r.get(col)) for r in records)
        # Numbers and ids never wrap; descriptions fold when the terminal is narrow.
        short = numeric or col.endswith("_id") or col in ("uom", "site", "stage", "status")
        table.add_column(
            col.replace("_", " "), justify="right" if numeric else "left", no_wrap=short
        )
    for record in records:
        table.add_row(*(fmt(record.get(col)) for col in columns))
    return table


def pairs_table(title: str | None, pairs: dict[str, Any]) -> Table:
    table = Table(title=title, title_justify="left", show_header=False, show_edge=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    for key, value in pairs.items():
        table.add_row(key.replace("_", " "), fmt(value))
    return table


def evidence_line(evidence: Evidence) -> str:
    rows = ", ".join(f"{n} {c:,}" for n, c in evidence.rows_used.items())
    parts = [f"as of {fmt(evidence.as_of)}" if evidence.as_of else "", f"rows read: {rows}"]
    parts += evidence.notes
    return escape(" | ".join(p for p in parts if p))


def show_result(
    result: ToolResult,
    columns: Mapping[str, Iterable[str]] | None = None,
    title: str | None = None,
) -> None:
    """Scalars as a summary, dicts as two-column tables, lists of models as tables.

    `columns` picks and orders the columns of a list field (field name -> column names).
    """
    columns = columns or {}
    data = result.model_dump(exclude={"evidence"})
    scalars = {k: v for k, v in data.items() if not isinstance(v, list | dict)}
    if title:
        console.print(f"[bold]{title}[/]")
    if scalars:
        console.print(pairs_table(None, scalars))
    for key, value in data.items():
        if isinstance(value, dict) and value:  # a mapping, or one nested model
            console.print(pairs_table(key.replace("_", " "), value))
        elif isinstance(value, list):
            if value:
                console.print(rows_table(key.replace("_", " "), value, columns.get(key)))
            else:
                console.print(f"[dim]{key.replace('_', ' ')}: none[/]")
    console.print(f"[dim]{evidence_line(result.evidence)}[/]", highlight=False)


def print_json(result: BaseModel) -> None:
    typer.echo(result.model_dump_json(indent=2))


def fail(exc: Exception) -> NoReturn:
    """Print a refusal the way a plant manager reads it, and exit 1 (no traceback)."""
    print_error(exc)
    raise typer.Exit(1)


def print_error(exc: Exception) -> None:
    """One line on stderr: `error: ` and what is wrong, where, and what to do."""
    if isinstance(exc, ValidationError):
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        message = f"invalid argument: {problems}"
    else:
        message = str(exc)
    # soft_wrap: one line however narrow the terminal, so scripts can grep it.
    error_console.print(f"[red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)


def run_and_show(
    call: Callable[[], ToolResult],
    as_json: bool,
    render: Callable[[ToolResult], None] | None = None,
) -> None:
    """Run a tool; print its result as JSON or as tables; domain errors exit 1 cleanly."""
    try:
        result = call()
    except (StockwiseError, ValidationError) as exc:
        fail(exc)
    if as_json:
        print_json(result)
    elif render is not None:
        render(result)
    else:
        show_result(result)
