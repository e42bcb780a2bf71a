"""`stockwise index [PATH]` builds the document index; `stockwise docs "query"` searches it.

`docs` writes its options out instead of deriving them from `SearchDocumentsInput`
(assistant/cli/from_model.py): the model's module imports chromadb, which `stockwise --help`
would then pay for. tests/stock/test_cli_options.py keeps the two in step."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from stockwise.assistant.cli.output import fail
from stockwise.assistant.startup import open_context
from stockwise.tools.core.errors import StockwiseError

console = Console(soft_wrap=True)  # long citations stay on one line (and greppable)


def index(
    path: Path | None = typer.Argument(
        None, help="Folder of documents (Markdown, text, PDF). Default: the dataset's documents."
    ),
) -> None:
    """Index a folder of documents for `stockwise docs` and the assistant (incremental)."""
    from stockwise.tools.documents.index import build_index
    from stockwise.tools.documents.search import dataset_collection, documents_dir

    try:
        ctx = open_context()
        folder = path or documents_dir(ctx)
        if folder is None:
            console.print(
                f"The dataset {ctx.dataset.name!r} has no documents/ folder: nothing to index. "
                "Give a folder: stockwise index PATH"
            )
            return
        collection = dataset_collection(ctx)
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("indexing", total=None)

            def on_progress(done: int, total: int, current: str) -> None:
                progress.update(
                    task, completed=done, total=total, description=current[-40:] or "done"
                )

            report = build_index(folder, collection, on_progress)
    except (StockwiseError, FileNotFoundError) as exc:
        fail(exc)
    for n, line in enumerate(report.lines()):
        style = "bold" if n == 0 else ("yellow" if line.startswith("skipped") else "")
        console.print(line, style=style or None, highlight=False, markup=False)


def docs(
    query: str = typer.Argument(..., help='What to look for, e.g. "replace hydraulic seal P-3".'),
    equipment: str | None = typer.Option(None, "--equipment", "-e", help="Equipment id or type."),
    doc_type: str | None = typer.Option(
        None, "--doc-type", "-t", help="manual, sop, failure_report, safety, policy, glossary."
    ),
    revision: str | None = typer.Option(None, "--revision", help="Only this document revision."),
    k: int = typer.Option(5, "--k", "-k", min=1, max=20, help="How many passages."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Search the plant's documents and print cited passages."""
    from stockwise.tools.documents.search import SearchDocumentsInput, search_documents

    try:
        args = SearchDocumentsInput(
            query=query, equipment=equipment, doc_type=doc_type, revision=revision, k=k
        )
        result = search_documents(open_context(), args)
    except StockwiseError as exc:
        fail(exc)
    if as_json:
        print(json.dumps(result.model_dump(mode="json"), indent=2))
        return
    if not result.passages:
        console.print("; ".join(result.evidence.notes) or "No passage matches.", markup=False)
    for n, passage in enumerate(result.passages, start=1):
        console.print(
            f"[bold]{n}. {passage.citation.label()}[/]  [dim]({passage.citation.doc_id})[/]"
        )
        console.print(passage.text.strip(), markup=False, highlight=False)
        console.print()
