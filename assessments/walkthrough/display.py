"""How answers read in the history and on the conflict page."""

from datetime import date
from typing import Any

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
