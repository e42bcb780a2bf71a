"""The `stockwise` console command. Each command group lives in its own module and is
registered here, so this file stays a table of contents."""

from __future__ import annotations

import typer

from assistant.cli import ask as ask_cli
from assistant.cli import audit as audit_cli
from assistant.cli import chat as chat_cli
from assistant.cli import check as check_cli
from assistant.cli import classify as classify_cli
from assistant.cli import demo as demo_cli
from assistant.cli import docs as docs_cli
from assistant.cli import evals as evals_cli
from assistant.cli import forecast as forecast_cli
from assistant.cli import reorder as reorder_cli
from assistant.cli import report as report_cli
from assistant.cli import serve as serve_cli
from assistant.cli import stock as stock_cli

app = typer.Typer(
    name="stockwise",
    help="Stockwise: ask your plant's inventory, tell WIP from MRO, plan spares.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

# Command groups register below, one line each: app.add_typer(...) or app.command(...)(...).
app.command("index")(docs_cli.index)
app.command("docs")(docs_cli.docs)
app.command("check")(check_cli.check)
app.command("classify")(classify_cli.classify)
app.command("anomalies")(classify_cli.anomalies)
app.command("ask")(ask_cli.ask)
app.command("chat")(chat_cli.chat)
app.add_typer(evals_cli.eval_app, name="eval")
app.add_typer(stock_cli.app, name="stock")
app.command("reorder")(reorder_cli.reorder)
app.command("simulate")(reorder_cli.simulate)
app.command("demo")(demo_cli.demo)
app.command("forecast")(forecast_cli.forecast)
app.command("serve")(serve_cli.serve)
app.add_typer(audit_cli.app, name="audit")
app.add_typer(report_cli.app, name="report")
