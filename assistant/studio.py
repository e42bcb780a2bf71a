"""The compiled default graph for `langgraph dev` and LangGraph Studio (`langgraph.json`
points here): the settings' dataset (the demo plant when none is set) and model."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # Built on first access, so importing this module never loads a dataset.
    if name == "graph":
        from stockwise.assistant.agent.graph import build_graph
        from stockwise.assistant.agent.models import choose_model
        from stockwise.assistant.reports import report_tools
        from stockwise.assistant.startup import open_context

        ctx = open_context()
        choice = choose_model(ctx.settings, ctx)
        compiled = build_graph(ctx, choice, extra_tools=report_tools(choice))
        globals()["graph"] = compiled
        return compiled
    raise AttributeError(name)
