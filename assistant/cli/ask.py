"""`stockwise ask "..."`: one question, one grounded and sourced answer."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from stockwise.assistant.cli.output import fail
from stockwise.tools.core.errors import StockwiseError
from stockwise.tools.core.settings import get_settings


def print_sources(console: Console, sources: list[dict]) -> None:
    if not sources:
        return
    table = Table(title="Sources", show_lines=False, title_justify="left")
    table.add_column("tool")
    table.add_column("arguments")
    table.add_column("status")
    for src in sources:
        args = ", ".join(f"{k}={v!r}" for k, v in src.get("args", {}).items())
        table.add_row(src["tool"], args, src.get("status", ""))
        for cite in src.get("citations", []):
            where = " ".join(str(cite[k]) for k in ("section", "page") if k in cite)
            table.add_row("", f"  cites {cite.get('doc_id')}: {cite.get('title', '')} {where}", "")
    console.print(table)


def print_result(console: Console, result: dict) -> None:
    if result["pending_actions"]:
        for action in result["pending_actions"]:
            console.print(
                f"[bold yellow]Waiting for approval:[/] {action.get('action')} "
                f"{json.dumps(action.get('args', {}))}"
            )
        console.print(
            f"Approve with: stockwise ask --thread {result['thread_id']} --approve (or --reject)"
        )
        return
    console.print(Markdown(str(result["answer"])))
    print_sources(console, result["sources"])


def ask(
    question: str = typer.Argument("", help="Your question, in plain words."),
    thread: str | None = typer.Option(None, "--thread", help="Continue this conversation."),
    as_json: bool = typer.Option(False, "--json", help="Answer, sources and timings as JSON."),
    approve: bool = typer.Option(False, "--approve", help="Approve the thread's paused action."),
    reject: bool = typer.Option(False, "--reject", help="Reject the thread's paused action."),
) -> None:
    """Ask about stock, WIP, spares and demand; the answer cites the tools it used."""
    if (approve or reject) and not thread:
        raise typer.BadParameter("--approve/--reject need the --thread of the paused action")
    if not question and not (approve or reject):
        raise typer.BadParameter(
            'ask needs a question, e.g. stockwise ask "what is below reorder point?"'
        )
    from stockwise.assistant.agent.models import choose_model  # the agent loads only when asked
    from stockwise.assistant.agent.session import open_session
    from stockwise.assistant.reports import report_tools
    from stockwise.assistant.startup import loading_notice, timed_context

    settings = get_settings()
    # No encoder preload here: one question whose wording is clear never needs it, and a
    # process that started loading it waits for the load to end (0.6 s of a cold ask). It
    # loads when a question's wording is unclear; `chat` and the service preload it.
    ctx, timings = timed_context(settings)
    if notice := loading_notice(ctx):
        typer.echo(f"note: {notice}", err=True)
    choice = choose_model(ctx.settings, ctx)
    with open_session(ctx, choice, timings=timings, extra_tools=report_tools(choice)) as session:
        thread_id = thread or session.new_thread()
        if approve or reject:
            from stockwise.assistant.cli.decide import decide

            try:
                result = decide(
                    session, thread_id, "approve" if approve else "reject", ctx.settings
                )
            except StockwiseError as refused:
                fail(refused)
        else:
            result = session.ask(question, thread_id)
    if as_json:
        typer.echo(json.dumps(result, default=str, indent=2))
        return
    console = Console()
    print_result(console, result)
    t = result["timings_ms"]
    console.print(
        f"[dim]thread {thread_id} · answered in {t.get('answer', 0):.0f} ms "
        f"(dataset {t.get('load_dataset', 0):.0f} ms)[/]"
    )
