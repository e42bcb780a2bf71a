"""The grounding check: every figure in a final answer must appear in a tool result of the
same turn (or in the question), allowing plain rounding, thousand separators, k/M
abbreviations and percentages shown for fractions. Sources are collected here too."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from stockwise.assistant.agent.state import is_internal

# A figure as people write it: 1,234.5 / 1234 / 12.5% / $3.2k / 1.2M / -4
FIGURE = re.compile(
    r"(?<![\w.])(?P<sign>-)?\$?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<suffix>\s?(?:%|k\b|K\b|M\b|m\b(?!\w)|million\b|thousand\b))?"
)
LIST_MARKER = re.compile(r"^\s*\d+[.)]\s", re.MULTILINE)
ANY_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
SCALE = {"k": 1e3, "K": 1e3, "thousand": 1e3, "M": 1e6, "m": 1e6, "million": 1e6}
MARK = " [unverified]"


def figures_in(text: str) -> list[tuple[str, float, int, str]]:
    """(as written, value, decimals shown, suffix) for every figure in `text`."""
    text = LIST_MARKER.sub(" ", text)
    found = []
    for m in FIGURE.finditer(text):
        num = m.group("num").replace(",", "")
        decimals = len(num.split(".")[1]) if "." in num else 0
        value = float(num) * (-1 if m.group("sign") else 1)
        found.append((m.group(0).strip(), value, decimals, (m.group("suffix") or "").strip()))
    return found


def _numbers(value: Any, out: set[float]) -> None:
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | float):
        if math.isfinite(value):
            out.add(float(value))
    elif isinstance(value, str):
        for n in ANY_NUMBER.findall(value.replace(",", "")):
            out.add(float(n))
    elif isinstance(value, dict):
        for k, v in value.items():
            _numbers(k, out)
            _numbers(v, out)
    elif isinstance(value, list | tuple):
        out.add(float(len(value)))  # "12 items" counts the rows of a result
        for v in value:
            _numbers(v, out)


def _parse(content: Any) -> Any:
    if isinstance(content, str):
        try:
            return json.loads(content)
        except ValueError:
            return content
    return content


def allowed_numbers(turn: Iterable[BaseMessage]) -> set[float]:
    """Every number the turn's tool results, tool arguments and question contain."""
    allowed: set[float] = set()
    for msg in turn:
        if isinstance(msg, ToolMessage):
            _numbers(_parse(msg.content), allowed)
        elif isinstance(msg, HumanMessage) and not is_internal(msg):
            _numbers(msg.content, allowed)
        elif isinstance(msg, AIMessage):
            for call in msg.tool_calls:
                _numbers(call["args"], allowed)
    return allowed


def _matches(value: float, decimals: int, suffix: str, allowed: set[float]) -> bool:
    # (value in the tools' unit, half a unit of the last digit shown in that unit)
    half = 0.5 * 10 ** (-decimals)
    if suffix in SCALE:
        candidates = [(value * SCALE[suffix], half * SCALE[suffix])]
    elif suffix == "%":
        candidates = [(value / 100, half / 100), (value, half)]  # a fraction, or a percent
    else:
        candidates = [(value, half)]
    for cand, tol in candidates:
        tol += 1e-9 * max(1.0, abs(cand))  # float noise
        if any(abs(abs(a) - abs(cand)) <= tol for a in allowed):
            return True
    return False


def ungrounded_figures(answer: str, turn: list[BaseMessage]) -> list[str]:
    allowed = allowed_numbers(turn)
    # A figure copied verbatim from a result's text (a description's "10K", "1.2KW") counts.
    text = " ".join(str(m.content) for m in turn if isinstance(m, ToolMessage)).lower()
    return [
        written
        for written, value, decimals, suffix in figures_in(answer)
        if not _matches(value, decimals, suffix, allowed) and written.lower() not in text
    ]


def mark_figures(answer: str, figures: list[str]) -> str:
    """The answer with each ungrounded figure flagged, so a reader knows not to trust it."""
    for fig in sorted(set(figures), key=len, reverse=True):
        answer = re.sub(rf"(?<![\w.]){re.escape(fig)}(?![\w])", fig + MARK, answer)
    return answer


def _citations(value: Any, out: list[dict]) -> None:
    if isinstance(value, dict):
        if "doc_id" in value:
            keep = ("doc_id", "title", "section", "page", "path", "revision")
            out.append({k: value[k] for k in keep if value.get(k) is not None})
            return
        for v in value.values():
            _citations(v, out)
    elif isinstance(value, list):
        for v in value:
            _citations(v, out)


def collect_sources(turn: list[BaseMessage]) -> list[dict[str, Any]]:
    """The turn's tool calls (name, arguments, ok or error) and the documents cited."""
    # Keyed by str | None: a tool call's id is optional in LangChain's ToolCall type.
    results: dict[str | None, ToolMessage] = {
        m.tool_call_id: m for m in turn if isinstance(m, ToolMessage)
    }
    sources: list[dict[str, Any]] = []
    for msg in turn:
        if not isinstance(msg, AIMessage):
            continue
        for call in msg.tool_calls:
            result = results.get(call["id"])
            source: dict[str, Any] = {"tool": call["name"], "args": call["args"]}
            if result is not None:
                source["status"] = getattr(result, "status", "success")
                parsed = _parse(result.content)
                if isinstance(parsed, dict) and parsed.get("rejected"):
                    source["status"] = "rejected"  # an action a person turned down
                if isinstance(parsed, dict) and parsed.get("covered") is False:
                    # A document search that found nothing about the question: shown as
                    # such, so no passage is taken as support for the answer.
                    source["status"] = "not_covered"
                citations: list[dict] = []
                _citations(_parse(result.content), citations)
                if citations:
                    source["citations"] = citations
            sources.append(source)
    return sources
