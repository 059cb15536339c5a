"""Workflows of reviews: starting an interim review, switching reminders on or off, and sending
the reminders (`manage.py send_reminders`)."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.text import Truncator

from assessments.mail import enqueue_email
from assessments.models import (
    Action,
    Assessment,
    Membership,
    Organisation,
    Reminder,
    Role,
    display_name,
)
from assessments.reviews import queries
from assessments.walkthrough import services as walkthrough_services
from framework.models import Edition

REMINDER_TEMPLATE = "assessments/email/reminder.txt"
# How an email's subject counts its reminders of each kind: (kind, one, several).
SUBJECT_PARTS = [
    (Reminder.Kind.REVIEW_OVERDUE, "review overdue", "{n} reviews overdue"),
    (Reminder.Kind.REVIEW_DUE, "review due soon", "{n} reviews due soon"),
    (Reminder.Kind.ACTION_OVERDUE, "1 action overdue", "{n} actions overdue"),
    (Reminder.Kind.ACTION_DUE, "1 action due soon", "{n} actions due soon"),
]


def interim_title(reason: str, day: date) -> str:
    """The title an interim review gets unless someone gives it one, e.g. "Interim review: An
    incident (March 2027)"."""
    return f"Interim review: {Assessment.Reason(reason).label} ({day:%B %Y})"


@transaction.atomic
def start_interim_review(
    *,
    organisation: Organisation,
    user: AbstractBaseUser,
    reason: str,
    details: str,
    title: str,
) -> Assessment:
    """Start an interim review: a new assessment, after an event, from the organisation's latest
    completed assessment (its answers copied, its domains in scope, each copied section to be
    confirmed), or from scratch with every domain when none is completed yet. It records why:
    `reason` (an `Assessment.Reason`) and what happened, in the words of whoever started it.
    Another assessment in progress does not stop it: an incident needs its own record."""
    if reason not in Assessment.Reason.values:
        raise ValidationError("Choose why you are starting an interim review.", code="reason")
    edition = Edition.objects.current()
    if edition is None:
        raise ValidationError("No edition of the framework is published yet.", code="no-edition")
    based_on = queries.latest_completed(organisation)
    assessment = walkthrough_services.start_assessment(
        organisation=organisation,
        user=user,
        title=title,
        domains=queries.interim_domains(edition, based_on),
        edition=edition,
        based_on=based_on,
    )
    assessment.kind = Assessment.Kind.INTERIM
    assessment.interim_reason = reason
    assessment.interim_details = details
    assessment.save(update_fields=["kind", "interim_reason", "interim_details", "updated_at"])
    return assessment


def set_reminders(*, membership: Membership, reminders: bool) -> Membership:
    """Switch the member's reminder emails about this organisation on or off."""
    if membership.reminders != reminders:
        membership.reminders = reminders
        membership.save(update_fields=["reminders"])
    return membership


# --- Reminders -----------------------------------------------------------------------------


@dataclass
class Item:
    """One reminder to one person: a review or an action, and the date it is about."""

    kind: str
    organisation: Organisation
    due_on: date
    assessment: Assessment | None = None
    action: Action | None = None
    # The title of the organisation's assessment in progress (a review under way), if any.
    in_progress_title: str = ""

    @property
    def subject(self) -> str:
        if self.action is not None:
            return f"action:{self.action.pk}"
        return f"assessment:{self.assessment.pk}"

    @property
    def url(self) -> str:
        """Where to act on it: the action's page, or the organisation's dashboard."""
        if self.action is not None:
            slug = self.organisation.slug
            return _absolute(reverse("assessments:action", args=[slug, self.action.pk]))
        return _absolute(reverse("assessments:dashboard", args=[self.organisation.slug]))

    @property
    def text(self) -> str:
        """The action's next step on one line, shortened."""
        return Truncator(" ".join(self.action.answer.next_steps.split())).chars(200)

    # Whether the action's owner is a member (who gets this reminder themselves).
    owner_is_member: bool = False

    @property
    def owner(self) -> str:
        """Who the action is for, as the organisation's owners read it: a member, or someone
        outside it (they get the reminders then), or nobody yet."""
        if self.owner_is_member:
            return display_name(self.action.owner)
        if self.action.owner_id is not None:
            return f"{display_name(self.action.owner)} (no longer a member)"
        if self.action.owner_name:
            return f"{self.action.owner_name} (not a member)"
        return "nobody yet"

    def describe(self) -> str:
        """One line for the command's output."""
        what = (
            f"action “{Truncator(self.text).chars(60)}”"
            if self.action is not None
            else f"review of “{self.assessment.title}”"
        )
        return (
            f"{Reminder.Kind(self.kind).label}: {what} of {self.organisation.name} "
            f"(due {self.due_on:%-d %B %Y})"
        )


@dataclass
class OrganisationReminders:
    """What one email says about one organisation."""

    organisation: Organisation
    review: Item | None = None
    overdue_actions: list[Item] = field(default_factory=list)
    due_actions: list[Item] = field(default_factory=list)

    @property
    def dashboard_url(self) -> str:
        return _absolute(reverse("assessments:dashboard", args=[self.organisation.slug]))

    @property
    def reminders_url(self) -> str:
        return _absolute(reverse("assessments:reminders", args=[self.organisation.slug]))


@dataclass
class Digest:
    """Everything one person is reminded of in one run: one email."""

    user: AbstractBaseUser
    items: list[Item] = field(default_factory=list)

    def organisations(self) -> list[OrganisationReminders]:
        grouped: dict[int, OrganisationReminders] = {}
        for item in self.items:
            group = grouped.setdefault(
                item.organisation.pk, OrganisationReminders(organisation=item.organisation)
            )
            if item.action is None:
                group.review = item
            elif item.kind == Reminder.Kind.ACTION_OVERDUE:
                group.overdue_actions.append(item)
            else:
                group.due_actions.append(item)
        return sorted(grouped.values(), key=lambda group: group.organisation.name)

    @property
    def subject(self) -> str:
        """E.g. "Reminders for Hillside Academy: review overdue, 2 actions due soon"."""
        names = {item.organisation.name for item in self.items}
        about = next(iter(names)) if len(names) == 1 else f"{len(names)} organisations"
        counts = Counter(item.kind for item in self.items)
        parts = []
        for kind, one, many in SUBJECT_PARTS:
            if counts[kind]:
                parts.append(one if counts[kind] == 1 else many.format(n=counts[kind]))
        return f"Reminders for {about}: {', '.join(parts)}"


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def reminders_due(*, today: date) -> list[Digest]:
    """Who is to be reminded of what today, and was not yet: one digest per person, in a fixed
    number of queries however many organisations, assessments and actions there are.

    Reviews: each organisation's latest completed assessment, due within 30 days (review due)
    or past its date (review overdue), to its owners and editors. Actions: open ones due within
    7 days or past their target date, to the action's owner if they are a member, else to the
    organisation's owners. Members who switched reminders off, and people who are no longer
    members, get nothing. A reminder already sent, for the same kind, person, subject and due
    date, is not sent again; a changed date is a new reminder."""
    reviews = queries.reviews_to_remind(today)
    actions = queries.actions_to_remind(today)
    sent = queries.reminders_sent(reviews, actions)
    digests: dict[int, Digest] = {}

    def remind(membership: Membership, item: Item) -> None:
        key = (item.kind, membership.user_id, item.subject, item.due_on)
        if membership.reminders and key not in sent:
            digests.setdefault(membership.user_id, Digest(user=membership.user)).items.append(item)

    reviewers = queries.by_organisation(queries.review_recipients(reviews))
    for assessment in reviews:
        due_on = assessment.review_due
        if due_on < today:
            kind = Reminder.Kind.REVIEW_OVERDUE
        elif due_on <= today + queries.DUE_SOON:
            kind = Reminder.Kind.REVIEW_DUE
        else:
            continue  # completed before the review date was stored, and not due yet
        for membership in reviewers.get(assessment.organisation_id, []):
            remind(
                membership,
                Item(
                    kind,
                    assessment.organisation,
                    due_on,
                    assessment=assessment,
                    in_progress_title=assessment.in_progress_title or "",
                ),
            )

    candidates = list(queries.action_recipients(actions))
    members = {(m.organisation_id, m.user_id): m for m in candidates}
    owners = queries.by_organisation(m for m in candidates if m.role == Role.OWNER)
    for action in actions:
        kind = (
            Reminder.Kind.ACTION_OVERDUE if action.target_date < today else Reminder.Kind.ACTION_DUE
        )
        member = members.get((action.organisation_id, action.owner_id))
        for membership in [member] if member else owners.get(action.organisation_id, []):
            item = Item(
                kind,
                action.organisation,
                action.target_date,
                action=action,
                owner_is_member=member is not None,
            )
            remind(membership, item)
    return sorted(digests.values(), key=lambda digest: digest.user.pk)


def send_reminders(*, today: date, dry_run: bool = False) -> list[Digest]:
    """Send today's reminders (`reminders_due`): one email per person, listing all their new
    reminders. Each person's `Reminder` rows are written in the transaction that queues their
    email, which goes once it commits: a failure sends nothing and records nothing, and running
    again never sends a reminder twice. Two runs at once cannot both send one: the second's
    rows break the unique constraint, and its email is dropped with them. `dry_run` sends and
    records nothing. Returns the digests (sent, or that would be)."""
    digests = reminders_due(today=today)
    if dry_run:
        return digests
    sent = []
    for digest in digests:
        if not digest.user.email:
            continue
        try:
            with transaction.atomic():
                Reminder.objects.bulk_create(
                    Reminder(
                        kind=item.kind,
                        user=digest.user,
                        organisation=item.organisation,
                        subject=item.subject,
                        due_on=item.due_on,
                    )
                    for item in digest.items
                )
                _email(digest, today)
        except IntegrityError:
            continue  # another run sent these at the same moment
        sent.append(digest)
    return sent


def _email(digest: Digest, today: date) -> None:
    enqueue_email(
        to=digest.user.email,
        subject=digest.subject,
        template=REMINDER_TEMPLATE,
        context={
            "name": display_name(digest.user),
            "user": digest.user,
            "organisations": digest.organisations(),
            "today": today,
        },
    )
