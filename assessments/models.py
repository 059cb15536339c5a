"""Organisations, their members, and their self-assessments against the framework.

Tenancy: every row here belongs to one Organisation. Views reach it only through
`assessments.access` (one scoped lookup), never by primary key alone.
Answers point at framework rows with PROTECT, so what a saved assessment says never changes
when admins edit the framework (they edit a new draft edition instead).
"""

import hashlib
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from framework.models import AgeGroup, ChecklistStatement, Domain, Edition, Factor, Question


class Nation(models.TextChoices):
    ENGLAND = "england", "England"
    SCOTLAND = "scotland", "Scotland"
    WALES = "wales", "Wales"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


class Rating(models.IntegerChoices):
    POORLY = 1, "Poorly"
    MODERATELY = 2, "Moderately"
    WELL = 3, "Well"


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    VIEWER = "viewer", "Viewer"


class Organisation(models.Model):
    class Kind(models.TextChoices):
        SCHOOL = "school", "School or college"
        EARLY_YEARS = "early-years", "Early years"
        CHARITY = "charity", "Charity or voluntary group"
        LOCAL_AUTHORITY = "local-authority", "Local authority"
        HEALTH = "health", "Health or social care"
        LIBRARY = "library", "Library or public access point"
        PROVIDER = "provider", "Internet or telecoms provider"
        PLATFORM = "platform", "Online platform, app or game"
        CONTENT = "content", "Content or media producer"
        POLICY = "policy", "Policy or government body"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    nations = models.JSONField("UK nations", default=list)
    age_groups = models.JSONField(default=list)
    additional_vulnerabilities = models.BooleanField(
        "works with people with additional vulnerabilities", default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        # The admin's list reads the first page in this order (it adds -pk to make it total).
        # Prefix search on the name uses a PostgreSQL-only index made in migration 0007.
        indexes = [models.Index(fields=["name", "-id"], name="organisation_name_id")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assessments:dashboard", args=[self.slug])

    def get_nations_display(self) -> str:
        return ", ".join(Nation(value).label for value in self.nations)

    def get_age_groups_display(self) -> str:
        return ", ".join(AgeGroup(value).label for value in self.age_groups)


class Profile(models.Model):
    """What a person is called on the site: their full name and, if they give one, job title.

    Accounts made before names were asked for have no profile; `display_name` shows their email
    address instead, so every page works without one.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return self.full_name


def display_name(user: AbstractBaseUser | None) -> str:
    """How the site shows a person: their full name, else their email address; a deleted account
    (a user foreign key set to null) is "A former member".

    Reads `user.profile`: select_related("…user__profile") wherever people are listed.
    """
    if user is None:
        return "A former member"
    # A missing profile raises an AttributeError subclass (and is cached as missing).
    profile = getattr(user, "profile", None)
    return (profile.full_name if profile else "") or user.email or user.get_username()


def job_title(user: AbstractBaseUser | None) -> str:
    """The person's job title, or "" if they gave none (or have no profile)."""
    profile = getattr(user, "profile", None) if user is not None else None
    return profile.job_title if profile else ""


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)
    # Each member may switch off the reminder emails about this organisation's reviews and
    # actions (`manage.py send_reminders`).
    reminders = models.BooleanField("email me reminders", default=True)

    class Meta:
        ordering = ["organisation__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} of {self.organisation}"

    @property
    def can_edit(self) -> bool:
        return self.role in (Role.OWNER, Role.EDITOR)

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class InvitationLink:
    """Where an invitation link stands, for both kinds (to an organisation, to a group): read
    from its accepted, declined, revoked and expiry times."""

    @property
    def status(self) -> InvitationStatus:
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.revoked_at is not None:
            return InvitationStatus.REVOKED
        if self.declined_at is not None:
            return InvitationStatus.DECLINED
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    @property
    def is_usable(self) -> bool:
        return self.status == InvitationStatus.PENDING


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        """Invitations that can still be used: not accepted, declined or revoked, nor expired."""
        return self.filter(
            accepted_at__isnull=True,
            declined_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )


class Invitation(InvitationLink, models.Model):
    """A single-use, expiring link that adds a colleague to an organisation.

    Only the token's hash is stored: the link itself exists only in the email. The person invited
    may decline it, and an owner may revoke it or re-send it (a fresh link, the old one dead).
    """

    Status = InvitationStatus
    VALID_FOR = timedelta(days=7)

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    declined_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.organisation}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


class AssessmentQuerySet(models.QuerySet):
    def completed(self):
        return self.filter(status=Assessment.Status.COMPLETED)


def a_year_after(day: date) -> date:
    """The same date a year later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


class Assessment(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in-progress", "In progress"
        COMPLETED = "completed", "Completed"

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled review"
        INTERIM = "interim", "Interim review"

    class Reason(models.TextChoices):
        """Why an interim review was started: the events statutory guidance names."""

        INCIDENT = "incident", "An incident"
        TECHNOLOGY = "technology", "New technology"
        SERVICE = "service", "A change of service"
        POLICY = "policy", "A change of policy"
        GUIDANCE = "guidance", "New guidance"
        OTHER = "other", "Something else"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="assessments"
    )
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="assessments")
    title = models.CharField(max_length=200)
    domains = models.ManyToManyField(Domain, related_name="+", verbose_name="domains in scope")
    age_groups = models.JSONField(default=list)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SCHEDULED)
    # An interim review's reason, and what happened, in the words of whoever started it.
    interim_reason = models.CharField("reason", max_length=12, choices=Reason.choices, blank=True)
    interim_details = models.TextField("what happened", blank=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The sign-off, for the board: recorded by an owner when completing, and changeable after
    # (a board often approves weeks later) without reopening the answers.
    board_findings = models.TextField("what we found", blank=True)
    board_plans = models.TextField("what we will do", blank=True)
    board_asks = models.TextField("what we need from the board", blank=True)
    approved_by = models.CharField("approved by", max_length=200, blank=True)
    approved_on = models.DateField("approved on", null=True, blank=True)
    next_review_on = models.DateField("next review", null=True, blank=True)
    # Raised by every change of the sign-off: two owners editing it at once never overwrite
    # each other unseen, and the stored PDF of the old sign-off is not served again.
    sign_off_version = models.PositiveIntegerField(default=0)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        # The admin's list reads the newest page of every organisation's assessments: without
        # this it sorts the whole table. Title prefix search: see migration 0007.
        indexes = [models.Index(fields=["-created_at", "-id"], name="assessment_created_id")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assessments:detail", args=[self.organisation.slug, self.pk])

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.COMPLETED

    @property
    def review_due(self) -> date | None:
        """When to review a completed assessment: the date its sign-off set, or else twelve
        months after its completion. None while it is in progress."""
        if self.completed_at is None:
            return None
        return self.next_review_on or a_year_after(timezone.localdate(self.completed_at))

    @property
    def has_sign_off(self) -> bool:
        return bool(self.board_findings or self.board_plans or self.board_asks or self.approved_by)

    def get_age_groups_display(self) -> str:
        return ", ".join(AgeGroup(value).label for value in self.age_groups)


class Section(models.Model):
    """One page of the walk-through, with its status and a version for safe concurrent edits.

    Keys: "people", "domain-<domain key>", "checklist".
    """

    class Status(models.TextChoices):
        NOT_STARTED = "not-started", "Not started"
        IN_PROGRESS = "in-progress", "In progress"
        COMPLETED = "completed", "Completed"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=100)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Answers were copied into it from an earlier assessment and nobody has confirmed them yet
    # (by saving the section): the assessment cannot be completed until they do.
    needs_review = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "key"], name="unique_section_key"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} – {self.key}"


class FactorAnswer(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="factor_answers"
    )
    factor = models.ForeignKey(Factor, on_delete=models.PROTECT, related_name="+")
    relevant = models.BooleanField("relevant to us", null=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["factor__position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "factor"], name="unique_factor_answer"),
        ]

    def __str__(self) -> str:
        return f"{self.factor}: {self.relevant}"


class QuestionAnswer(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="question_answers"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    current_practice = models.TextField("what you do now, with evidence", blank=True)
    next_steps = models.TextField("what you will do next", blank=True)
    action_owner = models.CharField("who will do it", max_length=200, blank=True)
    target_date = models.DateField("by when", null=True, blank=True)
    # The question's wording when this (copied) answer was given, where a newer edition has
    # reworded it; empty otherwise, and once the section is confirmed.
    previous_question_text = models.TextField(blank=True)

    class Meta:
        ordering = ["question__domain__position", "question__stage__position", "question__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="unique_question_answer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.get_rating_display()}"

    @property
    def question_changed(self) -> bool:
        """The answer was copied from an earlier edition whose wording of the question differs,
        and nobody has confirmed it since."""
        return bool(self.previous_question_text)

    @property
    def target_date_passed(self) -> bool:
        """The action's target date is before today."""
        return self.target_date is not None and self.target_date < timezone.localdate()


class ChecklistAnswer(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="checklist_answers"
    )
    statement = models.ForeignKey(ChecklistStatement, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["statement__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "statement"], name="unique_checklist_answer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement}: {self.get_rating_display()}"


class Activity(models.Model):
    """The history of an assessment: every changed answer (old and new value) and every event."""

    class Kind(models.TextChoices):
        CREATED = "created", "Started the assessment"
        CHANGED = "changed", "Changed an answer"
        COMPLETED = "completed", "Completed the assessment"
        REOPENED = "reopened", "Reopened the assessment"
        REVIEWED = "reviewed", "Confirmed a copied section"
        SIGNED_OFF = "signed-off", "Recorded the sign-off"
        MOVED = "moved", "Moved to a newer edition"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="activity")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    section_key = models.CharField(max_length=100, blank=True)
    section_version = models.PositiveIntegerField(default=0)
    item = models.CharField("answer", max_length=300, blank=True)
    # Stable keys of the answer and field (what `item` and `field` name for people), so code
    # never has to match display text: the factor's, question's or statement's key.
    item_key = models.CharField(max_length=100, blank=True)
    field = models.CharField(max_length=100, blank=True)
    field_name = models.CharField(max_length=50, blank=True)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "activity"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {Truncator(self.item).chars(40)}"


class RateLimitHit(models.Model):
    """One use of a rate-limited action (a reset email, a sign-up, an invitation), counted per
    key: an address, a client, a user or an organisation. Kept in the database, so a limit holds
    however many app servers share it. The key is a hash: no email address is kept here."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"], name="ratelimit_scope_key_at")]

    def __str__(self) -> str:
        return f"{self.scope} at {self.at:%Y-%m-%d %H:%M}"


class PdfRender(models.Model):
    """The PDF of one state of an assessment's report: asked for, being rendered by the task
    worker, stored, or failed. One row per (assessment, state key), so the same state is never
    rendered twice at once; the state key changes whenever what the report shows may have
    (`assessments.reporting.tasks.state_key`)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the worker"
        RUNNING = "running", "Rendering"
        DONE = "done", "Stored"
        FAILED = "failed", "Failed"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="pdf_renders")
    state_key = models.CharField(max_length=64)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # What the preparing page tells the reader when a render failed; never a traceback.
    error = models.CharField(max_length=300, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A failed render may start again on a request from this time on (None: it may not).
    retry_from = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "state_key"], name="unique_pdf_render_state"
            ),
        ]

    def __str__(self) -> str:
        return f"PDF of {self.assessment_id} ({self.get_status_display()})"


class ActionQuerySet(models.QuerySet):
    def followed_up(self):
        """Actions of completed assessments: a reopened assessment's plan may still change, so
        its actions wait (off the actions page, counts and reminders) until it is completed
        again."""
        return self.filter(assessment__status=Assessment.Status.COMPLETED)

    def open(self):
        return self.filter(status__in=Action.OPEN)


class Action(models.Model):
    """A domain answer's next step ("what you will do next"), followed up once its assessment is
    completed: an owner (a member, or a named person outside the organisation), a target date,
    a status and dated progress notes (`ActionUpdate`). Updating it never touches the locked
    answer; the answer keeps the plan as it was agreed."""

    class Status(models.TextChoices):
        NOT_STARTED = "not-started", "Not started"
        IN_PROGRESS = "in-progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    OPEN = (Status.NOT_STARTED, Status.IN_PROGRESS)

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="actions")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="actions")
    answer = models.OneToOneField(QuestionAnswer, on_delete=models.CASCADE, related_name="action")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="owner (a member)",
    )
    owner_name = models.CharField("owner (someone else)", max_length=200, blank=True)
    target_date = models.DateField("by when", null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    dropped_reason = models.TextField("why it was dropped", blank=True)
    # Raised by every update: two people updating one action never overwrite each other unseen.
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["target_date", "pk"]
        indexes = [
            models.Index(fields=["organisation", "status"], name="action_org_status"),
            models.Index(fields=["owner", "status"], name="action_owner_status"),
        ]

    def __str__(self) -> str:
        return Truncator(self.answer.next_steps).chars(60)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_overdue(self) -> bool:
        """Still open after its target date."""
        return self.is_overdue_on(timezone.localdate())

    def is_overdue_on(self, day: date) -> bool:
        return self.is_open and self.target_date is not None and self.target_date < day


class ActionUpdate(models.Model):
    """One dated change to an action: its new status, a progress note, or both (and what else
    changed, in words, e.g. "Target date: 31 January 2026 → 28 February 2026")."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Action.Status.choices)
    note = models.TextField("progress note", blank=True)
    changes = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} on {self.at:%Y-%m-%d}"


class Reminder(models.Model):
    """A reminder email sent to one person, kept so that `send_reminders` never sends the same
    one twice: one row per (kind, person, what it is about, the date it is about)."""

    class Kind(models.TextChoices):
        REVIEW_DUE = "review-due", "Review due in 30 days"
        REVIEW_OVERDUE = "review-overdue", "Review overdue"
        ACTION_DUE = "action-due", "Action due in 7 days"
        ACTION_OVERDUE = "action-overdue", "Action overdue"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="reminders"
    )
    # What it is about: "assessment:<pk>" or "action:<pk>".
    subject = models.CharField(max_length=40)
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "user", "subject", "due_on"], name="unique_reminder"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.subject}) to {self.user}"


class Group(models.Model):
    """A multi-academy trust, local authority, diocese or network that oversees organisations.

    It sees only what each organisation chose to share with it (`GroupLink.sharing`), and only
    while the organisation shares."""

    class Kind(models.TextChoices):
        TRUST = "trust", "Multi-academy trust"
        LOCAL_AUTHORITY = "local-authority", "Local authority"
        DIOCESE = "diocese", "Diocese"
        NETWORK = "network", "Charity or network"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assessments:group_dashboard", args=[self.slug])


class GroupRole(models.TextChoices):
    OWNER = "owner", "Group owner"
    VIEWER = "viewer", "Group viewer"


class GroupMembership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    role = models.CharField(max_length=10, choices=GroupRole.choices, default=GroupRole.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "group"], name="unique_group_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} of {self.group}"

    @property
    def is_owner(self) -> bool:
        return self.role == GroupRole.OWNER


class Sharing(models.TextChoices):
    SUMMARY = "summary", "Summary"
    FULL = "full", "Full report"


class GroupLink(models.Model):
    """An organisation that accepted a group's invitation, and what it shares with the group:
    a summary (status, dates, scores, counts of actions) or the full report. Withdrawing
    deletes the row, so the organisation leaves every group page and export at once."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="links")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="group_links"
    )
    sharing = models.CharField(max_length=10, choices=Sharing.choices, default=Sharing.SUMMARY)
    joined_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "organisation"], name="unique_group_link"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.group} ({self.get_sharing_display()})"

    @property
    def shares_full_report(self) -> bool:
        return self.sharing == Sharing.FULL


class GroupInvitation(InvitationLink, models.Model):
    """A single-use, expiring link from a group: to a person, to join the group with a role, or
    to an organisation's owner, to share one of their organisations with the group. Only the
    token's hash is stored, as for `Invitation`."""

    class Purpose(models.TextChoices):
        MEMBER = "member", "Join the group"
        ORGANISATION = "organisation", "Share an organisation"

    VALID_FOR = timedelta(days=14)

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invitations")
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=GroupRole.choices, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The organisation that joined through it (organisation invitations only).
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    declined_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.group}"
