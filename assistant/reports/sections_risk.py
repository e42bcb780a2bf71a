"""Report sections on what may be wrong or at risk: classification review, anomalies, MRO
service risk, replenishment policy, and the method notes."""

from __future__ import annotations

from stockwise.assistant.reports.model import Chart, Section, Table
from stockwise.assistant.reports.narrative import category_name, fit, join_words, plural
from stockwise.assistant.reports.replay import SAMPLE as REPLAY_SAMPLE
from stockwise.assistant.reports.replay import MroReplay, mro_replay
from stockwise.assistant.reports.trace import Call, Kind, Tracer
from stockwise.tools.anomalies.agent_tools import FindAnomaliesInput, find_anomalies
from stockwise.tools.classify.agent_tools import SuspectedInput, suspected_misclassifications
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.replenish import (
    RecommendReorderInput,
    StockoutRiskInput,
    recommend_reorder,
    stockout_risk,
)
from stockwise.tools.stock.cover import RunOutWithinInput, run_out_within

TOP = 10
ANOMALY_KINDS = ["mro_in_bom", "negative_book", "duplicate_item", "demand_spike", "dual_use"]
KIND_WORDS = {  # (one, many)
    "mro_in_bom": ("MRO item inside a production BOM", "MRO items inside production BOMs"),
    "negative_book": ("negative book balance", "negative book balances"),
    "duplicate_item": ("probable duplicate item", "probable duplicate items"),
    "demand_spike": ("demand spike", "demand spikes"),
    "dual_use": (
        "item drawn by both production and maintenance",
        "items drawn by both production and maintenance",
    ),
}


def classification(ctx: ToolContext, t: Tracer) -> Section:
    t.section = "classification"
    res, call = t.call(suspected_misclassifications, ctx, SuspectedInput(limit=TOP))
    title = "Classification review"
    if res.n_suspects == 0 and res.n_blank == 0:
        return Section(
            "classification",
            title,
            [
                "The classifier agrees with every recorded category it is confident about, and no "
                "stocked item lacks a category."
            ],
        )
    at_stake = sum(s.value_at_stake for s in res.suspects)
    n = t.fig("suspected misclassifications", res.n_suspects, call, "count")
    text = [
        f"Judged by how each item behaves (who draws it, what it is made into, its supplier), "
        f"{n} recorded {plural(res.n_suspects, 'category looks', 'categories look')} wrong. "
        f"The {t.fig('suspects listed', len(res.suspects), call, 'count')} most consequential "
        f"put {t.fig('value at stake (listed suspects)', at_stake, call, 'money')} of stock in the "
        "wrong line of the balance sheet."
    ]
    if res.suspects:
        s = res.suspects[0]
        text.append(
            f"The clearest case is {t.txt('item', s.item_id, call)} "
            f"({t.txt(f'description {s.item_id}', s.description, call)}), recorded as "
            f"{category_name(s.recorded_category or 'unclassified')} but behaving like "
            f"{category_name(s.predicted_category)} "
            f"({t.fig(f'probability {s.item_id}', s.probability, call, 'pct')} sure): "
            f"{t.txt(f'explanation {s.item_id}', s.explanation, call)}"
        )
    if res.n_blank:
        text.append(
            f"A further {t.fig('blank categories tagged', res.n_blank, call, 'count')} "
            f"{plural(res.n_blank, 'item has', 'items have')} no recorded category; the "
            "classifier proposes one for each."
        )
    rows = [
        [
            s.item_id,
            fit(s.description),
            category_name(s.recorded_category or "unclassified"),
            category_name(s.predicted_category),
            t.fig(f"probability {s.item_id}", s.probability, call, "pct"),
            t.fig(f"value at stake {s.item_id}", s.value_at_stake, call, "money"),
        ]
        for s in res.suspects
    ]
    tables = []
    if rows:
        table = Table(
            f"Suspected misclassifications (source: {call.trace_id})",
            ["item", "description", "recorded", "behaves as", "confidence", "value"],
            rows,
        )
        if res.n_suspects > len(rows):
            more = t.fig("suspects not listed", res.n_suspects - len(rows), call, "count")
            table.add_rest(description=f"{more} more, ranked lower")
        tables.append(table)
    return Section("classification", title, text, tables)


def anomalies(ctx: ToolContext, t: Tracer) -> Section:
    t.section = "anomalies"
    res, call = t.call(find_anomalies, ctx, FindAnomaliesInput(kinds=ANOMALY_KINDS, limit=TOP))
    title = "Anomalies"
    if res.n_findings == 0:
        return Section(
            "anomalies",
            title,
            [
                "None of the checks found anything: no MRO item in a BOM, no negative book, no "
                "duplicate item and no demand spike."
            ],
        )
    parts = [
        f"{t.fig(f'anomalies {k}', res.by_kind[k], call, 'count')} "
        f"{plural(res.by_kind[k], *KIND_WORDS[k])}"
        for k in ANOMALY_KINDS
        if res.by_kind.get(k)
    ]
    clean = [KIND_WORDS[k][1] for k in ANOMALY_KINDS if not res.by_kind.get(k)]
    text = [f"The checks found {join_words(parts)}."]
    if clean:
        text.append(f"There are no {join_words(clean, 'or')}.")
    top = res.findings[0]
    text.append(
        "The finding with most at stake "
        f"({t.fig('top anomaly value', top.value_at_stake, call, 'money')}): "
        f"{t.txt('top anomaly', top.summary, call)}."
    )
    rows = [
        [
            f.kind.replace("_", " "),
            f.item_id or "",
            f.severity,
            t.fig(f"anomaly value {f.kind} {f.item_id}", f.value_at_stake, call, "money"),
            f.summary,
        ]
        for f in res.findings
    ]
    table = Table(
        f"Findings, most at stake first (source: {call.trace_id})",
        ["kind", "item", "severity", "at stake", "finding"],
        rows,
    )
    if res.n_findings > len(rows):
        more = t.fig("findings not listed", res.n_findings - len(rows), call, "count")
        table.add_rest(finding=f"{more} more findings, less at stake")
    return Section("anomalies", title, text, [table])


# The CLI command that gives the same count as the report's headline spare-parts figure.
RUN_OUT_COMMAND = "stockwise stock run-out --criticality A --category mro --mro-subtype spare_part"


def mro_risk(ctx: ToolContext, t: Tracer, site: str | None) -> Section:
    """Two counts an auditor can replay, each named for what it counts: critical spare parts
    that run out within their lead time at today's rate (what `stock run-out` and the
    assistant answer), and the wider projection of class A MRO item-sites falling below
    safety stock once open orders' needs are counted."""
    t.section = "mro_risk"
    spares, s_call = t.call(
        run_out_within,
        ctx,
        RunOutWithinInput(criticality="A", category="mro", mro_subtype="spare_part", site=site),
    )
    res, call = t.call(
        stockout_risk,
        ctx,
        StockoutRiskInput(group="mro", site_id=site, critical_only=True, limit=TOP),
    )
    title = "MRO service risk"
    if res.total_alerts == 0 and spares.count == 0:
        return Section(
            "mro_risk",
            title,
            [
                "No critical (class A) spare part runs out within its lead time, and no class A "
                "MRO item is projected to fall below its safety stock within it."
            ],
        )
    n_out = t.fig(
        "critical spare parts running out within lead time", spares.count, s_call, "count"
    )
    window = t.txt("demand window", spares.demand_window.label(), s_call)
    command = RUN_OUT_COMMAND + (f" --site {site}" if site else "")
    n = t.fig(
        "critical MRO item-sites below safety stock within lead time",
        res.total_alerts,
        call,
        "count",
    )
    text = [
        f"{n_out} critical spare {plural(spares.count, 'part runs', 'parts run')} out within "
        f"{plural(spares.count, 'its', 'their')} lead time (class A, recorded as MRO spare "
        f"parts): days of cover at the average daily demand of {window} below the lead time, "
        "so an order placed today arrives too late. This is the count "
        f"`{command}` and the assistant give.",
        f"Projected more widely, {n} class A MRO item-{plural(res.total_alerts, 'site', 'sites')} "
        "(spare parts, consumables, tools and safety gear; bought items, each site counted "
        "apart) can fall below safety stock within their lead time once the open production "
        "orders' needs are drawn from stock.",
    ]
    out = [a for a in res.alerts if a.runs_out_on]
    if out:
        a = out[0]
        text.append(
            f"The most urgent, {t.txt('item', a.item_id, call)} "
            f"({t.txt(f'description {a.item_id}', a.description, call)}) at "
            f"{t.txt('site', a.site_id, call)}, runs out on "
            f"{t.txt(f'runs out {a.item_id}', a.runs_out_on, call)}; "
            f"order by {t.txt(f'order by {a.item_id}', a.order_by, call)}."
        )
    tables = []
    if spares.items:
        spare_rows = [
            [
                r.item_id,
                fit(r.description),
                t.fig(f"spare on hand {r.item_id}", r.on_hand, s_call),
                t.fig(f"spare cover {r.item_id}", r.days_of_cover, s_call, "days")
                if r.days_of_cover is not None
                else "no demand",
                t.fig(f"spare lead time {r.item_id}", r.lead_time_days, s_call, "days"),
            ]
            for r in spares.items[:TOP]
        ]
        table = Table(
            f"Critical spare parts running out within lead time, shortest cover first "
            f"(source: {s_call.trace_id})",
            ["item", "description", "on hand", "days of cover", "lead time"],
            spare_rows,
        )
        if spares.count > len(spare_rows):
            more = t.fig("spare parts not listed", spares.count - len(spare_rows), s_call, "count")
            table.add_rest(description=f"{more} more spare parts")
        tables.append(table)
    rows = [
        [
            a.item_id,
            fit(a.description),
            a.site_id,
            t.fig(f"on hand {a.item_id}@{a.site_id}", a.on_hand, call),
            t.fig(f"safety stock {a.item_id}@{a.site_id}", a.safety_stock, call),
            a.below_safety_on,
            a.runs_out_on or "-",
            a.order_by,
        ]
        for a in res.alerts
    ]
    if rows:
        columns = ["item", "description", "site", "on hand", "safety", "below safety", "runs out"]
        table = Table(
            "Class A MRO item-sites below safety stock within lead time, by the day they fall "
            f"below it, then the day they run out (source: {call.trace_id})",
            [*columns, "order by"],
            rows,
        )
        if res.total_alerts > len(rows):
            more = t.fig(
                "item-sites at risk not listed", res.total_alerts - len(rows), call, "count"
            )
            table.add_rest(description=f"{more} more item-sites")
        tables.append(table)
    return Section("mro_risk", title, text, tables)


def replenishment(ctx: ToolContext, t: Tracer, site: str | None) -> Section:
    t.section = "replenishment"
    title = "Replenishment policy"
    rec, r_call = t.call(
        recommend_reorder, ctx, RecommendReorderInput(group="mro", site_id=site, limit=TOP)
    )
    if rec.total_rows == 0:
        return Section(
            "replenishment",
            title,
            [
                "No MRO item at this scope has the demand history "
                "and lead time a reorder policy needs."
            ],
        )
    cur = t.fig("current policy stock value", rec.current_stock_value, r_call, "money")
    new = t.fig("recommended policy stock value", rec.recommended_stock_value, r_call, "money")
    n = t.fig("MRO item-site policies", rec.total_rows, r_call, "count")
    text = [
        f"For {n} MRO item-site pairs, the current reorder points imply an average stock of "
        f"{cur}; reorder points set for each criticality's service target imply {new}."
    ]
    replay, s_call = t.call(
        mro_replay, ctx, site=site, months=12, sample=REPLAY_SAMPLE, name="mro_replay"
    )
    rec_p, cur_p = replay.point("recommended by class"), replay.point("current")
    charts = []
    if rec_p is None or cur_p is None:
        text.append(
            "The policies could not be replayed on history: no MRO item-site at this scope has "
            "both a lead time and a current reorder point and quantity."
        )
    else:

        def fig(label: str, value: float, kind: Kind) -> str:
            return t.fig(label, float(value), s_call, kind)

        on = (
            f"a pseudo-random sample of {fig('item-sites replayed', replay.replayed, 'count')} "
            f"of the {fig('item-sites replayable', replay.population, 'count')} MRO item-sites "
            "with a lead time and a current policy (see the method notes)"
            if replay.sampled
            else f"all {fig('item-sites replayed', replay.replayed, 'count')} MRO item-sites "
            "with a lead time and a current policy"
        )
        fill_new = fig("simulated fill rate (recommended)", rec_p.fill_rate, "pct")
        fill_now = fig("simulated fill rate (current)", cur_p.fill_rate, "pct")
        urgent_new = fig("emergency orders (recommended)", rec_p.emergency_orders, "count")
        urgent_now = fig("emergency orders (current)", cur_p.emergency_orders, "count")
        stock_new = fig("simulated stock (recommended)", rec_p.average_inventory_value, "money")
        stock_now = fig("simulated stock (current)", cur_p.average_inventory_value, "money")
        text.append(
            f"Replayed on the real demand from {t.txt('replay start', replay.start, s_call)} "
            f"to {t.txt('replay end', replay.end, s_call)} for {on}, the recommended policy "
            f"reaches a fill rate of {fill_new} against {fill_now} today, with {urgent_new} "
            f"emergency orders instead of {urgent_now} and an average stock of {stock_new} "
            f"instead of {stock_now}{' on the sample' if replay.sampled else ''}."
        )
        charts.append(_tradeoff_chart(ctx, replay, s_call))
    rows = [
        [
            r.item_id,
            fit(r.description),
            r.site_id,
            r.criticality,
            t.fig(f"current ROP {r.item_id}@{r.site_id}", r.current_reorder_point, r_call)
            if r.current_reorder_point is not None
            else "none",
            t.fig(f"recommended ROP {r.item_id}@{r.site_id}", r.recommended_reorder_point, r_call)
            if r.recommended_reorder_point is not None
            else "none",
        ]
        for r in rec.rows
    ]
    table = Table(
        f"Largest policy changes (source: {r_call.trace_id})",
        ["item", "description", "site", "class", "reorder point now", "recommended"],
        rows,
    )
    if rec.total_rows > len(rows):
        more = t.fig("policies not listed", rec.total_rows - len(rows), r_call, "count")
        table.add_rest(description=f"{more} more item-sites")
    return Section("replenishment", title, text, [table], charts)


def _tradeoff_chart(ctx: ToolContext, replay: MroReplay, call: Call) -> Chart:
    curve = replay.curve
    rec = curve[curve["policy"] == "recommended"].sort_values("target")
    points = {
        p: curve[curve["policy"] == p].iloc[0]
        for p in ("current", "recommended by class")
        if (curve["policy"] == p).any()
    }
    scope = f", sample of {replay.replayed:,} item-sites" if replay.sampled else ""
    return Chart(
        "tradeoff",
        f"MRO: average stock value vs fill rate (source: {call.trace_id}{scope})",
        "curve",
        {
            "curve": [(r.average_inventory_value, r.fill_rate, r.target) for r in rec.itertuples()],
            "points": [
                (float(r["average_inventory_value"]), float(r["fill_rate"]), name)
                for name, r in points.items()
            ],
            "unit": ctx.dataset.currency,
        },
    )


def method(ctx: ToolContext, t: Tracer, site: str | None) -> Section:
    t.section = "method"
    s = ctx.settings
    cfg = t.record("settings", service_measure=s.service_measure)
    window = t.fig("average daily demand window", 90, cfg, "days")
    targets = ", ".join(
        f"{c} {t.fig(f'service target {c}', v, cfg, 'pct')}"
        for c, v in (("A", s.service_level_a), ("B", s.service_level_b), ("C", s.service_level_c))
    )
    notes = [
        "Definitions follow the Stockwise data contract: inventory value is on hand x standard "
        "unit cost; book balance is the sum of every movement up to the snapshot and a variance "
        "is on hand minus that balance; open WIP orders are those released or in progress, "
        "valued at issued material plus conversion cost of finished stages (the WIP value "
        "of the WIP aging section). The 'work in progress' line of the value tables is a "
        "different figure: stock of items recorded as WIP, at on hand x unit cost.",
        "Categories in the value tables are those recorded in the ERP; the classification review "
        "says where behaviour contradicts them. Slow-moving stock has had no demand (issues to "
        "production, maintenance, sales or other) for the stated days; excess stock is the part "
        f"above a year of cover at the average daily demand of the last {window}.",
        f"Service targets by criticality: {targets} ({s.service_measure.replace('_', ' ')}).",
        "Every figure in this report appears in the appendix with its trace id: the tool and "
        "the arguments that produced it, so it can be replayed on the same data (see the "
        "fingerprint).",
    ]
    notes += _replay_notes(t)
    if site is not None:
        notes.append(
            "Classification, anomalies, aging and WIP are judged across the whole dataset "
            "(an item's behaviour spans sites), and their figures are marked 'all sites'; "
            "value, reconciliation, MRO risk and replenishment are for the site."
        )
    return Section("method", "Method notes", notes)


def _replay_notes(t: Tracer) -> list[str]:
    """How the replenishment replay was run, and how its sample was drawn if it was."""
    found = {f.label: f for f in t.figures if f.section == "replenishment"}
    if "item-sites replayed" not in found:
        return []
    notes = [
        "The replenishment replay fixes each policy from the history before the replayed year "
        "(no look-ahead), starts each item-site with its reorder point plus order quantity on "
        "hand and counts demand it cannot meet as lost; for a class A spare that is an "
        "emergency order."
    ]
    if "item-sites replayable" in found:
        call = t.call_by_id(found["item-sites replayed"].trace_id)
        n = t.fig("item-sites replayed", found["item-sites replayed"].value, call, "count")
        of = t.fig("item-sites replayable", found["item-sites replayable"].value, call, "count")
        notes.append(
            f"On this dataset the replay runs on a sample of {n} of the {of} MRO item-sites "
            "that have a lead time and a current policy: those with the lowest hash of item "
            "and site id, a pseudo-random choice unrelated to value, demand or class, and the "
            "same on every run over the same data. Fill rates and the comparison of the two "
            "policies estimate those of every item-site; the stock values and emergency "
            "orders of the replay are the sample's own. The policy totals before the replay "
            "cover every item-site."
        )
    return notes
