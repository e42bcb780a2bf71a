"""Report sections on the stock itself: scope, value by category and site, reconciliation,
slow-moving and excess stock, WIP aging. Each figure comes from a traced tool call."""

from __future__ import annotations

import pandas as pd

from stockwise.assistant.reports.model import Chart, Section, Table
from stockwise.assistant.reports.narrative import (
    category_name,
    change_words,
    fit,
    plural,
    severity_words,
    short_category,
)
from stockwise.assistant.reports.period import Period, movements_in, value_at
from stockwise.assistant.reports.trace import Tracer
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.stock.value import (
    HELD_CRITICAL,
    HELD_KIT,
    HELD_POLICY,
    InventoryValueInput,
    SlowMovingInput,
    VarianceInput,
    inventory_value,
    slow_moving_and_excess,
    variance,
)
from stockwise.tools.stock.wip import (
    OpenWipInput,
    StalledInput,
    WipValueInput,
    open_wip_orders,
    stalled_orders,
    wip_value,
)

TOP = 10


def scope(ctx: ToolContext, t: Tracer, period: Period, site: str | None) -> Section:
    t.section = "scope"
    ds = ctx.dataset
    head = t.record("dataset_header", dataset=ds.name)
    sites = ds.sites
    if site is not None:
        sites = sites[sites["site_id"] == site]
    names = [f"{r.site_id} ({r.name})" for r in sites.itertuples()]
    moved = t.call(movements_in, ds, period=period.label, site=site, name="ledger_movements")
    n_moves = t.fig("movements booked in the period", moved[0], moved[1], "count")
    as_of = t.fig("snapshot time", f"{ds.as_of:%Y-%m-%d %H:%M}", head, "text")
    start = t.fig("period start", f"{period.start:%Y-%m-%d}", head, "text")
    end = t.fig("period end", f"{period.end:%Y-%m-%d}", head, "text")
    listed = ", ".join(t.txt(f"site {n}", n, head) for n in names)
    if site:
        where = f"site {listed}"
    else:
        where = f"the {t.fig('sites', len(names), head, 'count')} sites {listed}"
    text = [
        f"This report covers {where}, for the quarter from {start} to {end}. "
        f"It reads the dataset '{t.txt('dataset', ds.name, head)}' as of its stock snapshot "
        f"of {as_of}; "
        f"{n_moves} stock movements were booked in the quarter.",
    ]
    if period.end < ds.as_of and moved[0]:
        text.append(
            "The quarter ends before the snapshot: values at the quarter's start and end are "
            "rolled back from the ledger, while counts, classifications and risks are those "
            "of the snapshot."
        )
    rows = [[name, f"{count:,}"] for name, count in ds.row_counts().items() if count]
    return Section(
        "scope",
        "Scope",
        text,
        [
            Table(
                f"Tables read (source: {head.trace_id}, fingerprint {ds.fingerprint[:16]})",
                ["table", "rows"],
                rows,
            )
        ],
    )


def value(ctx: ToolContext, t: Tracer, period: Period, site: str | None) -> Section:
    t.section = "value"
    ds = ctx.dataset
    now, now_call = t.call(inventory_value, ctx, InventoryValueInput(by="category", site=site))
    start_v, start_call = t.call(
        value_at, ds, before=f"{period.start:%Y-%m-%d}", site=site, name="ledger_value_at"
    )
    end_day = min(period.end, ds.as_of) + pd.Timedelta(1, "ns")
    end_v, end_call = t.call(
        value_at, ds, before=f"{end_day:%Y-%m-%d %H:%M:%S.%f}", site=site, name="ledger_value_at"
    )
    total = t.fig("inventory value at the snapshot", now.total_value, now_call, "money")
    s_total, e_total = float(start_v.sum()), float(end_v.sum())
    s_shown = t.fig("value at the period start", s_total, start_call, "money")
    e_shown = t.fig("value at the period end", e_total, end_call, "money")
    delta = e_total - s_total
    text = [
        f"Stock on hand is worth {total} at the snapshot (on hand x standard unit cost). "
        f"Over the quarter the book value {change_words(delta, s_total)}, from {s_shown} to "
        f"{e_shown}."
    ]
    rows, moves = [], []
    for g in now.groups:
        shown = t.fig(f"value {g.key}", g.value, now_call, "money")
        share = t.fig(f"share {g.key}", g.share, now_call, "pct")
        a, b = float(start_v.get(g.key, 0.0)), float(end_v.get(g.key, 0.0))
        a_s = t.fig(f"{g.key} at period start", a, start_call, "money")
        b_s = t.fig(f"{g.key} at period end", b, end_call, "money")
        rows.append([category_name(g.key), shown, share, a_s, b_s])
        moves.append((b - a, g.key, a_s, b_s))
    if now.groups:
        top = now.groups[0]
        text.append(
            f"{category_name(top.key).capitalize()} carries the largest share "
            f"({t.fig(f'share {top.key}', top.share, now_call, 'pct')})."
        )
    moves.sort(key=lambda m: -abs(m[0]))
    if moves and abs(moves[0][0]) > 0:
        _, key, a_s, b_s = moves[0]
        text.append(f"The biggest movement was in {category_name(key)}, from {a_s} to {b_s}.")
    by_site, site_call = t.call(inventory_value, ctx, InventoryValueInput(by="site", site=site))
    site_rows = [
        [
            f"{g.key} {g.name or ''}".strip(),
            t.fig(f"value site {g.key}", g.value, site_call, "money"),
        ]
        for g in by_site.groups
    ]
    chart = Chart(
        "value_by_category",
        "Inventory value by recorded category",
        "bars",
        {
            "labels": [short_category(g.key) for g in now.groups],
            "values": [g.value for g in now.groups],
            "unit": ctx.dataset.currency,
        },
    )
    return Section(
        "value",
        "Inventory value by category and site",
        text,
        [
            Table(
                f"Value by recorded category (sources: {now_call.trace_id}, "
                f"{start_call.trace_id}, {end_call.trace_id})",
                ["category", "value now", "share", "period start", "period end"],
                rows,
            ),
            Table(f"Value by site (source: {site_call.trace_id})", ["site", "value"], site_rows),
        ],
        [chart],
    )


def reconciliation(ctx: ToolContext, t: Tracer, site: str | None, stock_value: float) -> Section:
    t.section = "reconciliation"
    res, call = t.call(variance, ctx, VarianceInput(site=site, limit=TOP))
    if res.count == 0:
        return Section(
            "reconciliation",
            "Reconciliation: book balance vs on hand",
            [
                "Every on-hand quantity matches its book balance (the sum of all movements up to "
                "the snapshot): there is nothing to reconcile."
            ],
        )
    n = t.fig("lines with a variance", res.count, call, "count")
    net = t.fig("net variance value", res.net_value, call, "money")
    gross = t.fig("absolute variance value", res.abs_value, call, "money")
    share = res.abs_value / stock_value if stock_value else 0.0
    text = [
        f"{n} item-site {plural(res.count, 'line differs', 'lines differ')} from the book, "
        f"{gross} in absolute value and {net} net. That is "
        f"{severity_words(share)}."
    ]
    biggest = res.rows[0]
    text.append(
        f"The largest is {t.txt('item', biggest.item_id, call)} "
        f"({t.txt(f'description {biggest.item_id}', biggest.description, call)}) at "
        f"{t.txt('site', biggest.site_id, call)}: "
        f"{t.fig('largest variance qty', biggest.variance, call)} units against the book, worth "
        f"{t.fig('largest variance value', biggest.variance_value, call, 'money')}."
    )
    rows = [
        [
            r.item_id,
            fit(r.description),
            r.site_id,
            t.fig(f"on hand {r.item_id}@{r.site_id}", r.on_hand, call),
            t.fig(f"book {r.item_id}@{r.site_id}", r.book_balance, call),
            t.fig(f"variance {r.item_id}@{r.site_id}", r.variance, call),
            t.fig(f"variance value {r.item_id}@{r.site_id}", r.variance_value, call, "money"),
        ]
        for r in res.rows
    ]
    chart = Chart(
        "variance",
        "Largest variances by value",
        "hbars",
        {
            "labels": [f"{r.item_id}@{r.site_id}" for r in res.rows],
            "values": [r.variance_value for r in res.rows],
            "unit": ctx.dataset.currency,
        },
    )
    table = Table(
        f"Largest variances by value (source: {call.trace_id})",
        ["item", "description", "site", "on hand", "book", "variance", "value"],
        rows,
    )
    if res.count > len(res.rows):
        more = res.count - len(res.rows)
        rest = res.net_value - sum(r.variance_value for r in res.rows)
        table.add_rest(
            description=f"{t.fig('variance lines not listed', more, call, 'count')} more lines",
            value=t.fig("net variance value not listed", rest, call, "money"),
        )
    return Section(
        "reconciliation", "Reconciliation: book balance vs on hand", text, [table], [chart]
    )


AGING_DAYS = (90, 180, 365)
HELD_SHORT = {HELD_CRITICAL: "critical spare", HELD_KIT: "PM kit part", HELD_POLICY: "in policy"}


def aging(ctx: ToolContext, t: Tracer) -> Section:
    t.section = "aging"
    buckets = []
    for days in AGING_DAYS:
        res, call = t.call(slow_moving_and_excess, ctx, SlowMovingInput(days=days, limit=TOP))
        buckets.append((days, res, call))
    rows, labels, values = [], [], []
    for i, (days, res, call) in enumerate(buckets):
        nxt = buckets[i + 1] if i + 1 < len(buckets) else None
        value = res.slow_value - (nxt[1].slow_value if nxt else 0.0)
        count = res.slow_count - (nxt[1].slow_count if nxt else 0)
        label = f"{days}-{nxt[0]} days" if nxt else f"over {days} days"
        rows.append(
            [
                label,
                t.fig(f"items idle {label}", count, call, "count"),
                t.fig(f"value idle {label}", value, call, "money"),
            ]
        )
        labels.append(label)
        values.append(value)
    days90, res90, call90 = buckets[0]
    _, res365, call365 = buckets[-1]
    text = []
    if res90.slow_count == 0:
        text.append(
            "Every stocked item was drawn in the last "
            f"{t.fig('idle threshold', days90, call90, 'days')}: "
            "there is no slow-moving stock."
        )
    else:
        text.append(
            f"{t.fig('items idle 90+', res90.slow_count, call90, 'count')} stocked "
            f"{plural(res90.slow_count, 'item has', 'items have')} had no demand for "
            f"{t.fig('idle threshold', days90, call90, 'days')} or more, worth "
            f"{t.fig('value idle 90+', res90.slow_value, call90, 'money')}; of that, "
            f"{t.fig('value idle 365+', res365.slow_value, call365, 'money')} has not moved in a "
            "year and is a candidate for an obsolescence provision."
        )
        if res365.held_count:
            text.append(
                f"Not all of it is a write-off candidate: "
                f"{t.fig('idle 365+ items held', res365.held_count, call365, 'count')} of the "
                f"year-old items, worth "
                f"{t.fig('idle 365+ value held', res365.held_value, call365, 'money')}, are held "
                "on purpose (critical spares, PM kit parts, stock within its reorder policy); "
                "their policies deserve a review, the stock itself does not."
            )
    if res90.excess_count:
        text.append(
            f"Beyond idle stock, {t.fig('excess items', res90.excess_count, call90, 'count')} "
            f"items hold more than a year of cover; the stock above a year's use is worth "
            f"{t.fig('excess value', res90.excess_value, call90, 'money')}."
        )
    top_rows = [
        [
            s.item_id,
            fit(s.description),
            t.fig(f"idle on hand {s.item_id}", s.on_hand, call365),
            t.fig(f"idle value {s.item_id}", s.value, call365, "money"),
            s.last_demand or "never",
            HELD_SHORT.get(s.held or "", ""),
        ]
        for s in res365.slow_moving
    ]
    tables = [
        Table(
            f"Age of stock since the last demand (sources: "
            f"{', '.join(b[2].trace_id for b in buckets)})",
            ["idle for", "items", "value"],
            rows,
        )
    ]
    if top_rows:
        idle = Table(
            f"Largest stock idle for a year or more, what no policy holds first (source: "
            f"{call365.trace_id})",
            ["item", "description", "on hand", "value", "last demand", "held as"],
            top_rows,
        )
        if res365.slow_count > len(top_rows):
            more = res365.slow_count - len(top_rows)
            rest = res365.slow_value - sum(s.value for s in res365.slow_moving)
            idle.add_rest(
                description=f"{t.fig('idle 365+ items not listed', more, call365, 'count')} "
                "more items",
                value=t.fig("idle 365+ value not listed", rest, call365, "money"),
            )
        tables.append(idle)
    chart = Chart(
        "aging",
        "Stock value by time since the last demand",
        "bars",
        {"labels": labels, "values": values, "unit": ctx.dataset.currency},
    )
    return Section("aging", "Slow-moving, obsolete and excess stock", text, tables, [chart])


def wip(ctx: ToolContext, t: Tracer) -> Section:
    t.section = "wip"
    orders, o_call = t.call(open_wip_orders, ctx, OpenWipInput(limit=5))
    if orders.count == 0:
        return Section(
            "wip",
            "WIP aging",
            ["No production order is open at the snapshot: there is no work in progress to age."],
        )
    worth, w_call = t.call(wip_value, ctx, WipValueInput(limit=5))
    stalled, s_call = t.call(stalled_orders, ctx, StalledInput(limit=TOP))
    n = t.fig("open WIP orders", orders.count, o_call, "count")
    total = t.fig("WIP value", worth.total_value, w_call, "money")
    mat = t.fig("WIP material", worth.total_material, w_call, "money")
    conv = t.fig("WIP conversion", worth.total_conversion, w_call, "money")
    text = [
        f"{n} production {plural(orders.count, 'order is', 'orders are')} open, holding "
        f"{total} of work in progress ({mat} of issued material, {conv} of conversion cost "
        "for finished stages)."
    ]
    busiest = max(orders.by_stage.items(), key=lambda kv: kv[1])
    text.append(
        f"Most sit at {t.txt('stage', busiest[0], o_call)} "
        f"({t.fig(f'orders at {busiest[0]}', busiest[1], o_call, 'count')})."
    )
    if stalled.count:
        worst = stalled.orders[0]
        text.append(
            f"{t.fig('stalled orders', stalled.count, s_call, 'count')} "
            f"{plural(stalled.count, 'order has', 'orders have')} stalled, at a stage far longer "
            f"than usual; the worst, {t.txt('order', worst.order_id, s_call)} at "
            f"{t.txt('stage', worst.stage, s_call)}, has been there "
            f"{t.fig(f'days at stage {worst.order_id}', worst.days_at_stage, s_call, 'days')}, "
            f"{t.fig(f'ratio {worst.order_id}', worst.ratio, s_call, 'ratio')} its typical time."
        )
    else:
        text.append("No order has stalled: each sits at its stage no longer than usual.")
    stage_rows = [
        [k, t.fig(f"orders at {k}", v, o_call, "count")] for k, v in orders.by_stage.items()
    ]
    stall_rows = [
        [
            o.order_id,
            o.product_item_id,
            o.site_id,
            o.stage,
            t.fig(f"days at stage {o.order_id}", o.days_at_stage, s_call, "days"),
            t.fig(f"typical days {o.order_id}", o.typical_days, s_call, "days"),
        ]
        for o in stalled.orders
    ]
    tables = [
        Table(
            f"Open orders by current stage (source: {o_call.trace_id})",
            ["stage", "orders"],
            stage_rows,
        )
    ]
    if stall_rows:
        tables.append(
            Table(
                f"Stalled orders (source: {s_call.trace_id})",
                ["order", "product", "site", "stage", "at stage", "typical"],
                stall_rows,
            )
        )
    return Section("wip", "WIP aging", text, tables)
