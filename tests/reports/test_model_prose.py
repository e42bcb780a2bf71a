"""A model's prose replaces the templates only when every figure in it is in the section's
facts; otherwise the template stays and the report says why."""

from __future__ import annotations

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from stockwise.assistant.reports.build import build_audit_report
from stockwise.assistant.reports.write import render


def test_grounded_prose_is_kept_and_invented_figures_are_rejected(demo_ctx):  # type: ignore[no-untyped-def]
    template = build_audit_report(demo_ctx, "2021-Q1")
    scope_template = template.sections[0].paragraphs
    model = FakeListChatModel(
        responses=[
            # Scope: a figure the facts do not hold (USD 5,000) -> rejected.
            "The 2 sites held USD 5,000 of stock, with 0 movements in the quarter.",
            # Findings: every figure comes from the facts -> kept.
            "Nothing moved in 2021-Q1: the ledger only starts on 2023-07-01 and runs to "
            "2025-09-30.",
        ]
    )
    report = build_audit_report(demo_ctx, "2021-Q1", model=model)
    scope, findings = report.sections[0], report.sections[1]
    assert scope.paragraphs == scope_template and not scope.model_written
    assert "5,000" in scope.notes[0] and "template prose" in scope.notes[0]
    assert findings.model_written
    assert findings.paragraphs == [
        "Nothing moved in 2021-Q1: the ledger only starts on 2023-07-01 and runs to 2025-09-30."
    ]
    assert "facts: 5,000" in render(report, "md").decode()  # the note says what was rejected
    assert "held USD 5,000" not in report.narrative
