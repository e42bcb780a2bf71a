"""Every figure of a report carries a trace id: the tool and the arguments that produced it.

`Tracer.call` runs a tool (or a report helper) and records the call; `Tracer.fig` formats a
number taken from that call's result and registers it for the appendix. Narrative, tables
and charts only ever show figures that went through `fig`, so an auditor can replay each one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

Kind = Literal["money", "count", "qty", "pct", "days", "ratio", "text"]


@dataclass(frozen=True)
class Call:
    trace_id: str  # "T07"
    tool: str
    args: dict[str, Any]

    @property
    def signature(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in sorted(self.args.items()) if v is not None)
        return f"{self.tool}({args})"


@dataclass(frozen=True)
class Figure:
    label: str
    value: float | str
    shown: str
    trace_id: str
    section: str


def format_value(value: float | str, kind: Kind, currency: str = "USD") -> str:
    """How a figure reads in prose and tables; the appendix shows the same text."""
    if kind == "text" or isinstance(value, str):
        return str(value)
    if not math.isfinite(value):
        return "no demand" if kind == "days" else "n/a"
    if kind == "money":
        # "USD -17", as "USD 17": the currency leads, the sign stays with the number.
        return f"{currency} {round(value):,}"  # round() gives an int: never "-0"
    if kind == "pct":
        return f"{value * 100:.1f}%"
    if kind == "count":
        return f"{int(round(value)):,}"
    if kind == "days":
        shown = f"{value:,.0f}"
        return f"{shown} {'day' if shown == '1' else 'days'}"
    if kind == "ratio":
        return f"{value:.1f}x"
    whole = abs(value - round(value)) < 1e-6
    return f"{value:,.0f}" if abs(value) >= 100 or whole else f"{value:,.2f}"


@dataclass
class Tracer:
    currency: str = "USD"
    calls: list[Call] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    section: str = "scope"

    def call(self, fn: Callable[..., Any], *args: Any, name: str | None = None, **kw: Any):  # type: ignore[no-untyped-def]
        """Run `fn(*args, **kw)` and record it. A pydantic argument is the tool's input model;
        its non-default fields are the arguments the trace shows."""
        recorded: dict[str, Any] = dict(kw)
        for a in args:
            if isinstance(a, BaseModel):
                recorded.update(a.model_dump(mode="json", exclude_defaults=True))
        result = fn(*args, **kw)
        record = Call(f"T{len(self.calls) + 1:02d}", name or fn.__name__, recorded)
        self.calls.append(record)
        return result, record

    def record(self, tool: str, **args: Any) -> Call:
        """A call made elsewhere (e.g. reading the dataset's header) that figures cite."""
        record = Call(f"T{len(self.calls) + 1:02d}", tool, args)
        self.calls.append(record)
        return record

    def fig(self, label: str, value: float | str, call: Call, kind: Kind = "qty") -> str:
        shown = format_value(value, kind, self.currency)
        if isinstance(value, float) and not math.isfinite(value):
            value = str(value)
        self.figures.append(Figure(label, value, shown, call.trace_id, self.section))
        return shown

    def txt(
        self, label: str, value: str | None, call: Call, missing: str = "no description"
    ) -> str:
        """Data quoted in prose (an id, a description, a date, a tool's own sentence): traced
        like a figure, since it may hold digits."""
        return self.fig(label, value if value else missing, call, "text")

    def call_by_id(self, trace_id: str) -> Call:
        return next(c for c in self.calls if c.trace_id == trace_id)
