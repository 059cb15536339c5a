"""Reused reads of reviews: when an organisation's next review is due, its review log, and what
`send_reminders` has to remind people of."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from assessments.models import (
    Action,
    Activity,
    Assessment,
    Membership,
    Organisation,
    Reminder,
    Role,
)
from framework.models import Domain, Edition

# The dashboard counts the days to a review from this far ahead, and the first reminder goes.
DUE_SOON = timedelta(days=30)
# An action's reminder goes this long before its target date.
ACTION_DUE_SOON = timedelta(days=7)


@dataclass(frozen=True)
class ReviewStatus:
    """When the organisation's next review is due, from its latest completed assessment, and
    the assessment in progress, if any (the review under way)."""

    latest: Assessment | None
    in_progress: Assessment | None
    today: date

    @property
    def due_on(self) -> date | None:
        return self.latest.review_due if self.latest else None

    @property
    def is_overdue(self) -> bool:
        return self.due_on is not None and self.due_on < self.today

    @property
    def is_due_soon(self) -> bool:
        return (
            self.due_on is not None and not self.is_overdue and self.due_on <= self.today + DUE_SOON
        )

    @property
    def days_left(self) -> int | None:
        return (self.due_on - self.today).days if self.due_on else None


def latest_completed(organisation: Organisation) -> Assessment | None:
    """The organisation's most recently completed assessment: the one its next review is
    about, and the one an interim review starts from."""
    return (
        Assessment.objects.completed()
        .filter(organisation=organisation)
        .order_by("-completed_at", "-pk")
        .first()
    )


def in_progress(organisation: Organisation) -> Assessment | None:
    """The organisation's newest assessment in progress, if any."""
    return (
        Assessment.objects.filter(organisation=organisation, status=Assessment.Status.IN_PROGRESS)
        .order_by("-created_at", "-pk")
        .first()
    )


def interim_domains(edition: Edition, based_on: Assessment | None) -> list[Domain]:
    """The domains an interim review covers: those of the assessment it starts from, found by
    their stable keys in `edition` (which may be newer), else every domain of the edition."""
    domains = edition.domains.all()
    if based_on is not None:
        same = list(domains.filter(key__in=based_on.domains.values("key")))
        if same:
            return same
    return list(domains)


def review_status(organisation: Organisation) -> ReviewStatus:
    """What the dashboard says about reviews, in two queries however many assessments there
    are. `latest` is None until the organisation has completed an assessment."""
    return ReviewStatus(
        latest=latest_completed(organisation),
        in_progress=in_progress(organisation),
        today=timezone.localdate(),
    )


# --- The review log ------------------------------------------------------------------------

# What the review log lists of each assessment's history: its lifecycle, not its answers.
LOG_KINDS = [
    Activity.Kind.CREATED,
    Activity.Kind.COMPLETED,
    Activity.Kind.REOPENED,
    Activity.Kind.SIGNED_OFF,
]


@dataclass(frozen=True)
class LogEntry:
    """One assessment in the review log, with its lifecycle events newest first."""

    assessment: Assessment
    events: list[Activity]


def review_log(organisation: Organisation) -> list[LogEntry]:
    """Every assessment of the organisation, newest first, each with the events that matter to
    a review (started, completed, reopened, signed off), newest first. Two queries, however
    many assessments and events."""
    assessments = list(
        Assessment.objects.filter(organisation=organisation)
        .select_related("created_by__profile", "completed_by__profile", "edition")
        .order_by("-created_at", "-pk")
    )
    events: dict[int, list[Activity]] = {assessment.pk: [] for assessment in assessments}
    for event in (
        Activity.objects.filter(assessment__organisation=organisation, kind__in=LOG_KINDS)
        .select_related("user__profile")
        .order_by("-at", "-pk")
    ):
        events[event.assessment_id].append(event)
    return [LogEntry(assessment=a, events=events[a.pk]) for a in assessments]


# --- Reminders -----------------------------------------------------------------------------


def _subject(prefix: str) -> Concat:
    """The `Reminder.subject` of a row, in SQL: "assessment:<pk>" or "action:<pk>"."""
    return Concat(Value(prefix), Cast("pk", models.CharField()), output_field=models.CharField())


def reviews_to_remind(today: date) -> QuerySet[Assessment]:
    """Each organisation's latest completed assessment whose review falls due within 30 days
    or has passed, with the title of the organisation's newest assessment in progress (the
    review under way) as `in_progress_title`. One query, however many organisations."""
    newer = Assessment.objects.completed().filter(
        Q(completed_at__gt=OuterRef("completed_at"))
        | Q(completed_at=OuterRef("completed_at"), pk__gt=OuterRef("pk")),
        organisation=OuterRef("organisation"),
    )
    under_way = Assessment.objects.filter(
        organisation=OuterRef("organisation"), status=Assessment.Status.IN_PROGRESS
    ).order_by("-created_at", "-pk")
    # Assessments completed before the next review date was stored have none: their review is
    # due a year after completion (`Assessment.review_due`), checked in Python by the caller.
    return (
        Assessment.objects.completed()
        .filter(~Exists(newer))
        .filter(Q(next_review_on__lte=today + DUE_SOON) | Q(next_review_on__isnull=True))
        .annotate(in_progress_title=Subquery(under_way.values("title")[:1]))
        .select_related("organisation")
        .order_by("pk")
    )


def actions_to_remind(today: date) -> QuerySet[Action]:
    """Open actions whose target date is within 7 days or has passed. One query."""
    return (
        Action.objects.followed_up()
        .open()
        .filter(target_date__lte=today + ACTION_DUE_SOON)
        .select_related("organisation", "assessment", "answer__question__domain", "owner__profile")
        .order_by("target_date", "pk")
    )


def review_recipients(reviews: QuerySet[Assessment]) -> QuerySet[Membership]:
    """The owners and editors of the organisations of `reviews`, with their users (reminders
    on or off: the caller skips those who switched them off)."""
    return Membership.objects.filter(
        organisation__in=reviews.values("organisation"),
        role__in=[Role.OWNER, Role.EDITOR],
        user__is_active=True,
    ).select_related("user__profile")


def action_recipients(actions: QuerySet[Action]) -> QuerySet[Membership]:
    """The memberships that may hear of `actions`: the owners of their organisations, and any
    membership of a person who owns one of the actions (the caller pairs them up)."""
    return Membership.objects.filter(
        Q(role=Role.OWNER) | Q(user__in=actions.values("owner")),
        organisation__in=actions.values("organisation"),
        user__is_active=True,
    ).select_related("user__profile")


def reminders_sent(
    reviews: QuerySet[Assessment], actions: QuerySet[Action]
) -> set[tuple[str, int, str, date]]:
    """(kind, user id, subject, due date) of every reminder already sent about `reviews` or
    `actions`: one query, reading only the reminders about them."""
    subjects = Q(subject__in=reviews.annotate(s=_subject("assessment:")).values("s")) | Q(
        subject__in=actions.annotate(s=_subject("action:")).values("s")
    )
    return set(Reminder.objects.filter(subjects).values_list("kind", "user", "subject", "due_on"))


def by_organisation(memberships: Iterable[Membership]) -> dict[int, list[Membership]]:
    grouped: dict[int, list[Membership]] = {}
    for membership in memberships:
        grouped.setdefault(membership.organisation_id, []).append(membership)
    return grouped
