"""`stockwise audit verify|export`: check the audit log against its MAC key and its
checkpointed head, export a period."""

from __future__ import annotations

import json
from datetime import datetime

import typer

app = typer.Typer(help="The service's tamper-evident audit log.", no_args_is_help=True)
SHOWN = 50  # problems printed one by one; a swapped key makes one per line


@app.command()
def verify() -> None:
    """Check every entry's MAC, its link to the one before and the log's end against its
    checkpoint; exit 1 on any problem, naming the first bad entry."""
    from stockwise.assistant.service.audit_key import AuditKeyError
    from stockwise.assistant.service.audit_verify import verify_settings
    from stockwise.tools.core.settings import get_settings

    settings = get_settings()
    try:
        verdict = verify_settings(settings)
    except AuditKeyError as error:
        typer.echo(f"{settings.audit_path}: cannot verify: {error}", err=True)
        raise typer.Exit(1) from None
    path = verdict.path
    for notice in verdict.notices:
        typer.echo(f"{path}: note: {notice}", err=True)
    head = verdict.head
    checkpoint = (
        f"checkpoint in {verdict.head_where}: {head.count:,} entries at {head.time}"
        if head
        else f"no checkpoint in {verdict.head_where}"
    )
    if verdict.ok:
        typer.echo(f"{path}: {verdict.entries} entries, chain and MACs intact; {checkpoint}")
        return
    ordered = sorted(verdict.problems, key=lambda p: p.line)
    for problem in ordered[:SHOWN]:
        where = f"{path}:{problem.line}" if problem.line else str(path)
        typer.echo(f"{where}: {problem.why}", err=True)
    if len(ordered) > SHOWN:
        typer.echo(f"... and {len(ordered) - SHOWN} more", err=True)
    first = verdict.first_bad
    assert first is not None
    at = f"line {first.line}" if first.line else "the log as a whole"
    typer.echo(
        f"{path}: TAMPERED OR DAMAGED: {len(ordered)} problem(s); first bad: {at}: "
        f"{first.why} ({verdict.entries} well-formed entries; {checkpoint})",
        err=True,
    )
    raise typer.Exit(1)


@app.command()
def export(
    start: datetime | None = typer.Option(None, "--from", help="First moment (UTC), inclusive."),
    end: datetime | None = typer.Option(None, "--to", help="Last moment (UTC), exclusive."),
) -> None:
    """Print the entries between --from and --to as JSON lines."""
    from stockwise.assistant.service.audit_store import audit_reader
    from stockwise.tools.core.settings import get_settings

    for entry in audit_reader(get_settings()).export(start, end):
        typer.echo(json.dumps(entry, sort_keys=True))
