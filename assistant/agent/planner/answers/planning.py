"""Answers for planning: forecasts, lead-time demand, demand profiles, reorder policies,
stockout risk, policy simulations and purchase requisitions."""

from __future__ import annotations

from stockwise.assistant.agent.planner.answers.registry import writer
from stockwise.assistant.agent.planner.answers.wip import alert_line
from stockwise.assistant.agent.planner.answers.words import (
    MAX_ROWS,
    Scope,
    bullets,
    category,
    count,
    date,
    days,
    ignored_filters,
    item_name,
    join,
    left_out,
    money,
    num,
    params_of,
    pct,
    qty,
    subject,
)
from stockwise.assistant.agent.planner.answers.words import text as plain

CLASS_MEANING = {
    "smooth": "regular in both timing and size",
    "intermittent": "many periods without demand, sizes fairly regular",
    "erratic": "demand in most periods, sizes vary a lot",
    "lumpy": "many periods without demand and sizes vary a lot",
}


def _range(q: dict) -> str:
    """A forecast's spread in words, from the quantiles the result holds."""
    if not isinstance(q, dict):
        return ""
    parts = [f"p{p} {num(q[f'p{p}'])}" for p in (10, 50, 90) if q.get(f"p{p}") is not None]
    return f"({', '.join(parts)})" if parts else ""


@writer("forecast_demand")
def forecast_demand(data: dict, scope: Scope) -> list[str]:
    f = data["forecast"]
    total = f.get("total") or {}
    at = f" at {scope.site(f['site_id'])}" if f.get("site_id") else ""
    opening = (
        f"{item_name(f)}{at}: {num(f['total_mean'])} expected over the next "
        f"{days(f['horizon_days'])}"
    )
    if total.get("p90") is not None:
        opening += f"; 90% of the time it stays at or below {num(total['p90'])} (p90)"
    blocks = [opening + f". Demand is {f.get('demand_class', 'unclassified')}."]
    sources = join(
        [
            f"planned maintenance {num(f['planned_qty'])}" if f.get("planned_qty") else "",
            f"breakdowns {num(f['breakdown_mean'])} (from {num(f['expected_breakdowns'])} "
            "expected breakdowns)"
            if f.get("breakdown_mean")
            else "",
            f"other demand {num(f['other_mean'])}" if f.get("other_mean") else "",
        ],
        ", ",
    )
    if sources:
        blocks.append(f"Where it comes from: {sources}.")
    periods = [
        f"{date(p['start'])} to {date(p['end'])}: {num(p['mean'])} expected {_range(p)}"
        for p in (f.get("periods") or [])[:MAX_ROWS]
    ]
    if periods:
        blocks.append("By period:")
        blocks.append("\n".join(bullets(periods)))
    planned = [p for p in f.get("planned") or [] if p.get("qty")]
    if planned:
        blocks.append(
            "Planned maintenance: "
            + "; ".join(
                f"{p['plan_id']} on {p.get('equipment_id')} {num(p['qty'])}"
                + (
                    f" (due {', '.join(date(d) for d in p['due_dates'][:3])})"
                    if p.get("due_dates")
                    else ""
                )
                for p in planned[:MAX_ROWS]
            )
            + "."
        )
    return blocks


@writer("lead_time_demand")
def lead_time_demand(data: dict, scope: Scope) -> list[str]:
    lead, q = data.get("lead_time_days"), data.get("quantiles") or {}
    over = f"its lead time of {days(lead)}" if lead is not None else "its lead time"
    return [
        f"Over {over}, {data['item_id']} uses {num(data['mean'])} on average; to cover "
        f"{pct(data['service_level'])} of lead times, plan for "
        f"{num(data['quantile_at_service_level'])} {_range(q)}.",
        f"Method: {plain(data['method'])}." if data.get("method") else "",
    ]


@writer("demand_profile")
def demand_profile(data: dict, scope: Scope) -> list[str]:
    kind = str(data.get("demand_class", "unclassified"))
    meaning = CLASS_MEANING.get(kind)
    shares = join(
        [
            f"preventive maintenance {pct(data['share_preventive'])}",
            f"corrective maintenance {pct(data['share_corrective'])}",
            f"other {pct(data['share_other'])}",
        ],
        ", ",
    )
    last = data.get("last_12_months") or []
    # An item never drawn has no pattern to name: "is no_demand" read as a class of its own.
    opening = (
        f"{data['item_id']} has had no demand"
        if kind == "no_demand"
        else f"Demand for {data['item_id']} is {kind}" + (f" ({meaning})" if meaning else "")
    )
    return [
        f"{opening}: "
        f"demand in {num(data['months_with_demand'])} of {count(data['months'], 'month')}, "
        f"{num(data['total_demand'])} in total (ADI {num(data['adi'])}, CV² {num(data['cv2'])}).",
        f"Share of demand: {shares}.",
        f"Last {count(len(last), 'month')}, oldest first: {', '.join(num(v) for v in last)}."
        if last
        else "",
    ]


def _problems(data: dict) -> str:
    return "; ".join(plain(p) for p in data["problems"])


def _policy_line(r: dict, measure: str = "") -> str:
    def was(now: object) -> str:
        return f" (now {num(now)})" if now is not None else ""

    return (
        f"{item_name(r)} ({r['site_id']}, crit {r['criticality']}, target "
        f"{pct(r['target_service'])}{' ' + measure if measure else ''}): "
        + join(
            [
                f"reorder point {num(r['recommended_reorder_point'])}"
                f"{was(r.get('current_reorder_point'))}",
                f"order qty {num(r['recommended_order_qty'])}{was(r.get('current_order_qty'))}",
                f"safety stock {num(r['recommended_safety_stock'])}",
                f"on hand {num(r['on_hand'])}" + (", reorder now" if r.get("reorder_now") else ""),
            ]
        )
    )


@writer("recommend_reorder")
def recommend_reorder(data: dict, scope: Scope) -> list[str]:
    rows, params = data["rows"], params_of(data)
    problems = (
        [f"Could not compute: {'; '.join(plain(p) for p in data['problems'])}."]
        if data.get("problems")
        else []
    )
    if not rows:
        return ["No item fits that, so there is no policy to recommend.", *problems]
    measure = str(data.get("measure", "fill_rate")).replace("_", " ")
    if len(rows) == 1 and data.get("total_rows", 1) == 1:
        r = rows[0]
        lead = (
            f" Lead time {days(r['lead_time_days'])}, demand over it "
            f"{num(r['lead_time_demand_mean'])} on average."
            if r.get("lead_time_days") is not None and r.get("lead_time_demand_mean") is not None
            else ""
        )
        return [
            f"Recommended for {_policy_line(r, measure)}.{lead}",
            f"Stock value this policy holds: {money(r['recommended_stock_value'])}, against "
            f"{money(r['current_stock_value'])} under the current one.",
            plain(r["note"]) if r.get("note") else "",
            *problems,
        ]
    return [
        f"Recommended policy for {count(data['total_rows'], 'item-site row')} "
        f"({subject(params, scope)}, {measure} targets by criticality): stock value "
        f"{money(data['recommended_stock_value'])}, against {money(data['current_stock_value'])} "
        "under the current policies.",
        "\n".join(bullets([_policy_line(r) for r in rows[:MAX_ROWS]])),
        left_out(data["total_rows"], min(len(rows), MAX_ROWS), "Name an item, a site or a group."),
        *problems,
        ignored_filters(params, scope),
    ]


@writer("stockout_risk")
def stockout_risk(data: dict, scope: Scope) -> list[str]:
    alerts, params = data["alerts"], params_of(data)
    n = data["total_alerts"]
    horizon = params.get("horizon_days")
    within = f" within {days(horizon)}" if horizon else ""
    what = subject(params, scope, many=n != 1)
    wait = data.get("can_wait") or []
    waiting = f" Can wait: {', '.join(str(w) for w in wait[:MAX_ROWS])}." if wait else ""
    if not n:
        return [f"No {subject(params, scope)} at risk of a stockout{within}.{waiting}"]
    return [
        f"{num(n)} {what} {'is' if n == 1 else 'are'} at risk of a stockout{within} "
        f"(counted per site), soonest first:",
        "\n".join(bullets([alert_line(a) for a in alerts[:MAX_ROWS]])),
        left_out(n, min(len(alerts), MAX_ROWS), "Narrow by site, group or criticality."),
        waiting.strip(),
        ignored_filters(params, scope),
    ]


def _sim_line(name: str, chosen: dict, now: dict | None) -> str:
    def vs(key: str, shown: str) -> str:
        return f" vs {shown} now" if now is not None and now.get(key) is not None else ""

    target = (
        f" (target {pct(chosen['target_fill_rate'])})" if chosen.get("target_fill_rate") else ""
    )
    return f"{name} ({count(chosen['items'], 'item')}): " + join(
        [
            f"fill rate {pct(chosen['fill_rate'])}{target}"
            + vs("fill_rate", pct(now and now["fill_rate"])),
            f"stockout days {num(chosen['stockout_days'])}"
            + vs("stockout_days", num(now and now["stockout_days"])),
            f"emergency orders {num(chosen['emergency_orders'])}"
            + vs("emergency_orders", num(now and now["emergency_orders"])),
            f"average stock value {money(chosen['average_inventory_value'])}"
            + vs("average_inventory_value", money(now and now["average_inventory_value"])),
        ]
    )


@writer("simulate_policy")
def simulate_policy(data: dict, scope: Scope) -> list[str]:
    figures = data["figures"]
    if not figures:
        return [f"Nothing to replay from {date(data['start'])} to {date(data['end'])}."]
    chosen = figures[0]["policy"]
    table = {(f["policy"], f["group"], f["criticality"]): f for f in figures}
    total = table.get((chosen, "all", "all"), figures[0])
    now = table.get(("current", "all", "all")) if chosen != "current" else None
    opening = (
        f"Replaying {date(data['start'])} to {date(data['end'])} of real demand under the "
        f"{chosen} policy: fill rate {pct(total['fill_rate'])}, "
        f"{num(total['emergency_orders'])} emergency orders, average stock value "
        f"{money(total['average_inventory_value'])}"
    )
    if now is not None:
        opening += (
            f" — against {pct(now['fill_rate'])}, {num(now['emergency_orders'])} and "
            f"{money(now['average_inventory_value'])} under the current policy"
        )
    change = data.get("inventory_change")
    if now is not None and change is not None:
        opening += f" (stock value {'+' if change > 0 else ''}{pct(change)})"
    groups = sorted({f["group"] for f in figures if f["policy"] == chosen})
    group = "all" if "all" in groups else groups[0]
    lines = [
        _sim_line(
            "All criticalities" if crit == "all" else f"Criticality {crit}",
            f,
            table.get(("current", group, crit)) if chosen != "current" else None,
        )
        for (pol, grp, crit), f in table.items()
        if pol == chosen and grp == group
    ]
    label = "" if group == "all" else f" ({category(group, plural=True)})"
    return [opening + ".", f"By criticality{label}:", "\n".join(bullets(lines))]


def path_text(path: str | None) -> str:
    """A file path as a code span: shown as typed (Markdown escapes would show in it)."""
    return "`" + str(path or "").replace("`", "") + "`"


@writer("draft_purchase_requisitions")
def draft_purchase_requisitions(data: dict, scope: Scope) -> list[str]:
    drafts = data["drafts"]
    problems = (
        [f"Not drafted: {'; '.join(plain(p) for p in data['problems'])}."]
        if data.get("problems")
        else []
    )
    if not drafts:
        return [
            "Nothing needs a purchase requisition: no item is at or below its recommended "
            "reorder point.",
            *problems,
        ]
    state = (
        f"approved by {plain(data.get('approved_by') or '')} and written to "
        f"{path_text(data.get('path'))} (and as JSON lines to {path_text(data.get('json_path'))})"
        if data.get("written")
        else "drafted; they wait for your approval before anything is written"
    )
    lines = [
        f"{d['requisition_id']}: {qty(d['qty'], d.get('uom'))} of {item_name(d)} for "
        f"{d['site_id']}"
        + (f" from {d['supplier_id']}" if d.get("supplier_id") else "")
        + f", {money(d['value'])}, need by {date(d['need_by'])} — {plain(d['reason'], 120)}"
        for d in drafts[:MAX_ROWS]
    ]
    return [
        f"{count(len(drafts), 'purchase requisition')} {state}, "
        f"{money(data['total_value'])} in total:",
        "\n".join(bullets(lines)),
        left_out(len(drafts), MAX_ROWS, "Narrow by site or group to see the others."),
        *problems,
    ]


@writer("write_audit_report")
def write_audit_report(data: dict, scope: Scope) -> list[str]:
    where = f" for {plain(data['site'])}" if data.get("site") else " for all sites"
    return [
        f"The inventory audit report for {plain(data['period'])}{where} is written to "
        f"{path_text(data.get('path'))} ({data['format']}), with "
        f"{count(data['figures_traced'], 'figure')} traced to the tool calls behind them.",
        "Sections: " + "; ".join(plain(s) for s in data.get("sections", [])) + ".",
    ]
