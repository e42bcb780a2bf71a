"""Report charts drawn with matplotlib (Agg, no display): SVG text for HTML, PNG for PDF."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.ticker import FuncFormatter  # noqa: E402

from stockwise.assistant.reports.model import Chart  # noqa: E402

BLUE, RED, GREY = "#2f5d8a", "#b5473a", "#8a8f98"


def _money(value: float, _pos: object = None) -> str:
    size = abs(value)
    if size >= 1e6:
        return f"{value / 1e6:.1f}M"
    if size >= 1e3:
        return f"{value / 1e3:.0f}k"
    return f"{value:.0f}"


def _figure(chart: Chart):  # type: ignore[no-untyped-def]
    data = chart.data
    fig, ax = plt.subplots(figsize=(6.4, 2.9), dpi=110)
    if chart.kind == "bars":
        ax.bar(data["labels"], data["values"], color=BLUE)
        ax.yaxis.set_major_formatter(FuncFormatter(_money))
        ax.set_ylabel(data.get("unit", ""))
        ax.tick_params(axis="x", labelsize=8)
        for label in ax.get_xticklabels():
            label.set_rotation(12)
    elif chart.kind == "hbars":
        labels, values = data["labels"][::-1], data["values"][::-1]
        ax.barh(labels, values, color=[RED if v < 0 else BLUE for v in values])
        ax.axvline(0, color=GREY, linewidth=0.8)
        ax.xaxis.set_major_formatter(FuncFormatter(_money))
        ax.set_xlabel(f"variance value ({data.get('unit', '')}); red: less on hand than booked")
        ax.tick_params(axis="y", labelsize=8)
    elif chart.kind == "curve":
        curve = data.get("curve", [])
        ys = [p[1] * 100 for p in curve] + [p[1] * 100 for p in data["points"]]
        if curve:
            ax.plot([p[0] for p in curve], [p[1] * 100 for p in curve], "o-", color=BLUE,
                    markersize=4, label="recommended, by service target")  # fmt: skip
            for x, y, target in curve:
                ax.annotate(f"{target:.1%}", (x, y * 100), textcoords="offset points",
                            xytext=(4, -10), fontsize=7, color=GREY)  # fmt: skip
        for (x, y, name), colour, marker in zip(
            data["points"], (RED, "#d08c2a"), ("s", "*"), strict=False
        ):
            ax.plot([x], [y * 100], marker, color=colour, markersize=9, label=name)
        ax.xaxis.set_major_formatter(FuncFormatter(_money))
        ax.set_xlabel(f"average stock value ({data.get('unit', '')})")
        ax.set_ylabel("fill rate (%)")
        ax.set_ylim(max(0, min(ys) - 3), 100.5)
        ax.legend(fontsize=7, loc="lower right")
        ax.grid(alpha=0.3)
    else:
        raise ValueError(f"unknown chart kind {chart.kind!r}")
    ax.set_title(chart.title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def chart_svg(chart: Chart) -> str:
    """The chart as an inline <svg> element (no XML prolog), for HTML."""
    fig = _figure(chart)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def chart_png(chart: Chart, dpi: int = 150) -> bytes:
    fig = _figure(chart)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    return buffer.getvalue()
