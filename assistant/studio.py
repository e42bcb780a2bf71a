"""The compiled default graph for `langgraph dev` and LangGraph Studio (`langgraph.json`
points here): the settings' dataset (the demo plant when none is set) and model."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # Built on first access, so importing this module never loads a dataset.
    if name == "graph":
        from stockwise.assistant.agent.graph import build_graph
        from stockwise.assistant.startup import open_context

        compiled = build_graph(open_context())
        globals()["graph"] = compiled
        return compiled
    raise AttributeError(name)
