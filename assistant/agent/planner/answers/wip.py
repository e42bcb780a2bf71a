"""Answers for the shop floor: open WIP orders, WIP value, stalled orders, and the components
open orders still need."""

from __future__ import annotations

from stockwise.assistant.agent.planner.answers.registry import writer
from stockwise.assistant.agent.planner.answers.words import (
    MAX_ROWS,
    Scope,
    bullets,
    count,
    date,
    days,
    ignored_filters,
    join,
    left_out,
    md,
    money,
    num,
    params_of,
    qty,
)
from stockwise.assistant.agent.planner.answers.words import text as plain


def _as_of(data: dict) -> str:
    evidence = data.get("evidence") or {}
    return date(evidence.get("as_of")) if evidence.get("as_of") else ""


@writer("open_wip_orders")
def open_wip_orders(data: dict, scope: Scope) -> list[str]:
    orders, n = data["orders"], data["count"]
    params = params_of(data)
    if not n:
        return ["No production order is open (released or in progress).", ""]
    by_stage = sorted((data.get("by_stage") or {}).items(), key=lambda sc: -sc[1])
    stages = ", ".join(f"{s} {num(c)}" for s, c in by_stage)
    today = _as_of(data)
    lines = []
    for o in orders[:MAX_ROWS]:
        due = o.get("due_date")
        late = " (past due)" if due and today and date(due) < today else ""
        lines.append(
            f"{o['order_id']} {plain(o.get('product') or o['product_item_id'], 60)} "
            f"({o['product_item_id']}): "
            + join(
                [
                    f"{num(o['qty'])} at {o.get('stage') or 'not started'}"
                    + (
                        f" since {date(o['stage_started_at'])}" if o.get("stage_started_at") else ""
                    ),
                    f"due {date(due)}{late}" if due else "",
                    f"{o.get('site_id', '')} {str(o.get('status', '')).replace('_', ' ')}".strip(),
                ]
            )
        )
    return [
        f"{count(n, 'production order')} {'is' if n == 1 else 'are'} open; "
        f"by current stage: {stages}.",
        "\n".join(bullets(lines)),
        left_out(
            n, min(len(orders), MAX_ROWS), "Ask about one stage, or run `stockwise stock wip`."
        ),
        ignored_filters(params, scope),
    ]


@writer("wip_value")
def wip_value(data: dict, scope: Scope) -> list[str]:
    orders, cur = data["orders"], data.get("currency")
    params = params_of(data)
    complete = len(orders) < params.get("limit", len(orders) + 1)
    across = f" across {count(len(orders), 'open order')}" if complete and orders else ""
    opening = (
        f"Work in progress is worth {money(data['total_value'], cur)}{across}: "
        f"{money(data['total_material'], cur)} of material issued plus "
        f"{money(data['total_conversion'], cur)} of conversion cost (finished stages)."
    )
    if not params.get("order"):
        opening += (
            " That is the WIP value of the open production orders, as the data contract "
            "defines it. Stock of items recorded as WIP, at on hand x unit cost, is a different "
            "figure: the WIP line of inventory value by category."
        )
    if not orders:
        return [opening]
    lines = [
        f"{o['order_id']} (product {o['product_item_id']}, "
        f"{str(o.get('status', '')).replace('_', ' ')}): {money(o['wip_value'], cur)} — "
        f"material {money(o['material_value'])}, conversion {money(o['conversion_value'])}"
        for o in orders[:MAX_ROWS]
    ]
    return [
        opening,
        "Largest first:",
        "\n".join(bullets(lines)),
        left_out(len(orders), MAX_ROWS, "Name an order (e.g. its MO number) for its own value."),
        ignored_filters(params, scope),
    ]


@writer("stalled_orders")
def stalled_orders(data: dict, scope: Scope) -> list[str]:
    orders, n, params = data["orders"], data["count"], params_of(data)
    factor = f"{num(params['factor'])} times" if params.get("factor") else "far beyond"
    if not n:
        return [
            f"No open order is stalled: none has spent more than {factor} its stage's "
            "typical time at its current stage.",
            ignored_filters(params, scope),
        ]
    lines = [
        f"{o['order_id']} (product {o['product_item_id']}, {o.get('site_id')}): at "
        f"{o['stage']} since {date(o['started_at'])}, {days(o['days_at_stage'])} against a "
        f"typical {num(o['typical_days'])} ({num(o['ratio'])}× longer; basis "
        f"{md(str(o.get('typical_basis', '')))})"
        for o in orders[:MAX_ROWS]
    ]
    return [
        f"{count(n, 'order')} {'is' if n == 1 else 'are'} stalled — at the current stage more "
        f"than {factor} the stage's typical time:",
        "\n".join(bullets(lines)),
        left_out(n, min(len(orders), MAX_ROWS), "Run `stockwise stock stalled` for all."),
        ignored_filters(params, scope),
    ]


def alert_line(a: dict) -> str:
    """One stock alert (stockout risk, component needs): what to do by when."""
    short = a.get("lowest_projected")
    return f"{a['item_id']} {plain(a.get('description') or '', 60)} ({a.get('site_id')}, crit " + (
        f"{a.get('criticality') or '-'}): "
        + join(
            [
                f"{num(a['on_hand'])} on hand vs safety stock {num(a['safety_stock'])}",
                f"below safety {date(a['below_safety_on'])}",
                f"runs out {date(a['runs_out_on'])}" if a.get("runs_out_on") else "",
                f"projected {num(-short)} short" if isinstance(short, float) and short < 0 else "",
                f"order by {date(a['order_by'])}",
            ]
        )
    )


@writer("wip_component_needs")
def wip_component_needs(data: dict, scope: Scope) -> list[str]:
    needs, alerts = data["needs"], data["alerts"]
    if not needs:
        return ["The open orders need nothing more from stores."]
    by_order: dict[str, list[dict]] = {}
    for need in needs:
        by_order.setdefault(need["order_id"], []).append(need)
    lines = []
    for order, rows in list(by_order.items())[:MAX_ROWS]:
        parts = [
            f"{r['item_id']} {qty(r['qty'])}"
            + (f" at {r['stage']}" if r.get("stage") else "")
            + f" by {date(r['need_date'])}"
            for r in rows[:4]
        ]
        more = "; …" if len(rows) > 4 else ""
        lines.append(f"{order} (product {rows[0]['product_item_id']}): {'; '.join(parts)}{more}")
    blocks = [
        f"The open orders still need {count(len(needs), 'component line')} from stores"
        + (
            f"; {count(len(alerts), 'stock alert')} listed, soonest first:"
            if alerts
            else ", and stock covers them."
        )
    ]
    if alerts:
        blocks.append("\n".join(bullets([alert_line(a) for a in alerts[:MAX_ROWS]])))
        blocks.append("Needs by order:")
    blocks.append("\n".join(bullets(lines)))
    if len(by_order) > MAX_ROWS:
        blocks.append("Other orders not shown; name one (its MO number) for all its needs.")
    return blocks
