"""With a model endpoint configured, the model rewrites each section's prose from that
section's facts; the agent's grounding check rejects any figure the facts do not hold, and
the template prose stays in that case (the report never carries an unverified number)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage, ToolMessage

from stockwise.assistant.agent.grounding import ungrounded_figures
from stockwise.assistant.reports.model import Report, Section

if TYPE_CHECKING:
    from stockwise.assistant.agent.models import ModelChoice

SYSTEM = (
    "You write one section of an inventory audit report for auditors and plant managers. "
    "Use only the facts given; copy every figure exactly as it is shown there; add no number, "
    "date or id of your own. Plain prose, 2 to 5 sentences, no headings, no lists."
)


def prose_model(choice: ModelChoice) -> BaseChatModel | None:
    """The model that writes a report's prose: the endpoint model of the session's choice, or
    None (the templates) on the offline planner, which writes answers from tool results, not
    prose. When the endpoint fails, a section keeps its template (`rewrite_section`)."""
    return choice.model if choice.endpoint else None


def section_facts(report: Report, section: Section) -> dict[str, str | float]:
    return {f.label: f.shown for f in report.tracer.figures if f.section == section.key}


def rewrite_section(model: BaseChatModel, report: Report, section: Section) -> str | None:
    """The model's prose for `section`, or None (with a note) when a figure is ungrounded."""
    facts = section_facts(report, section)
    if not facts:
        return None
    draft = "\n".join(section.paragraphs)
    prompt = (
        f"Section: {section.title}\nFacts (label: figure as shown):\n"
        + "\n".join(f"- {k}: {v}" for k, v in facts.items())
        + f"\n\nA plain draft to improve:\n{draft}"
    )
    from stockwise.assistant.agent.models import endpoint_down_errors, why_down

    try:
        answer = model.invoke([SystemMessage(SYSTEM), HumanMessage(prompt)])
    except endpoint_down_errors() as exc:
        section.notes.append(f"template prose: the model endpoint failed ({why_down(exc)})")
        return None
    text = str(answer.content).strip()
    values = {f.label: f.value for f in report.tracer.figures if f.section == section.key}
    evidence = ToolMessage(
        json.dumps({"values": values, "shown": facts}, default=str),
        tool_call_id=f"report-{section.key}",
    )
    bad = ungrounded_figures(text, [evidence])
    if not text or bad:
        section.notes.append(
            "model prose rejected (figures not in the section's facts: "
            f"{', '.join(bad) or 'empty answer'}); the template prose is shown"
        )
        return None
    return text


def rewrite_with_model(model: BaseChatModel, report: Report) -> None:
    """Replace each section's prose by the model's, where the grounding check accepts it."""
    for section in report.sections:
        if section.key == "method":
            continue
        text = rewrite_section(model, report, section)
        if text is not None:
            section.paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
            section.model_written = True
