"""`stockwise report audit --period 2025-Q3 [--site S2] --format pdf [--out PATH]`: the
inventory audit report, every figure traced to the tool call behind it."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from stockwise.assistant.cli.output import fail
from stockwise.assistant.startup import open_context
from stockwise.tools.core.settings import get_settings

app = typer.Typer(help="Written reports for auditors.", no_args_is_help=True)


@app.command("audit")
def audit(
    period: str = typer.Option(..., "--period", help="The quarter, e.g. 2025-Q3."),
    site: str | None = typer.Option(None, "--site", help="Site id or name; omit for all."),
    fmt: str = typer.Option("pdf", "--format", help="pdf, html or md."),
    out: Path | None = typer.Option(
        None, "--out", help="File to write; default: the data folder's reports/."
    ),
    timings: bool = typer.Option(
        False, "--timings", help="Print the build time of each section (wall and CPU)."
    ),
) -> None:
    """Write the quarter's inventory audit: value, reconciliation, classification, anomalies,
    aging, WIP, MRO risk and replenishment, with an appendix tracing every figure."""
    # Heavy imports (pandas, matplotlib, the tools) only when the command runs.
    from pydantic import ValidationError

    from stockwise.assistant.agent.models import choose_model
    from stockwise.assistant.reports.build import build_audit_report
    from stockwise.assistant.reports.prose import prose_model
    from stockwise.assistant.reports.write import FORMATS, default_name, write_report
    from stockwise.tools.core.errors import InvalidArgumentError, StockwiseError

    try:
        if fmt not in FORMATS:
            raise InvalidArgumentError(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")
        settings = get_settings()
        ctx = open_context(settings)
        model = prose_model(choose_model(settings, ctx))
        report = build_audit_report(ctx, period, site, model=model)
        path = out or settings.data_dir / "reports" / default_name(report, fmt)
        wall, cpu = time.perf_counter(), time.process_time()
        write_report(report, fmt, path)
        report.timings[f"render {fmt}"] = (time.perf_counter() - wall, time.process_time() - cpu)
    except (StockwiseError, ValidationError) as exc:
        fail(exc)
    kind = "short report (nothing to audit)" if report.short else "report"
    typer.echo(
        f"Wrote the {report.period} audit {kind} to {path}: {len(report.sections)} sections, "
        f"{len(report.tracer.figures)} traced figures, built in {report.seconds:.1f} s."
    )
    if timings:
        for step, (wall, cpu) in report.timings.items():
            typer.echo(f"  {step:<16} {wall:7.1f} s wall {cpu:7.1f} s CPU")
