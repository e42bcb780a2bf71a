"""`stockwise audit verify|export`: check the audit log's hash chain, export a period."""

from __future__ import annotations

import json
from datetime import datetime

import typer

app = typer.Typer(help="The service's tamper-evident audit log.", no_args_is_help=True)


def _log():
    from stockwise.assistant.service.audit import AuditLog
    from stockwise.tools.core.settings import get_settings

    return AuditLog(get_settings().audit_path)


@app.command()
def verify() -> None:
    """Check every entry's hash and its link to the one before; exit 1 on any break."""
    log = _log()
    problems = log.verify()
    if problems:
        for problem in problems:
            typer.echo(f"{log.path}:{problem.line}: {problem.why}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{log.path}: {len(log.entries())} entries, chain intact")


@app.command()
def export(
    start: datetime | None = typer.Option(None, "--from", help="First moment (UTC), inclusive."),
    end: datetime | None = typer.Option(None, "--to", help="Last moment (UTC), exclusive."),
) -> None:
    """Print the entries between --from and --to as JSON lines."""
    for entry in _log().export(start, end):
        typer.echo(json.dumps(entry, sort_keys=True))
