"""Warm start: before the service says it is ready, do the work its first requests would
otherwise do at the users' expense. The tools import their heavy libraries lazily (a
forecaster, a vector store, report rendering: seconds each), and each tool builds its
derived tables on first use; 50 clients arriving at once each paid for that, several times
over, in the first minute (p99 18 s against 2 s warm). So the lifespan imports every tool
module and asks representative questions through the graph on a throwaway thread (with
the offline planner only: a model server is not called for this), then freezes what
start-up allocated out of the garbage collector's way."""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import time
import uuid
from typing import Any

from stockwise.assistant.agent.registry import domain_tools
from stockwise.assistant.agent.session import AgentSession

log = logging.getLogger("stockwise.service")


def warm_up_questions(session: AgentSession) -> list[str]:
    """Questions that touch the graph, the stock tables, WIP, anomalies and the forecaster;
    the item is one of the dataset's own, so any plant's data answers them."""
    items = session.ctx.dataset.items["item_id"]
    item = str(items.iloc[0]) if len(items) else "1"
    return [
        "what is below reorder point?",
        f"how many of item {item} do we have?",
        "what is our WIP worth?",
        "any anomalies in stock?",
        f"forecast demand for item {item}",
    ]


def warm_up(session: AgentSession) -> dict[str, Any]:
    """Imports, questions and a frozen heap; what it took (for the log and /readyz)."""
    started = time.perf_counter()
    if session.choice.endpoint is None:
        from stockwise.assistant.agent.planner.semantic import warm_up as load_encoder

        load_encoder()  # the planner's meaning encoder, on the other core meanwhile
    modules = sorted({fn.__module__ for fn in domain_tools()})
    for module in modules:
        importlib.import_module(module)
    imported = time.perf_counter()
    try:  # the document index and its embedding engine, once per process
        from stockwise.tools.documents.search import warm as warm_documents

        warm_documents(session.ctx)
    except Exception as error:  # a cold start is slower, never a failed one
        log.warning("warm-up of the document index failed: %s", error)
    asked = 0
    if session.choice.endpoint is None:
        for question in warm_up_questions(session):
            thread = f"warm-up-{uuid.uuid4().hex[:12]}"
            try:
                session.ask(question, thread)
                asked += 1
            except Exception as error:  # a cold start is slower, never a failed one
                log.warning("warm-up question %r failed: %s", question, error)
            finally:
                _forget(session, thread)
    # What start-up allocated (a million objects of pandas, numpy, LangChain) stays for
    # the process's life: frozen, the collector no longer walks it on every full pass.
    gc.collect()
    gc.freeze()
    figures = {
        "modules": len(modules),
        "questions": asked,
        "imports_s": round(imported - started, 2),
        "total_s": round(time.perf_counter() - started, 2),
    }
    log.info(
        "warm: %(modules)d tool modules imported in %(imports_s)ss, %(questions)d questions "
        "asked, %(total_s)ss in all",
        figures,
    )
    return figures


def _forget(session: AgentSession, thread: str) -> None:
    saver = getattr(session.graph, "checkpointer", None)
    if saver is not None and hasattr(saver, "delete_thread"):
        with contextlib.suppress(Exception):  # a leftover warm-up thread harms nothing
            saver.delete_thread(thread)
