"""How answers read in the history and on the conflict page, and when things happened."""

from datetime import date, datetime
from typing import Any

from django.utils import dateformat, timezone

from assessments.models import AgeGroup, Rating


def display_value(value: Any) -> str:
    """How an answer's value reads in the activity history."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def display_answer(model_field: str, value: Any) -> str:
    """How a value of an answer's field reads in the history (ratings by name)."""
    if model_field == "rating" and value is not None:
        return Rating(value).label
    if model_field == "age_groups":
        return ", ".join(AgeGroup(item).label for item in value)
    return display_value(value)


def when_in_words(moment: datetime, *, now: datetime | None = None) -> str:
    """When something happened, as people say it, in local time: "today at 10:12", "yesterday
    at 16:05", or the date, "3 December 2026"."""
    now = timezone.localtime(now or timezone.now())
    moment = timezone.localtime(moment)
    days = (now.date() - moment.date()).days
    if days == 0:
        return f"today at {moment:%H:%M}"
    if days == 1:
        return f"yesterday at {moment:%H:%M}"
    return dateformat.format(moment, "j F Y")
