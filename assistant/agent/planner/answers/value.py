"""Answers for money questions about stock: inventory value, book vs on-hand variances,
slow-moving and excess stock."""

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
    left_out,
    money,
    num,
    params_of,
    pct,
    qty,
    signed,
    window,
)

GROUP_WORD = {"category": "category", "mro_subtype": "MRO subtype", "uom": "unit"}


def _group_name(by: str, group: dict, scope: Scope) -> str:
    key = group.get("key")
    if by == "category":
        return category(key)
    if by == "mro_subtype":
        return str(key).replace("_", " ")
    if by == "site":
        return scope.site(key, group.get("name"))
    return f"{key} {group['name']}" if group.get("name") else str(key)


@writer("inventory_value")
def inventory_value(data: dict, scope: Scope) -> list[str]:
    by, cur, groups = data.get("by", "category"), data.get("currency"), data["groups"]
    params = params_of(data)
    site = params.get("site")
    at = f" at {scope.site(site)}" if site else ""
    what = _filtered_stock(params)
    if not groups:
        return [f"No {what.lower()}{at}: inventory value {money(data['total_value'], cur)}."]
    rows = [
        f"{_group_name(by, g, scope)}: {money(g['value'], cur)} ({pct(g['share'])}"
        + (f", {count(g['items'], 'item')})" if g.get("items") is not None else ")")
        for g in groups[:MAX_ROWS]
    ]
    wip = next((g for g in groups if by == "category" and g.get("key") == "wip"), None)
    if what != "Inventory" and len(groups) == 1:
        items = groups[0].get("items")
        held = f" ({count(items, 'item')} in stock)" if items is not None else ""
        return [f"{what}{at} is worth {money(data['total_value'], cur)}{held}."]
    return [
        f"{what}{at} is worth {money(data['total_value'], cur)}. "
        f"By {GROUP_WORD.get(by, by)}, largest first:",
        "\n".join(bullets(rows)),
        left_out(len(groups), MAX_ROWS, f"Ask about one {GROUP_WORD.get(by, by)} for its figure."),
        (
            f"The WIP line ({money(wip['value'], cur)}) is stock of items recorded as WIP, at on "
            "hand x unit cost. The value of work in progress on open production orders "
            "(material issued plus conversion cost, the data contract's WIP value) is a "
            'different figure: ask "what is our WIP worth?".'
        )
        if wip
        else "",
    ]


def _filtered_stock(params: dict) -> str:
    """How the answer names the stock it values: "Inventory", or the filters asked for
    ("Criticality A MRO spare part stock")."""
    words = []
    if params.get("criticality"):
        words.append(f"Criticality {params['criticality']}")
    if params.get("category"):
        words.append(category(params["category"]))
    if params.get("mro_subtype"):
        words.append(str(params["mro_subtype"]).replace("_", " "))
    if not words:
        return "Inventory"
    text = " ".join(words) + " stock"
    return text[0].upper() + text[1:]


@writer("variance")
def variance(data: dict, scope: Scope) -> list[str]:
    params, rows, n = params_of(data), data["rows"], data["count"]
    site = params.get("site")
    at = f" at {scope.site(site)}" if site else ""
    if not n:
        return [f"On hand matches the books{at}: no variance.", ignored_filters(params, scope)]
    lines = [
        f"{item_name(r)} ({r.get('site_id')}): counted {qty(r['on_hand'], r.get('uom'))}, "
        f"books say {num(r['book_balance'])}: variance {qty(signed(r['variance']), r.get('uom'))}, "
        f"value {signed(r['variance_value'], as_money=True)}"
        for r in rows[:MAX_ROWS]
    ]
    one = n == 1
    return [
        f"{count(n, 'item-site row')}{at} {'has' if one else 'have'} a variance between on hand "
        f"and the book balance: net value {money(data['net_value'])}, absolute "
        f"{money(data['abs_value'])}. Largest value first:",
        "\n".join(bullets(lines)),
        left_out(n, min(len(rows), MAX_ROWS), "Run `stockwise stock variance --json` for all."),
        ignored_filters(params, scope),
    ]


@writer("slow_moving_and_excess")
def slow_moving_and_excess(data: dict, scope: Scope) -> list[str]:
    params = params_of(data)
    slow, excess = data["slow_moving"], data["excess"]
    quiet = days(params["days"]) if params.get("days") else "a long time"
    beyond = days(params["cover_threshold"]) if params.get("cover_threshold") else "a year"
    blocks = [
        f"{count(data['slow_count'], 'item')} {'is' if data['slow_count'] == 1 else 'are'} "
        f"slow-moving (stock but no demand in {quiet}), holding "
        f"{money(data['slow_value'])}; {count(data['excess_count'], 'item')} "
        f"{'holds' if data['excess_count'] == 1 else 'hold'} excess stock (cover beyond "
        f"{beyond}), {money(data['excess_value'])} of it excess. Cover and excess use the "
        f"average daily demand of {window(data)}."
    ]
    held = data.get("held_count") or 0
    if held:
        blocks.append(
            f"Of the slow movers, {count(held, 'item')} worth {money(data['held_value'])} "
            f"{'is' if held == 1 else 'are'} held on purpose (critical spares, PM kit parts, "
            "within their reorder policy): review those policies, not the stock."
        )
    if slow:
        unheld = [r for r in slow if not r.get("held")]
        blocks.append(
            "Slow-moving stock nothing holds on purpose, largest value first:"
            if unheld
            else "Slow-moving, largest value first:"
        )
        blocks.append(
            "\n".join(
                bullets(
                    [
                        f"{item_name(r)}: {qty(r['on_hand'], r.get('uom'))}, value "
                        f"{money(r['value'])}, "
                        + (
                            f"last issued {date(r['last_demand'])}"
                            if r.get("last_demand")
                            else "never issued"
                        )
                        + (f" (held: {r['held']})" if r.get("held") else "")
                        for r in slow[:MAX_ROWS]
                    ]
                )
            )
        )
        blocks.append(
            left_out(data["slow_count"], min(len(slow), MAX_ROWS), "Run `stockwise stock slow`.")
        )
    if excess:
        blocks.append("Excess:")
        blocks.append(
            "\n".join(
                bullets(
                    [
                        f"{item_name(r)}: {qty(r['on_hand'], r.get('uom'))}, "
                        f"{days(r['days_of_cover'])} of cover, excess "
                        f"{qty(r['excess_qty'], r.get('uom'))} worth {money(r['excess_value'])}"
                        for r in excess[:MAX_ROWS]
                    ]
                )
            )
        )
        blocks.append(left_out(data["excess_count"], min(len(excess), MAX_ROWS), ""))
    blocks.append(ignored_filters(params, scope))
    return blocks
