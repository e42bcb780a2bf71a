"""Run every detector once over a dataset and collect the findings, worst first."""

from __future__ import annotations

from stockwise.tools.anomalies.detectors import (
    count_variances,
    demand_spikes,
    dual_use,
    mro_in_bom,
    negative_books,
)
from stockwise.tools.anomalies.finding import KINDS, Finding
from stockwise.tools.anomalies.idle import dead_stock, idle_stock, slow_moving
from stockwise.tools.anomalies.ledger import Ledger
from stockwise.tools.anomalies.master_data import duplicate_items
from stockwise.tools.anomalies.operations import cover_table, excess_stock, stalled_orders
from stockwise.tools.dataset.model import Dataset

# Stock that is used but covers more than this many days is excess.
EXCESS_COVER_DAYS = 365.0
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def mro_items(classifications, min_probability: float) -> set[str]:  # type: ignore[no-untyped-def]
    """Items that are MRO by what they do: a confident prediction, or a person's correction.

    The recorded category is not used: about one in twelve is wrong, and a raw material filed
    as MRO belongs in its BOM."""
    table = classifications
    predicted = (table["predicted_category"] == "mro") & (table["probability"] >= min_probability)
    corrected = table["corrected_category"] == "mro"
    overruled = table["corrected_category"].notna() & ~corrected
    return set(table.index[(predicted & ~overruled) | corrected])


def find_all(
    ds: Dataset,
    mro_items: set[str],
    variance_threshold_pct: float,
    dead_stock_days: int,
    kinds: tuple[str, ...] = KINDS,
) -> list[Finding]:
    ledger = Ledger(ds)
    cover = cover_table(ds, ledger) if "excess_stock" in kinds else None
    idle = (
        idle_stock(ds, dead_stock_days, ledger)
        if {"dead_stock", "slow_moving"} & set(kinds)
        else None
    )
    runs = {
        "mro_in_bom": lambda: mro_in_bom(ds, mro_items, ledger=ledger),
        "dual_use": lambda: dual_use(ds, ledger=ledger),
        "count_variance": lambda: count_variances(ds, variance_threshold_pct, ledger=ledger),
        "negative_book": lambda: negative_books(ds, ledger=ledger),
        "demand_spike": lambda: demand_spikes(ds, ledger=ledger),
        "dead_stock": lambda: dead_stock(ds, dead_stock_days, ledger=ledger, idle=idle),
        "slow_moving": lambda: slow_moving(ds, dead_stock_days, ledger=ledger, idle=idle),
        "duplicate_item": lambda: duplicate_items(ds, ledger=ledger),
        "excess_stock": lambda: excess_stock(ds, EXCESS_COVER_DAYS, cover),
        "stalled_order": lambda: stalled_orders(ds),
    }
    findings: list[Finding] = []
    for kind in kinds:
        findings.extend(runs[kind]())
    # Worst first; within a severity, the surest, then the most money.
    return sorted(
        findings,
        key=lambda f: (SEVERITY_ORDER[f.severity], -f.confidence, -f.value_at_stake),
    )
