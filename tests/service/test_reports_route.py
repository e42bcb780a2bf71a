"""`POST /api/reports/audit` against a real server: the file with its type and name, roles,
the audit log entry matching the bytes served, and clear 4xx answers for bad requests."""

from __future__ import annotations

import hashlib
import io

import httpx
import pytest
from pypdf import PdfReader

from stockwise.tools.stock.value import InventoryValueInput, inventory_value

EMPTY_QUARTER = "2021-Q1"  # before the demo ledger begins: a short report, built in a blink


def report(served, user: str | None, timeout: float = 60, **body) -> httpx.Response:
    headers = served.auth(user) if user else {}
    return httpx.post(
        f"{served.url}/api/reports/audit", json=body, headers=headers, timeout=timeout
    )


def report_entries(served) -> list[dict]:
    return [e for e in served.session_audit() if e["kind"] == "report"]


def test_auditor_gets_the_markdown_file_and_the_log_holds_its_hash(served):
    reply = report(served, "cy", period=EMPTY_QUARTER, format="md")
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "text/markdown; charset=utf-8"
    assert (
        reply.headers["content-disposition"] == 'attachment; filename="audit-2021-Q1-all-sites.md"'
    )
    text = reply.text
    assert text.startswith("# Inventory audit 2021-Q1")
    assert "No stock movement was booked in 2021-Q1 (before the ledger begins)" in text
    digest = hashlib.sha256(reply.content).hexdigest()
    assert reply.headers["x-report-sha256"] == digest
    ds = served.session.ctx.dataset
    assert reply.headers["x-data-fingerprint"] == ds.fingerprint
    (entry,) = report_entries(served)
    assert entry["user"] == "cy" and entry["channel"] == "api"
    data = entry["data"]
    assert (
        data["status"] == "ok" and data["sha256"] == digest and data["bytes"] == len(reply.content)
    )
    assert (data["period"], data["site"], data["format"]) == (EMPTY_QUARTER, None, "md")


def test_pdf_and_html_have_their_types(served):
    pdf = report(served, "bo", period="2021q1", format="pdf")  # managers may; lax period text
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].endswith('filename="audit-2021-Q1-all-sites.pdf"')
    pages = PdfReader(io.BytesIO(pdf.content)).pages
    text = " ".join(" ".join(p.extract_text().split()) for p in pages)
    assert "before the ledger begins" in text and f"Page 1 of {len(pages)}" in text
    html = report(served, "di", period=EMPTY_QUARTER, site="S2", format="html")
    assert html.status_code == 200, html.text
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert html.headers["content-disposition"].endswith('filename="audit-2021-Q1-S2.html"')
    assert html.text.startswith("<!doctype html>") and "site S2" in html.text


def test_format_defaults_to_pdf(served):
    reply = report(served, "cy", period=EMPTY_QUARTER)
    assert reply.status_code == 200 and reply.content.startswith(b"%PDF")


def test_viewers_and_strangers_are_refused_and_logged(served):
    assert report(served, None, period=EMPTY_QUARTER).status_code == 401
    denied = report(served, "ana", period=EMPTY_QUARTER, format="md")
    assert denied.status_code == 403 and "viewer" in denied.json()["detail"]
    (entry,) = report_entries(served)
    assert entry["user"] == "ana" and entry["data"]["status"] == "forbidden"


@pytest.mark.parametrize(
    ("body", "status", "says", "logged"),
    [
        ({"period": "Q3"}, 422, "not a quarter", True),
        ({"period": "2025-Q5", "format": "md"}, 422, "write it like 2025-Q3", True),
        (
            {"period": "2025-Q3", "site": "Moon Base", "format": "md"},
            404,
            "no site 'Moon Base'",
            True,
        ),
        # Malformed bodies are refused by validation before the route runs.
        ({"period": "2025-Q3", "format": "docx"}, 422, "'pdf', 'html' or 'md'", False),
        ({"site": "S1"}, 422, "period", False),
        ({"period": "x" * 40}, 422, "at most 16 characters", False),
    ],
)
def test_bad_requests_get_a_clear_4xx(served, body, status, says, logged):
    reply = report(served, "cy", **body)
    assert reply.status_code == status, reply.text
    assert says in reply.text
    entries = report_entries(served)
    if logged:
        (entry,) = entries
        assert entry["data"]["status"] == "refused" and says in entry["data"]["detail"]
    else:
        assert entries == []


@pytest.mark.slow  # a full quarter trains the demo classifier first: about a minute
def test_full_report_over_http_states_the_tools_figures(served):
    reply = report(served, "cy", timeout=600, period="2025-Q3", site="S2", format="md")
    assert reply.status_code == 200, reply.text
    ctx = served.session.ctx
    value = inventory_value(ctx, InventoryValueInput(site="S2")).total_value
    assert f"Stock on hand is worth USD {value:,.0f} at the snapshot" in reply.text
    assert "## 11. Appendix: figures and their trace" in reply.text
    (entry,) = report_entries(served)
    assert entry["data"]["short"] is False and entry["data"]["figures"] > 50
