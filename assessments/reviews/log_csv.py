"""The review log as CSV rows: one row per event of each assessment (started, completed,
reopened, signed off), newest assessment first. The download makes each cell safe
(`assessments.spreadsheets`)."""

from datetime import date, datetime

from django.utils import timezone

from assessments.models import display_name
from assessments.reviews.queries import LogEntry

COLUMNS = [
    "Assessment",
    "Type",
    "Reason",
    "What happened",
    "Status",
    "Event",
    "When",
    "By",
    "Approved by",
    "Approved on",
    "Next review",
]


def log_rows(entries: list[LogEntry]) -> list[list[str]]:
    """The header, then a row per event; an assessment with no recorded event (one imported
    without its history) still gets a row, with the event empty."""
    rows = [COLUMNS]
    for entry in entries:
        assessment = entry.assessment
        about = [
            assessment.title,
            assessment.get_kind_display(),
            assessment.get_interim_reason_display(),
            assessment.interim_details,
            assessment.get_status_display(),
        ]
        sign_off = [
            assessment.approved_by,
            _date(assessment.approved_on),
            _date(assessment.review_due),
        ]
        events = [
            [event.get_kind_display(), _when(event.at), display_name(event.user)]
            for event in entry.events
        ] or [["", "", ""]]
        rows += [about + event + sign_off for event in events]
    return rows


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _date(day: date | None) -> str:
    return day.isoformat() if day else ""
