"""Run the Q&A eval: `stockwise eval qa [--model M] [--limit N] [--json]`.

Every question goes through the same agent session the CLI uses (graph, memory, model from
the settings: the offline planner unless STOCKWISE_LLM_BASE_URL is set). Scores: answer
correctness (oracle figures within tolerance, expected ids present), tool-choice match,
groundedness, refusals on unanswerable questions, latency, answer-writer failures (a writer
that raised and left the generic digest to answer: a bug, target 0); with an endpoint also
model calls per question and prompt size per call."""

from __future__ import annotations

import json
import math
import statistics
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from evals.qa.oracle import Oracle
from evals.qa.questions import QUESTIONS, Question
from stockwise.assistant.agent.graph import tool_definitions_chars
from stockwise.assistant.agent.grounding import SCALE, figures_in
from stockwise.assistant.agent.models import choose_model
from stockwise.assistant.agent.planner.answers.registry import failures as writer_failures
from stockwise.assistant.agent.prompts import system_prompt
from stockwise.assistant.agent.registry import ToolRegistry
from stockwise.assistant.agent.session import open_session
from stockwise.assistant.reports import report_tools
from stockwise.assistant.startup import open_context
from stockwise.tools.core.settings import get_settings

REL_TOL = 0.005
TARGETS = {"correct": 0.90, "grounded": 1.0, "declined": 1.0}


def figure_found(expected: float, answer: str) -> bool:
    if math.isinf(expected):
        return any(w in answer.lower() for w in ("unlimited", "unbounded", "no demand"))
    for _, value, decimals, suffix in figures_in(answer):
        shown = value * SCALE.get(suffix, 1)
        half = 0.5 * 10 ** (-decimals) * SCALE.get(suffix, 1)
        if abs(abs(shown) - abs(expected)) <= max(REL_TOL * abs(expected), half) + 1e-9:
            return True
    return False


def score(q: Question, result: dict, oracle: Oracle) -> dict:
    called = [s["tool"] for s in result["sources"]]
    answer = str(result["answer"])
    row = {
        "qid": q.qid,
        "question": q.text,
        "called": called,
        "ms": result["timings_ms"]["answer"],
        "model_calls": result["model_calls"],
        "prompt_chars": result["prompt_chars"],
        "grounded": not result["ungrounded"],
    }
    if q.unanswerable:
        row["declined"] = not called and not figures_in(answer)
        row["tool_match"] = not called
        row["correct"] = row["declined"]
        return row
    figures = q.figures(oracle)
    ids = [str(i) for i in q.ids(oracle)]
    missing = [f for f in figures if not figure_found(float(f), answer)]
    missing += [i for i in ids if i.lower() not in answer.lower()]
    row.update(
        tool_match=set(called) == set(q.tools),
        correct=not missing and bool(called),
        missing=missing,
        expected_tools=list(q.tools),
    )
    return row


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p * len(ordered)) - 1))]


def summarise(rows: list[dict], endpoint: str | None) -> dict:
    answerable = [r for r in rows if "declined" not in r]
    unanswerable = [r for r in rows if "declined" in r]
    latencies = [r["ms"] for r in rows]
    summary = {
        "questions": len(rows),
        "model": endpoint or "offline planner",
        "correct": sum(r["correct"] for r in answerable) / max(1, len(answerable)),
        "tool_match": sum(r["tool_match"] for r in rows) / max(1, len(rows)),
        "grounded": sum(r["grounded"] for r in rows) / max(1, len(rows)),
        "declined": sum(r["declined"] for r in unanswerable) / max(1, len(unanswerable)),
        "latency_p50_ms": pct(latencies, 0.5),
        "latency_p95_ms": pct(latencies, 0.95),
        "warm_latency_p50_ms": pct([r["ms"] for r in rows if r.get("warm")], 0.5),
        "warm_latency_p95_ms": pct([r["ms"] for r in rows if r.get("warm")], 0.95),
        "writer_failures": sum(r["writer_failures"] for r in rows),
    }
    if endpoint:
        calls = [r["model_calls"] for r in answerable]
        one_tool = [r["model_calls"] for r in answerable if len(r["expected_tools"]) == 1]
        chars = [c for r in rows for c in r["prompt_chars"]]
        summary.update(
            model_calls_per_question=statistics.mean(calls) if calls else 0,
            model_calls_per_one_tool_question=statistics.mean(one_tool) if one_tool else 0,
            prompt_chars_per_call_p50=pct(chars, 0.5),
            prompt_chars_per_call_max=max(chars, default=0),
        )
    return summary


def prompt_fixed_chars(session, extra_tools) -> dict:  # type: ignore[no-untyped-def]
    """What every call to an endpoint carries before the conversation: the system prompt
    and the tool definitions, in characters."""
    dataset = session.ctx.dataset
    system = system_prompt(dataset.name, str(dataset.as_of), dataset.currency)
    tools = ToolRegistry(session.ctx, extra_tools=extra_tools).tools
    return {
        "system_prompt_chars": len(system),
        "tool_definitions_chars": tool_definitions_chars(tools),
    }


def oracle_folder(settings) -> Path:  # type: ignore[no-untyped-def]
    if settings.dataset:
        return Path(settings.dataset)
    return settings.demo_dir


def main(model: str | None = None, limit: int | None = None, as_json: bool = False) -> int:
    settings = get_settings()
    if model:
        settings = settings.model_copy(update={"llm_model": model})
    questions = QUESTIONS[:limit] if limit else QUESTIONS
    console = Console(stderr=as_json)
    rows = []
    seen: set[str] = set()
    start = time.perf_counter()
    writer_failures.reset()
    ctx = open_context(settings)
    choice = choose_model(settings, ctx)
    extra_tools = report_tools(choice)  # as the CLI and the service add it
    with open_session(ctx, choice, extra_tools=extra_tools) as session:
        oracle = Oracle(oracle_folder(settings))
        run_id = session.new_thread()
        for q in questions:
            thread = f"qa-{run_id}-{q.thread or q.qid}"
            failed_before = writer_failures.total()
            result = session.ask(q.text, thread)
            row = score(q, result, oracle)
            row["writer_failures"] = writer_failures.total() - failed_before
            # Warm: every tool it called had run before in this process (no index or model
            # built on first use), which is what a long-running chat or service sees.
            row["warm"] = set(row["called"]) <= seen
            seen.update(row["called"])
            rows.append(row)
        endpoint = session.choice.endpoint
        fixed = prompt_fixed_chars(session, extra_tools)
    summary = summarise(rows, endpoint)
    if endpoint:
        summary.update(fixed)
    summary["wall_s"] = round(time.perf_counter() - start, 1)
    if as_json:
        print(json.dumps({"summary": summary, "rows": rows}, indent=2, default=str))
    else:
        print_report(console, rows, summary)
    return 0 if passed(summary) else 1


def passed(summary: dict) -> bool:
    """Every target met, and no answer writer failed (a failure is a bug, even when the
    digest it left still carried the figures)."""
    return all(summary[k] >= v for k, v in TARGETS.items()) and not summary["writer_failures"]


def why_missed(row: dict) -> str:
    reasons = []
    if row.get("missing"):
        reasons.append(", ".join(str(m) for m in row["missing"]))
    if not row["grounded"]:
        reasons.append("ungrounded")
    if row["writer_failures"]:
        reasons.append(f"answer writer failed {row['writer_failures']}x (digest shown)")
    return "; ".join(reasons)


def print_report(console: Console, rows: list[dict], summary: dict) -> None:
    failed = [
        r
        for r in rows
        if not (r["correct"] and r["tool_match"] and r["grounded"]) or r["writer_failures"]
    ]
    if failed:
        table = Table(title="Questions that missed", title_justify="left")
        for col in ("qid", "question", "called", "expected", "missing"):
            table.add_column(col)
        for r in failed:
            table.add_row(
                r["qid"],
                r["question"],
                ", ".join(r["called"]),
                ", ".join(r.get("expected_tools", [])),
                why_missed(r),
            )
        console.print(table)
    table = Table(title="Q&A eval", title_justify="left")
    table.add_column("score")
    table.add_column("value", justify="right")
    table.add_column("target", justify="right")
    for key, value in summary.items():
        target = TARGETS.get(key)
        if key in ("correct", "tool_match", "grounded", "declined"):
            shown = f"{value:.1%}"
        elif key.startswith("model_calls"):
            shown = f"{value:.2f}"  # 2.00 is the target for a one-tool question
        else:
            shown = f"{value:.0f}" if isinstance(value, float) else str(value)
        if key == "writer_failures":
            table.add_row(key, shown, "0")
        else:
            table.add_row(key, shown, f">= {target:.0%}" if target is not None else "")
    console.print(table)
