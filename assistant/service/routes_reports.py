"""`POST /api/reports/audit`: the quarter's inventory audit as a file (PDF, HTML or
Markdown), the same report `stockwise report audit` and the chat tool write.

Reports are for auditors, managers and admins: they state the whole plant's stock value,
variances and suspected misclassifications, which a viewer's questions do not cover in
bulk. Every request, served or refused, goes into the audit log; a served report is logged
with the SHA-256 of the bytes sent, so the file an auditor holds can be matched to the log.
"""

from __future__ import annotations

import hashlib
import re
import threading
from typing import TYPE_CHECKING, Literal

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from stockwise.assistant.service.auth import Principal
from stockwise.assistant.service.deps import Services, principal, services
from stockwise.assistant.service.limits import CleanStr
from stockwise.tools.core.errors import StockwiseError, UnknownEntityError

if TYPE_CHECKING:
    from stockwise.assistant.reports.model import Report

router = APIRouter(prefix="/api/reports", tags=["reports"])

REPORT_ROLES = ("auditor", "manager", "admin")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}
# A report reads every table and fills the tools' caches; building two at once on 2 cores
# only makes both slower, so they queue.
_one_at_a_time = threading.Lock()


# Quarters whose dates pandas can hold (it stops in 2262); 9999-Q4 and 0000-Q1 were 500s.
FIRST_YEAR, LAST_YEAR = 1900, 2200
_YEAR = re.compile(r"^\s*(\d{4})")


class AuditReportRequest(BaseModel):
    period: CleanStr = Field(
        min_length=1, max_length=16, description="The quarter, e.g. 2025-Q3.", examples=["2025-Q3"]
    )
    site: CleanStr | None = Field(
        default=None, max_length=100, description="Site id or name; omit for all sites."
    )
    format: Literal["pdf", "html", "md"] = Field(default="pdf", description="pdf, html or md.")


def _year_problem(period: str) -> str | None:
    """The period's year out of range; other malformed periods are the report's to name."""
    found = _YEAR.match(period)
    if found and not FIRST_YEAR <= int(found[1]) <= LAST_YEAR:
        return f"period {period!r}: the year must be between {FIRST_YEAR} and {LAST_YEAR}"
    return None


def _build(svc: Services, body: AuditReportRequest) -> tuple[Report, bytes]:
    from stockwise.assistant.reports.build import build_audit_report
    from stockwise.assistant.reports.prose import prose_model
    from stockwise.assistant.reports.write import render

    session = svc.runner.session
    with _one_at_a_time:
        model = prose_model(session.choice)  # the model the service's agent answers with
        report = build_audit_report(session.ctx, body.period, body.site, model=model)
        return report, render(report, body.format)


@router.post(
    "/audit",
    response_class=Response,
    responses={
        200: {
            "description": "The report file, named in Content-Disposition.",
            "content": {media.split(";")[0]: {} for media in MEDIA_TYPES.values()},
        },
        403: {"description": "The caller's role may not write reports (viewers)."},
        404: {"description": "No such site."},
        422: {"description": "The period is not a quarter, or the format is unknown."},
    },
)
async def audit_report(
    body: AuditReportRequest, who: Principal = Depends(principal), svc: Services = Depends(services)
) -> Response:
    """Write the audit report for a quarter (and optionally one site) and return the file."""
    asked = body.model_dump()
    if who.role not in REPORT_ROLES:
        svc.audit.append("report", who.user, "api", **asked, status="forbidden")
        raise HTTPException(
            403, f"Role {who.role} cannot write audit reports; ask an auditor or a manager."
        )
    problem = _year_problem(body.period)
    if problem:
        svc.audit.append("report", who.user, "api", **asked, status="refused", detail=problem)
        raise HTTPException(422, problem)
    try:
        report, data = await run_in_threadpool(_build, svc, body)
    except UnknownEntityError as error:
        svc.audit.append("report", who.user, "api", **asked, status="refused", detail=str(error))
        raise HTTPException(404, str(error)) from None
    except StockwiseError as error:
        svc.audit.append("report", who.user, "api", **asked, status="refused", detail=str(error))
        raise HTTPException(422, str(error)) from None
    from stockwise.assistant.reports.write import default_name

    name = default_name(report, body.format)
    digest = hashlib.sha256(data).hexdigest()
    svc.audit.append(
        "report",
        who.user,
        "api",
        **asked,
        status="ok",
        file=name,
        sha256=digest,
        bytes=len(data),
        fingerprint=report.fingerprint,
        figures=len(report.tracer.figures),
        short=report.short,
        seconds=round(report.seconds, 2),
    )
    return Response(
        data,
        media_type=MEDIA_TYPES[body.format],
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Report-Sha256": digest,
            "X-Data-Fingerprint": report.fingerprint,
        },
    )
