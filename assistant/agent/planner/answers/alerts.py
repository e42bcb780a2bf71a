"""The answer to "what alerts are open?" and "why did you alert on 4412?"."""

from __future__ import annotations

from stockwise.assistant.agent.planner.answers.registry import writer
from stockwise.assistant.agent.planner.answers.words import Scope, bullets, params_of


@writer("stock_alerts")
def stock_alerts(data: dict, scope: Scope) -> list[str]:
    alerts, params = data["alerts"], params_of(data)
    item = params.get("item_id")
    if not alerts:
        if item:
            return [f"No stock alert has been raised for {item}."]
        return ["No stock alert is open."]
    lines = [
        f"[{a['alert_id']}] {a['state']} since {a['raised_at'][:10]}: {a['why']}. "
        f"To do: {a['todo']}."
        for a in alerts
    ]
    head = (
        f"Alerts for {item} ({len(alerts)}), newest first:"
        if item
        else f"{len(alerts)} stock alert(s) open, soonest shortage first:"
    )
    return [head, "\n".join(bullets(lines))]
