"""Render a report in a format and write it whole: a temporary file renamed into place, so a
failed render never leaves half a report behind."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Literal

from stockwise.assistant.reports.model import Report
from stockwise.tools.core.errors import InvalidArgumentError

Format = Literal["pdf", "html", "md"]
FORMATS: tuple[str, ...] = ("pdf", "html", "md")


def render(report: Report, fmt: str) -> bytes:
    if fmt == "md":
        from stockwise.assistant.reports.render_md import render_markdown

        return render_markdown(report).encode("utf-8")
    if fmt == "html":
        from stockwise.assistant.reports.render_html import render_html

        return render_html(report).encode("utf-8")
    if fmt == "pdf":
        from stockwise.assistant.reports.render_pdf import render_pdf

        return render_pdf(report)
    raise InvalidArgumentError(f"unknown report format {fmt!r}: use {', '.join(FORMATS)}")


def default_name(report: Report, fmt: str) -> str:
    scope = report.site or "all-sites"
    return f"audit-{report.period}-{scope}.{fmt}"


def write_report(report: Report, fmt: str, path: Path) -> Path:
    data = render(report, fmt)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created as open() would (0666 less the umask: 0644 as a rule), not mkstemp's 0600: a
    # report is meant to be read by the auditors it is written for.
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.part"
    handle = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
