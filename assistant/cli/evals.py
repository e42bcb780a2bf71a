"""`stockwise eval ...`: the evaluations under `evals/`, run from a source checkout.

Each evaluation registers one command on `eval_app`. The `evals/` folder is not installed
with the package (it holds eval sets and oracles, not product code), so it is found next to
the `assistant` folder and run there as `python -m evals.<name>`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typer

eval_app = typer.Typer(help="Run the evaluations (from a source checkout).", no_args_is_help=True)

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def run_eval(module: str, args: list[str]) -> int:
    """Run `python -m evals.<module> ARGS` in the checkout's root; its exit code.

    A subprocess, not an import: `python -m` puts the working directory on the child's
    sys.path, which is how Python finds a checkout's package that is not installed, so this
    process's sys.path is never edited and the eval runs as it does by hand."""
    if not (PROJECT_ROOT / "evals").is_dir():
        raise typer.BadParameter(
            f"no evals/ folder next to {PROJECT_ROOT / 'assistant'}; "
            "run evaluations from a source checkout"
        )
    return subprocess.run(
        [sys.executable, "-m", f"evals.{module}", *args], cwd=PROJECT_ROOT
    ).returncode


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
        help="tuned: evals/qa/questions.py; blind: the frozen evals/qa/blind/ set; dev, dev2, "
        "dev3: evals/qa/dev*/, the phrasings the planner is developed against (not evidence).",
    ),
) -> None:
    """Q&A eval over the demo plant: correctness, tool choice, groundedness, refusals,
    latency (and, with an endpoint, model calls and prompt size)."""
    args = [
        *(["--model", model] if model else []),
        *(["--limit", str(limit)] if limit else []),
        "--set",
        question_set,
    ]
    raise typer.Exit(run_eval("qa", [*args, *(["--json"] if as_json else [])]))
