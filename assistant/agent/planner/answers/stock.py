"""Answers for the stock questions: on hand, finding items, movements, demand, reorder
point, days of cover and run-outs."""

from __future__ import annotations

from stockwise.assistant.agent.planner.answers.registry import writer
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
    md,
    money,
    num,
    params_of,
    qty,
    signed,
    subject,
    window,
)


def _site_line(site: dict, uom: str | None, scope: Scope) -> str:
    where = scope.site(site["site_id"], site.get("site_name"))
    line = f"{where}: {qty(site['on_hand'], uom)} (value {money(site.get('value'))})"
    rop = site.get("reorder_point")
    if rop is not None:
        low = " — at or below it" if site["on_hand"] <= rop else ""
        line += f", reorder point {num(rop)}{low}"
    return line


def _one_item(item: dict, site: str | None, scope: Scope) -> list[str]:
    uom, sites = item.get("uom"), item.get("sites") or []
    at = f" at {scope.site(site)}" if site else ""
    head = (
        f"{item_name(item)}{at}: {qty(item['on_hand'], uom)} on hand (value {money(item['value'])})"
    )
    if site and not sites:
        return [f"{head}; there is no stock record for it there."]
    if len(sites) > 1:
        return [f"{head}, by site:", "\n".join(bullets([_site_line(s, uom, scope) for s in sites]))]
    if not sites:
        return [f"{head}."]
    only = sites[0]
    where = (
        "" if site else f", stocked only at {scope.site(only['site_id'], only.get('site_name'))}"
    )
    rop = only.get("reorder_point")
    if rop is not None:
        low = ", so it is at or below it" if only["on_hand"] <= rop else ""
        where += f"; reorder point {num(rop)}{low}"
    return [f"{head}{where}."]


@writer("on_hand")
def on_hand(data: dict, scope: Scope) -> list[str]:
    items, params = data["items"], params_of(data)
    site = params.get("site")
    if len(items) == 1:
        return _one_item(items[0], site, scope)
    at = f" at {scope.site(site)}" if site else ""
    asked = md(str(params.get("item", "that")))
    if not items:
        return [f"No stock record for {asked}{at}."]
    rows = []
    for item in items[:MAX_ROWS]:
        sites = item.get("sites") or []
        per_site = ", ".join(f"{s['site_id']} {num(s['on_hand'])}" for s in sites)
        rows.append(
            f"{item_name(item)}: {qty(item['on_hand'], item.get('uom'))}{at} "
            f"(value {money(item['value'])})" + (f" — {per_site}" if len(sites) > 1 else "")
        )
    return [
        f"{count(len(items), 'item')} fit '{asked}'; on hand:",
        "\n".join(bullets(rows)),
        left_out(len(items), MAX_ROWS, "Name one by its item id."),
    ]


@writer("find_items")
def find_items(data: dict, scope: Scope) -> list[str]:
    items, query = data["items"], md(str(data.get("query", "")))
    if not items:
        return [f"No item matches '{query}'."]
    rows = [
        f"{item_name(i)} ({join([category(i.get('category')), i.get('uom', '')], ', ')}) — "
        f"{qty(i.get('on_hand'), i.get('uom'))} on hand"
        for i in items[:MAX_ROWS]
    ]
    if len(items) == 1:
        return [f"One item matches '{query}': {rows[0]}."]
    return [
        f"{count(len(items), 'item')} match '{query}', closest first:",
        "\n".join(bullets(rows)),
    ]


@writer("movements")
def movements(data: dict, scope: Scope) -> list[str]:
    item, uom = data["item"], data["item"].get("uom")
    span = f"from {date(data.get('start'))} to {date(data.get('end'))}"
    site = params_of(data).get("site")
    at = f" at {scope.site(site)}" if site else ""
    if not data["count"]:
        return [f"No movements of {item_name(item)}{at} {span}."]
    by_type = ", ".join(
        f"{t.replace('_', ' ')} {signed(q)}" for t, q in (data.get("qty_by_type") or {}).items()
    )
    rows = [
        join(
            [
                f"{date(m['ts'])} {m.get('site_id', '')}",
                f"{m['txn_type'].replace('_', ' ')} {signed(m['qty'])} {uom or ''}".rstrip(),
                f"{(m.get('ref_type') or '').replace('_', ' ')} {m.get('ref_id') or ''}".strip(),
            ]
        )
        for m in data["movements"][:MAX_ROWS]
    ]
    return [
        f"{count(data['count'], 'movement')} of {item_name(item)}{at} {span}; "
        f"net {qty(signed(data['net_qty']), uom)} ({by_type}). Latest first:",
        "\n".join(bullets(rows)),
        left_out(data["count"], MAX_ROWS, "Ask for a shorter period to see the rest."),
    ]


def _worth(data: dict, unit_cost: float | None, uom: str | None) -> str:
    """The money figure of a demand answer, saying which cost it is: standard unit cost, not
    prices paid (the data holds none)."""
    if data.get("value") is None:
        return "."
    each = f", {money(unit_cost)} per {uom}" if unit_cost is not None and uom else ""
    return (
        f"; worth {money(data['value'], data.get('currency'))} at standard unit cost{each}. "
        "That is the value of the stock used, at the items' standard cost; the data holds no "
        "purchase prices, so it is not the amount invoiced."
    )


@writer("demand")
def demand(data: dict, scope: Scope) -> list[str]:
    params, top = params_of(data), data.get("top_items") or []
    span = f"from {date(data['start'])} to {date(data['end'])} ({days(data['days'])})"
    site = params.get("site")
    at = f" at {scope.site(site)}" if site else ""
    if params.get("item") and len(top) <= 1:
        uom = top[0].get("uom") if top else None
        what = item_name(top[0]) if top else md(str(params["item"]))
        if not data["demand"]:
            return [f"No demand for {what}{at} {span}: nothing was issued."]
        return [
            f"Demand for {what}{at} {span}: {qty(data['demand'], uom)}, "
            f"on average {qty(data['avg_daily_demand'], uom)} a day"
            + _worth(data, top[0].get("unit_cost") if top else None, uom)
        ]
    if not top:
        return [f"No demand for {subject(params, scope)} {span}."]
    n = data["items_in_group"]
    rows = [
        f"{item_name(r)}: {qty(r['demand'], r.get('uom'))}"
        + (f", {money(r['value'], data.get('currency'))}" if r.get("value") is not None else "")
        for r in top[:MAX_ROWS]
    ]
    return [
        f"Demand for {num(n)} {subject(params, scope, many=n != 1)} {span}: "
        f"{num(data['demand'])} in total, {num(data['avg_daily_demand'])} a day "
        "(each item counted in its own unit)" + _worth(data, None, None) + " Largest first:",
        "\n".join(bullets(rows)),
        left_out(n, min(len(top), MAX_ROWS), "Name an item to see its own figures."),
    ]


@writer("below_reorder_point")
def below_reorder_point(data: dict, scope: Scope) -> list[str]:
    params, rows = params_of(data), data["rows"]
    if not data["count"]:
        return [
            f"No {subject(params, scope)} at or below the reorder point.",
            ignored_filters(params, scope),
        ]
    crit = "" if params.get("criticality") else ", crit {}"
    lines = [
        f"{item_name(r)} ({r.get('site_id')}{crit.format(r.get('criticality') or '-')}): "
        f"{qty(r['on_hand'], r.get('uom'))} on hand vs reorder point {num(r['reorder_point'])}"
        f" — short {num(r['shortfall'])}"
        + (f", order qty {num(r['reorder_qty'])}" if r.get("reorder_qty") is not None else "")
        for r in rows[:MAX_ROWS]
    ]
    n = data["count"]
    per_site = "" if params.get("site") else " (one row per item and site)"
    return [
        f"{num(n)} {subject(params, scope, many=n != 1)} {'is' if n == 1 else 'are'} at or "
        f"below the reorder point{per_site}. Criticality A first, then the largest shortfall:",
        "\n".join(bullets(lines)),
        left_out(
            n,
            min(len(rows), MAX_ROWS),
            "Narrow by site, category or criticality, or run `stockwise stock below-rop --json`.",
        ),
        ignored_filters(params, scope),
    ]


def _cover_parts(r: dict) -> list[str]:
    uom = r.get("uom")
    cover = r.get("days_of_cover")
    return [
        f"{qty(r['on_hand'], uom)} on hand",
        f"{qty(r['avg_daily_demand'], uom)}/day",
        "no demand, cover unlimited" if cover is None else f"{days(cover)} of cover",
        f"lead time {days(r['lead_time_days'])}" if r.get("lead_time_days") is not None else "",
    ]


@writer("days_of_cover")
def days_of_cover(data: dict, scope: Scope) -> list[str]:
    r = data["cover"]
    uom, cover, lead = r.get("uom"), r.get("days_of_cover"), r.get("lead_time_days")
    site = params_of(data).get("site")
    at = f" at {scope.site(site)}" if site else ""
    span = window(data)
    if data.get("stock_record") is False:
        where = at or " at any site"
        return [
            f"{item_name(r)} has no stock record{where}, so there is no on hand figure and no "
            f"days of cover to give{' there' if site else ''}."
        ]
    if cover is None:
        return [
            f"{item_name(r)}{at}: {qty(r['on_hand'], uom)} on hand and no demand in {span}, "
            "so cover is unlimited."
        ]
    use = f"{qty(r['avg_daily_demand'], uom)} a day ({qty(r['demand_90d'], uom)} used in {span})"
    if r["on_hand"] <= 0:
        opening = f"{item_name(r)}{at} is out of stock ({days(cover)} of cover); it uses {use}."
    else:
        opening = (
            f"{item_name(r)}{at} has {days(cover)} of cover: {qty(r['on_hand'], uom)} on hand "
            f"at {use}."
        )
    if lead is None:
        return [opening, "Its lead time is not recorded, so I cannot say if it lasts."]
    if r["on_hand"] <= 0:
        verdict = "nothing is on the shelf until an order arrives"
    elif r.get("runs_out_within_lead_time"):
        verdict = "it runs out before an order placed today would arrive"
    else:
        verdict = "it lasts longer than that"
    return [opening, f"Lead time {days(lead)}: {verdict}."]


@writer("run_out_within")
def run_out_within(data: dict, scope: Scope) -> list[str]:
    params, items = params_of(data), data["items"]
    within = params.get("within", "lead_time")
    by_lead = within == "lead_time"
    horizon = "within their lead time" if by_lead else f"within {days(within)}"
    what = subject(params, scope, many=data["count"] != 1)
    if not data["count"]:
        return [f"No {subject(params, scope)} run out {horizon}.", ignored_filters(params, scope)]
    verb = "runs" if data["count"] == 1 else "run"
    why = (
        ": their days of cover are below their lead time, so an order placed today arrives too late"
        if by_lead
        else ""
    ) + f" (days of cover at the average daily demand of {window(data)})"
    opening = f"{num(data['count'])} {what} {verb} out {horizon}{why}."
    zero = [r["item_id"] for r in items if r.get("on_hand") == 0]
    if zero and data["count"] <= MAX_ROWS:
        opening += f" Already at zero: {', '.join(zero)}."
    by_crit = not params.get("criticality")
    lines = [
        f"{item_name(r)}"
        + (f" (crit {r['criticality']})" if by_crit and r.get("criticality") else "")
        + f": {join(_cover_parts(r))}"
        for r in items[:MAX_ROWS]
    ]
    return [
        opening,
        "\n".join(bullets(lines)),
        left_out(
            data["count"],
            min(len(items), MAX_ROWS),
            "Shortest cover first; narrow by site, category or criticality, "
            "or run `stockwise stock run-out --json`.",
        ),
        ignored_filters(params, scope),
    ]
