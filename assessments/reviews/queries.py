"""Reused reads of reviews."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from assessments.models import Assessment, Organisation

DUE_SOON = timedelta(days=30)


@dataclass(frozen=True)
class ReviewStatus:
    """When the organisation's next review is due, from its latest completed assessment."""

    latest: Assessment
    due_on: date

    @property
    def is_overdue(self) -> bool:
        return self.due_on < timezone.localdate()

    @property
    def is_due_soon(self) -> bool:
        return not self.is_overdue and self.due_on <= timezone.localdate() + DUE_SOON


def review_status(organisation: Organisation) -> ReviewStatus | None:
    """None until the organisation has completed an assessment."""
    latest = (
        Assessment.objects.completed()
        .filter(organisation=organisation)
        .order_by("-completed_at", "-pk")
        .first()
    )
    if latest is None:
        return None
    return ReviewStatus(latest=latest, due_on=latest.review_due)
