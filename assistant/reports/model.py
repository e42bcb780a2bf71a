"""The report as data: sections of prose, tables and charts, plus the trace of every figure.
Renderers (Markdown, HTML, PDF) read this and nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stockwise.assistant.reports.trace import Tracer

# The headline figures (by label) a reader sees first and the agent tool returns.
KEY_FIGURES = (
    "inventory value at the snapshot",
    "value at the period start",
    "value at the period end",
    "lines with a variance",
    "absolute variance value",
    "net variance value",
    "suspected misclassifications",
    "value idle 90+",
    "value idle 365+",
    "open WIP orders",
    "WIP value",
    "stalled orders",
    "critical spare parts running out within lead time",
    "critical MRO item-sites below safety stock within lead time",
    "movements booked in the period",
)


# Sections judged across the whole dataset even in a site's report (an item's behaviour
# spans sites): their figures and titles say "all sites".
PLANT_WIDE_SECTIONS = ("classification", "anomalies", "aging", "wip")
ALL_SITES = " (all sites)"


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]]

    def add_rest(self, **cells: str) -> Table:
        """A last row for what a top-N table leaves out ("1,234 more ...", their total),
        given by column name; other cells stay blank."""
        row = [""] * len(self.columns)
        for name, text in cells.items():
            row[self.columns.index(name)] = text
        self.rows.append(row)
        return self


@dataclass
class Chart:
    """Data for one chart; `charts.py` draws it (kind: bars, hbars, stacked, curve)."""

    name: str
    title: str
    kind: str
    data: dict[str, Any]


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. why a model's prose was rejected
    model_written: bool = False


@dataclass
class Report:
    title: str
    period: str
    site: str | None
    dataset_name: str
    fingerprint: str
    as_of: str
    generated_at: str
    sections: list[Section]
    tracer: Tracer
    short: bool = False
    seconds: float = 0.0
    # Build time per step (section key, "prose"): (wall seconds, CPU seconds of the process).
    timings: dict[str, tuple[float, float]] = field(default_factory=dict)
    key_figures: dict[str, float | str] = field(default_factory=dict)

    @property
    def narrative(self) -> str:
        """All prose of the report (what the figure check reads)."""
        return "\n".join(p for s in self.sections for p in s.paragraphs)

    def headline(self) -> list[list[str]]:
        """[label, shown, trace id] of the key figures this report has, in KEY_FIGURES order.
        In a site's report, a figure judged across the whole dataset says "(all sites)"."""
        found = {f.label: f for f in self.tracer.figures}
        return [
            [
                label[0].upper()
                + label[1:]
                + (ALL_SITES if self.site and found[label].section in PLANT_WIDE_SECTIONS else ""),
                found[label].shown,
                found[label].trace_id,
            ]
            for label in KEY_FIGURES
            if label in found
        ]

    def appendix_rows(self) -> list[list[str]]:
        calls = {c.trace_id: c for c in self.tracer.calls}
        return [
            [f.trace_id, f.section, f.label, f.shown, calls[f.trace_id].signature]
            for f in self.tracer.figures
        ]
