"""The report as a PDF, rendered by WeasyPrint from the templates and context of the HTML page.

A completed assessment cannot change, so its PDF is rendered once and stored under MEDIA_ROOT
(`assessments.storage`); later requests get the stored file. Reopening or deleting the assessment
throws the file away, and the completion time in the file name means an assessment completed
again never gets the old file. Drafts are rendered on every request and never stored.

WeasyPrint fetches nothing: the stylesheet is read from disk through the staticfiles finders,
fonts come from the system (fontconfig embeds DejaVu Sans and Noto Color Emoji), and every URL it
might try is refused, so a render never makes a request back to the running server.
"""

import threading
from pathlib import Path
from types import SimpleNamespace

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from assessments.models import Assessment
from assessments.reporting.report import Report, build_report
from assessments.storage import stored_pdf_path, write_atomically

STYLESHEET = "css/report-print.css"
TEMPLATE = "assessments/report_pdf.html"
SLUG_LENGTH = 60


def render_report_pdf(report: Report) -> bytes:
    """The report as PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(TEMPLATE, {"report": report})
    tools = _weasyprint_tools()
    document = HTML(string=html, base_url=None, url_fetcher=tools.fetcher)
    return document.write_pdf(stylesheets=[tools.stylesheet], font_config=tools.font_config)


_per_thread = threading.local()


def _weasyprint_tools() -> SimpleNamespace:
    """The parsed stylesheet, font configuration and URL fetcher, made once per thread.

    Parsing the stylesheet and setting up fonts is a fifth of a render; WeasyPrint's objects are
    not documented as thread-safe, so each thread of a threaded server keeps its own.
    """
    if not hasattr(_per_thread, "tools"):
        # Imported here, not at the top: WeasyPrint takes a second or two to import, and only
        # rendering needs it (services import this module to discard stored files).
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        class RefuseEveryURL(URLFetcher):
            """Fetch nothing: the document and its stylesheet are complete as given."""

            def fetch(self, url, headers=None):
                raise ValueError(f"The report PDF loads nothing from URLs; refused {url!r}.")

        fetcher = RefuseEveryURL()
        font_config = FontConfiguration()
        stylesheet = CSS(
            filename=finders.find(STYLESHEET), url_fetcher=fetcher, font_config=font_config
        )
        _per_thread.tools = SimpleNamespace(
            fetcher=fetcher, font_config=font_config, stylesheet=stylesheet
        )
    return _per_thread.tools


def pdf_for(assessment: Assessment) -> Path | bytes:
    """The PDF of the report: the stored file of a completed assessment (rendered and stored
    on first use), or freshly rendered bytes for a draft."""
    path = stored_pdf_path(assessment)
    if path is not None and path.exists():
        return path
    content = render_report_pdf(build_report(assessment))
    if path is None:
        return content
    write_atomically(path, content)
    return path


def pdf_filename(assessment: Assessment) -> str:
    """`<organisation>-<assessment>-<date>.pdf`: the completion date, or today for a draft."""
    day = timezone.localdate(assessment.completed_at) if assessment.is_locked else None
    parts = [
        slugify(assessment.organisation.name)[:SLUG_LENGTH].strip("-"),
        slugify(assessment.title)[:SLUG_LENGTH].strip("-"),
        (day or timezone.localdate()).isoformat(),
    ]
    return "-".join(part for part in parts if part) + ".pdf"
