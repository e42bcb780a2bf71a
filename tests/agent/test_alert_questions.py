"""The offline planner answers "what alerts are open?" and "why did you alert on 4412?"
from the alert state the event path keeps (`stock_alerts`, a read tool)."""

from __future__ import annotations

from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver

from stockwise.assistant.agent.graph import build_graph, final_answer
from stockwise.tools.core.settings import get_settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.frames import dataset_from_frames
from stockwise.tools.replenish.alert_state import AlertStore
from stockwise.tools.replenish.alerts import AlertEngine, alerts_path


def ask(graph, question: str) -> dict:
    state = graph.invoke(
        {"messages": [HumanMessage(question)]}, {"configurable": {"thread_id": "a"}}
    )
    return final_answer(state)


def short_of_seals(plant):
    """The tiny plant with one seal kit left at S1: its lead-time demand (about 5 at the
    A items' service) runs it out before an order could arrive."""
    tables = dict(plant.tables)
    levels = tables["stock_levels"].copy()
    levels.loc[(levels["item_id"] == "4410") & (levels["site_id"] == "S1"), "on_hand_qty"] = 1
    tables["stock_levels"] = levels
    return dataset_from_frames(tables, source=plant.source, name=plant.name,
                               currency=plant.currency)  # fmt: skip


def test_open_alerts_and_why_one_was_raised(plant):
    plant = short_of_seals(plant)
    ctx = ToolContext(dataset=plant, settings=get_settings())
    engine = AlertEngine(AlertStore(alerts_path(ctx.settings)), ctx.settings)
    raised = engine.replan(plant).messages
    engine.store.close()
    assert raised, "the tiny plant has items short within their lead time"
    graph = build_graph(ctx, checkpointer=InMemorySaver())
    listed = ask(graph, "what alerts are open?")
    assert [s["tool"] for s in listed["sources"]] == ["stock_alerts"]
    assert f"{len(raised)} stock alert(s) open" in listed["answer"]
    first = raised[0].body
    why = ask(graph, f"why did you alert on {first['item_id']}?")
    assert why["sources"][0]["args"].get("item_id") == first["item_id"]
    assert first["alert_id"] in why["answer"] and "To do: order" in why["answer"]
