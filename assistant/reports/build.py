"""Build an audit report: run the tools section by section, keep the trace of every figure.

A period with no movements, or a site with no stock, gives a short report (scope, what was
found, method) instead of sections of zeros.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from langchain_core.language_models import BaseChatModel

from stockwise.assistant.reports import sections_risk as risk
from stockwise.assistant.reports import sections_stock as stock
from stockwise.assistant.reports.model import (
    ALL_SITES,
    KEY_FIGURES,
    PLANT_WIDE_SECTIONS,
    Report,
    Section,
)
from stockwise.assistant.reports.period import movements_in, parse_period
from stockwise.assistant.reports.trace import Tracer
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.stock.common import open_index


def resolve_site(ctx: ToolContext, site: str | None) -> str | None:
    """A site id from an id or a name ('S2', 'Lakeside Plant'); a bare number means 'S<n>'."""
    if site is None or not site.strip():
        return None
    index, resolver = open_index(ctx)
    sites = index.sites["site_id"].astype(str).tolist()
    text = site.strip()
    if text.isdigit() and f"S{text}" in sites and text not in sites:
        text = f"S{text}"
    # The resolver raises UnknownEntityError (with the closest sites) for a site it does not
    # know; anything else it raises is a bug and must not read as "unknown site".
    return sites[resolver.site(text)]


def build_audit_report(
    ctx: ToolContext, period: str, site: str | None = None, model: BaseChatModel | None = None
) -> Report:
    """The report for a quarter (and a site). With `model`, the model rewrites each section's
    prose from its facts; prose with a figure not in them is rejected (template kept)."""
    started = time.perf_counter()
    quarter = parse_period(period)
    site_id = resolve_site(ctx, site)
    ds = ctx.dataset
    t = Tracer(currency=ds.currency)
    timings: dict[str, tuple[float, float]] = {}
    sections: list[Section] = []

    def add(step: Callable[..., Section], *args: object) -> Section:
        wall, cpu = time.perf_counter(), time.process_time()
        section = step(*args)
        if site_id and section.key in PLANT_WIDE_SECTIONS:
            section.title += ALL_SITES
        timings[section.key] = (time.perf_counter() - wall, time.process_time() - cpu)
        sections.append(section)
        return section

    where = f", site {site_id}" if site_id else ""
    add(stock.scope, ctx, t, quarter, site_id)
    moved = movements_in(ds, quarter, site_id)
    levels = ds.stock_levels
    if site_id:
        levels = levels[levels["site_id"] == site_id]
    stocked = bool((levels["on_hand_qty"] > 0).any())
    short = moved == 0 or not stocked
    if short:
        add(_nothing_to_audit, ctx, t, quarter, site_id, moved, stocked)
    else:
        add(stock.value, ctx, t, quarter, site_id)
        total = next(f.value for f in t.figures if f.label == "inventory value at the snapshot")
        add(stock.reconciliation, ctx, t, site_id, float(total))
        add(risk.classification, ctx, t)
        add(risk.anomalies, ctx, t)
        add(stock.aging, ctx, t)
        add(stock.wip, ctx, t)
        add(risk.mro_risk, ctx, t, site_id)
        add(risk.replenishment, ctx, t, site_id)
    add(risk.method, ctx, t, site_id)
    report = Report(
        title=f"Inventory audit {quarter.label}{where}",
        period=quarter.label,
        site=site_id,
        dataset_name=ds.name,
        fingerprint=ds.fingerprint,
        as_of=f"{ds.as_of:%Y-%m-%d %H:%M}",
        generated_at=f"{datetime.now():%Y-%m-%d %H:%M}",
        sections=sections,
        tracer=t,
        short=short,
        timings=timings,
    )
    if model is not None:
        from stockwise.assistant.reports.prose import rewrite_with_model

        wall, cpu = time.perf_counter(), time.process_time()
        rewrite_with_model(model, report)
        timings["prose"] = (time.perf_counter() - wall, time.process_time() - cpu)
    found = {f.label: f.value for f in t.figures}
    report.key_figures = {k: found[k] for k in KEY_FIGURES if k in found}
    report.seconds = time.perf_counter() - started
    return report


def _nothing_to_audit(ctx, t, quarter, site_id, moved, stocked) -> Section:  # type: ignore[no-untyped-def]
    t.section = "findings"
    ds = ctx.dataset
    first = ds.transactions["ts"].min()
    head = t.record("dataset_header", dataset=ds.name)
    text = []
    if not stocked:
        text.append(
            f"Site {t.txt('site', site_id, head)} holds no stock at the snapshot, so there is "
            "no value to state, reconcile or age."
            if site_id
            else "The snapshot holds no stock, so there is no value to state, reconcile or age."
        )
    if moved == 0:
        if first is not None and quarter.end < first:
            when = "before the ledger begins"
        elif quarter.start > ds.as_of:
            when = "after the stock snapshot"
        else:
            when = "in a quarter with no activity"
        span = (
            f" The ledger runs from {t.txt('ledger start', f'{first:%Y-%m-%d}', head)} to "
            f"{t.txt('snapshot date', f'{ds.as_of:%Y-%m-%d}', head)}."
            if first is not None and first == first
            else " The ledger holds no movements at all."
        )
        text.append(
            f"No stock movement was booked in {t.txt('period', quarter.label, head)} "
            f"({when}).{span}"
        )
    text.append("Choose a quarter and a scope with activity for a full audit.")
    return Section("findings", "Findings", text)
