"""The report as a PDF, rendered by WeasyPrint from the templates and context of the HTML page.

The task worker renders it (`reporting.tasks`), in a child process with a time and a memory
limit (`render_process`); web requests only ever serve the stored file. It is a tagged PDF/UA-1
document (see `render_process.PDF_VARIANT`): the template's `<html lang>` and `<title>` become its
language and the title viewers show, and each chart's SVG `<title>` its figure's alt text.

WeasyPrint fetches nothing: the stylesheet is read from disk through the staticfiles finders,
fonts come from the system (fontconfig embeds DejaVu Sans and Noto Color Emoji), and every URL it
might try is refused, so a render never makes a request back to the running server.
"""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from assessments.models import Assessment
from assessments.reporting.render_process import write_pdf, write_pdf_in_child
from assessments.reporting.report import Report

STYLESHEET = "css/report-print.css"
TEMPLATE = "assessments/report_pdf.html"
SLUG_LENGTH = 60


def render_report_pdf(report: Report) -> bytes:
    """The report as PDF bytes, rendered in this process (tests and `make bench`)."""
    return write_pdf(render_to_string(TEMPLATE, {"report": report}), finders.find(STYLESHEET))


def render_report_pdf_limited(report: Report) -> bytes:
    """The report as PDF bytes, laid out in a child process within PDF_RENDER_TIME_LIMIT
    seconds and PDF_RENDER_MEMORY_LIMIT_MB of memory; raises `render_process.RenderFailed`.

    The HTML is made here (it needs the database); the layout, which is what grows with long
    answers, happens in the child."""
    return write_pdf_in_child(
        render_to_string(TEMPLATE, {"report": report}),
        finders.find(STYLESHEET),
        time_limit=settings.PDF_RENDER_TIME_LIMIT,
        memory_limit_mb=settings.PDF_RENDER_MEMORY_LIMIT_MB,
    )


def pdf_filename(assessment: Assessment) -> str:
    """`<organisation>-<assessment>-<date>.pdf`: the completion date, or today for a draft."""
    day = timezone.localdate(assessment.completed_at) if assessment.is_locked else None
    parts = [
        slugify(assessment.organisation.name)[:SLUG_LENGTH].strip("-"),
        slugify(assessment.title)[:SLUG_LENGTH].strip("-"),
        (day or timezone.localdate()).isoformat(),
    ]
    return "-".join(part for part in parts if part) + ".pdf"
