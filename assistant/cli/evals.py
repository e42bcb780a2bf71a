"""`stockwise eval ...`: the evaluations under `evals/`, run from a source checkout.

Each evaluation registers one command on `eval_app`. The `evals/` folder is not installed
with the package (it holds eval sets and oracles, not product code), so it is found next to
the `assistant` package."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import typer

eval_app = typer.Typer(help="Run the evaluations (from a source checkout).", no_args_is_help=True)

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def load_eval(module: str):  # type: ignore[no-untyped-def]
    """Import `evals.<module>` from the checkout, or explain why it cannot be found."""
    if not (PROJECT_ROOT / "evals").is_dir():
        raise typer.BadParameter(
            f"no evals/ folder next to {PROJECT_ROOT / 'assistant'}; "
            "run evaluations from a source checkout"
        )
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    return importlib.import_module(f"evals.{module}")


@eval_app.command("qa")
def qa(
    model: str | None = typer.Option(
        None,
        "--model",
        help="Model name at the configured endpoint (STOCKWISE_LLM_BASE_URL); default: settings.",
    ),
    limit: int | None = typer.Option(None, "--limit", help="Only the first N questions."),
    as_json: bool = typer.Option(False, "--json", help="Scores and per-question rows as JSON."),
    question_set: str = typer.Option(
        "tuned",
        "--set",
        help="tuned: evals/qa/questions.py; blind: the frozen evals/qa/blind/ set.",
    ),
) -> None:
    """Q&A eval over the demo plant: correctness, tool choice, groundedness, refusals,
    latency (and, with an endpoint, model calls and prompt size)."""
    runner = load_eval("qa.run")
    raise typer.Exit(runner.main(model=model, limit=limit, as_json=as_json, set_name=question_set))
