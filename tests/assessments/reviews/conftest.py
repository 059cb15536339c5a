"""Completed assessments whose review falls on a chosen day, and their actions: what the review
status, the interim review and the reminders are tested with."""

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from assessments.models import Action, Assessment
from tests.assessments.factories import complete, fill


def days(n: int) -> date:
    """The day `n` days from today (before it, for a negative `n`)."""
    return timezone.localdate() + timedelta(days=n)


@pytest.fixture
def make_completed(make_assessment, owner) -> Callable[..., Assessment]:
    """An assessment of Environment and Content, filled in (every question with a next step,
    so each becomes an action, due `actions_due`), completed `completed_days_ago` days ago, its
    next review on `review_on` (default: a year after completing)."""

    def make(
        title: str = "Annual review",
        *,
        review_on: date | None = None,
        completed_days_ago: int = 30,
        actions_due: date | None = None,
        **kwargs,
    ) -> Assessment:
        assessment = make_assessment(title=title, **kwargs)
        fill(assessment, target_date=actions_due or days(365))
        on = datetime.combine(days(-completed_days_ago), datetime.min.time().replace(hour=10))
        assessment = complete(assessment, owner, on=on)
        if review_on is not None:
            Assessment.objects.filter(pk=assessment.pk).update(next_review_on=review_on)
            assessment.refresh_from_db()
        return assessment

    return make


def one_action(assessment: Assessment, **values) -> Action:
    """Keep one of the assessment's actions (the others are done), with `values` set."""
    actions = Action.objects.filter(assessment=assessment).order_by("pk")
    kept = actions.first()
    actions.exclude(pk=kept.pk).update(status=Action.Status.DONE)
    Action.objects.filter(pk=kept.pk).update(**values)
    kept.refresh_from_db()
    return kept
