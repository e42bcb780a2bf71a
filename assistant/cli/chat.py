"""`stockwise chat`: an interactive session. Steps stream as they happen (tool calls, then
the checked answer); `/new` starts a new thread, `/sources` shows the last answer's sources."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.prompt import Confirm, Prompt

from stockwise.assistant.cli.ask import print_sources
from stockwise.tools.core.settings import get_settings

if TYPE_CHECKING:
    from stockwise.assistant.agent.session import AgentSession

HELP = "Ask a question. /new starts a new conversation, /sources shows sources, /quit leaves."


def stream_turn(session: AgentSession, payload, thread_id: str, console: Console) -> dict:
    """Run one turn, printing each step as the graph finishes it."""
    from langchain_core.messages import AIMessage, ToolMessage
    from langgraph.types import Command

    from stockwise.assistant.agent.graph import final_answer

    config = session._config(thread_id)
    for update in session.graph.stream(payload, config, stream_mode="updates"):
        for node, delta in update.items():
            if node == "__interrupt__":
                continue
            for msg in (delta or {}).get("messages", []):
                if isinstance(msg, AIMessage) and msg.tool_calls:
                    for call in msg.tool_calls:
                        args = ", ".join(f"{k}={v!r}" for k, v in call["args"].items())
                        console.print(f"[dim]→ {call['name']}({args})[/]")
                elif isinstance(msg, ToolMessage) and msg.status == "error":
                    console.print(f"[yellow]  {msg.name}: {msg.content}[/]")
                elif isinstance(msg, AIMessage) and node == "grounding":
                    console.print(Markdown(str(msg.content)))
    state = session.graph.get_state(config)
    pending = [i.value for task in state.tasks for i in task.interrupts]
    if pending:
        for action in pending:
            console.print(
                f"[bold yellow]{action.get('question')}[/] {json.dumps(action.get('args', {}))}"
            )
        ok = Confirm.ask("Approve?", default=False, console=console)
        return stream_turn(
            session, Command(resume="approve" if ok else "reject"), thread_id, console
        )
    return final_answer(state.values)


def chat() -> None:
    """Talk to Stockwise about your plant's inventory, one question after another.

    In the session: /new starts a new conversation, /sources shows the sources of the last
    answer, /quit (or Ctrl-D) leaves. Follow-ups ("and at the second site?") use the
    conversation so far; an action such as drafting purchase requisitions asks you to
    approve it first.
    """
    from langchain_core.messages import HumanMessage

    from stockwise.assistant.agent.models import choose_model
    from stockwise.assistant.agent.session import open_session
    from stockwise.assistant.reports import report_tools
    from stockwise.assistant.startup import loading_notice, timed_context

    console = Console()
    settings = get_settings()
    if not settings.llm_base_url:
        from stockwise.assistant.agent.planner.semantic import warm_up

        warm_up()  # the planner's encoder loads on the other core while the dataset opens
    ctx, timings = timed_context(settings)
    if notice := loading_notice(ctx):
        typer.echo(f"note: {notice}", err=True)
    choice = choose_model(ctx.settings, ctx)
    with open_session(ctx, choice, timings=timings, extra_tools=report_tools(choice)) as session:
        thread_id = session.new_thread()
        _warm_documents(session.ctx)
        who = session.choice.endpoint or "the offline planner"
        console.print(f"[bold]Stockwise[/] on {session.ctx.dataset.name} ({who}). {HELP}")
        last: dict = {}
        while True:
            try:
                text = Prompt.ask("[bold cyan]you[/]", console=console).strip()
            except (EOFError, KeyboardInterrupt):
                break
            if not text:
                continue
            if text in ("/quit", "/exit"):
                break
            if text == "/new":
                thread_id = session.new_thread()
                console.print(f"[dim]new conversation {thread_id}[/]")
                continue
            if text == "/sources":
                if last:
                    print_sources(console, last.get("sources", []))
                else:
                    console.print("[dim]no answer yet[/]")
                continue
            if text.startswith("/"):
                console.print(HELP)
                continue
            last = stream_turn(session, {"messages": [HumanMessage(text)]}, thread_id, console)


def _warm_documents(ctx) -> None:
    """Open the document index and build its query engine while the user types, so the
    first document question is answered at search speed (a one-shot `stockwise docs` does
    without: building the engine costs more than the one search it would speed up)."""
    import logging
    import threading

    from stockwise.tools.documents.search import warm

    def run() -> None:
        try:
            warm(ctx)
        except Exception:  # the first document question opens the index itself
            logging.getLogger(__name__).warning("document warm-up failed", exc_info=True)

    # Not a daemon, as the planner's encoder: leaving while onnxruntime builds aborts.
    threading.Thread(target=run, name="documents-warm").start()
