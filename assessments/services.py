"""Workflows of organisations and assessments. Views call these; they hold the business rules."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from assessments import pdf
from assessments import sections as section_specs
from assessments.models import (
    Activity,
    AgeGroup,
    Assessment,
    ChecklistAnswer,
    FactorAnswer,
    Invitation,
    Membership,
    Organisation,
    QuestionAnswer,
    Rating,
    Role,
    Section,
    hash_token,
)
from assessments.sections import Progress
from framework.models import Domain, Edition

# --- Organisations and members -------------------------------------------------------------


@transaction.atomic
def create_organisation(*, user: AbstractBaseUser, **details: Any) -> Organisation:
    """Create an organisation with `user` as its first owner. Its slug comes from its name."""
    organisation = Organisation(slug=_free_slug(details["name"]), **details)
    organisation.save()
    Membership.objects.create(user=user, organisation=organisation, role=Role.OWNER)
    return organisation


def update_organisation(*, organisation: Organisation, **details: Any) -> Organisation:
    """Change an organisation's settings. Its slug stays, so links to it keep working."""
    for field, value in details.items():
        setattr(organisation, field, value)
    organisation.save(update_fields=list(details))
    return organisation


# Slugs that would clash with fixed URLs under /orgs/ (e.g. /orgs/new/ is the create page).
RESERVED_SLUGS = {"new"}


def _free_slug(name: str) -> str:
    base = slugify(name)[:50] or "organisation"
    slug, counter = base, 1
    while slug in RESERVED_SLUGS or Organisation.objects.filter(slug=slug).exists():
        counter += 1
        slug = f"{base}-{counter}"
    return slug


def invite_member(
    *, organisation: Organisation, email: str, role: str, invited_by: AbstractBaseUser
) -> tuple[Invitation, str]:
    """Create a single-use invitation and email its link. Returns it with the raw token."""
    email = email.strip().lower()
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError(f"{email} is already a member of {organisation}.", code="member")
    token = Invitation.new_token()
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=hash_token(token),
        invited_by=invited_by,
        expires_at=timezone.now() + Invitation.VALID_FOR,
    )
    link = settings.SITE_URL.rstrip("/") + reverse("assessments:accept_invitation", args=[token])
    context = {"invitation": invitation, "link": link, "inviter": invited_by}
    send_mail(
        subject=f"You are invited to join {organisation} on Digital Resilience",
        message=render_to_string("assessments/email/invitation.txt", context),
        from_email=None,
        recipient_list=[email],
    )
    return invitation, token


def find_invitation(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: AbstractBaseUser) -> Membership:
    """Use an invitation: add the membership (or keep an existing one) and spend the link."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError(
            "This invitation link has expired or has already been used. "
            "Ask an owner of the organisation to invite you again.",
            code="unusable",
        )
    membership, _ = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def change_role(*, membership: Membership, role: str) -> Membership:
    """Change a member's role; an organisation always keeps at least one owner."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.role == Role.OWNER and role != Role.OWNER:
        _ensure_another_owner(locked)
    locked.role = role
    locked.save(update_fields=["role"])
    return locked


@transaction.atomic
def remove_member(*, membership: Membership) -> None:
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.role == Role.OWNER:
        _ensure_another_owner(locked)
    locked.delete()


def _ensure_another_owner(membership: Membership) -> None:
    owners = Membership.objects.select_for_update().filter(
        organisation_id=membership.organisation_id, role=Role.OWNER
    )
    if not owners.exclude(pk=membership.pk).exists():
        raise ValidationError(
            "An organisation needs at least one owner. Make someone else an owner first.",
            code="last-owner",
        )


# --- Assessments ---------------------------------------------------------------------------


@transaction.atomic
def start_assessment(
    *,
    organisation: Organisation,
    user: AbstractBaseUser,
    title: str,
    domains: list[Domain],
    edition: Edition | None = None,
    based_on: Assessment | None = None,
) -> Assessment:
    """Start an assessment on the current edition, with its sections and empty answers.

    With `based_on`, answers of the previous assessment are copied by their stable keys, so a
    reassessment after six or twelve months starts from what the organisation said last time.
    """
    edition = edition or Edition.objects.current()
    if edition is None:
        raise ValidationError("No edition of the framework is published yet.", code="no-edition")
    if edition.is_draft:
        # A draft's questions may still change or go; answers must point at released content.
        raise ValidationError("Assessments use a published edition, not a draft.", code="draft")
    if not domains:
        raise ValidationError("Choose at least one domain.", code="no-domains")
    domains = sorted({domain.pk: domain for domain in domains}.values(), key=_position)
    if any(domain.edition_id != edition.pk for domain in domains):
        raise ValidationError("Choose domains of the current framework.", code="edition")
    if based_on is not None and based_on.organisation_id != organisation.pk:
        raise PermissionDenied("You can only copy an assessment of the same organisation.")
    assessment = Assessment.objects.create(
        organisation=organisation,
        edition=edition,
        title=title,
        age_groups=list(based_on.age_groups if based_on else organisation.age_groups),
        based_on=based_on,
        created_by=user,
    )
    assessment.domains.set(domains)
    keys = [spec.key for spec in section_specs.for_assessment(assessment, domains=domains)]
    Section.objects.bulk_create(Section(assessment=assessment, key=key) for key in keys)
    _create_answers(assessment, domains)
    if based_on is not None:
        _copy_answers(source=based_on, target=assessment)
    Activity.objects.create(assessment=assessment, kind=Activity.Kind.CREATED, user=user)
    refresh_section_statuses(assessment)
    return assessment


def _position(domain: Domain) -> tuple[int, int]:
    return (domain.position, domain.pk)


def _create_answers(assessment: Assessment, domains: list[Domain]) -> None:
    edition = assessment.edition
    FactorAnswer.objects.bulk_create(
        FactorAnswer(assessment=assessment, factor=factor) for factor in edition.factors.all()
    )
    questions = [q for domain in domains for q in domain.questions.all()]
    QuestionAnswer.objects.bulk_create(
        QuestionAnswer(assessment=assessment, question=question) for question in questions
    )
    ChecklistAnswer.objects.bulk_create(
        ChecklistAnswer(assessment=assessment, statement=statement)
        for statement in edition.checklist_statements.all()
    )


ANSWER_FIELDS = {
    FactorAnswer: ["relevant", "note"],
    QuestionAnswer: ["rating", "current_practice", "next_steps", "action_owner", "target_date"],
    ChecklistAnswer: ["rating", "comment"],
}


def _copy_answers(*, source: Assessment, target: Assessment) -> None:
    """Copy answers between assessments by stable keys (editions may differ)."""
    pairs = [
        (
            FactorAnswer,
            lambda answer: answer.factor.key,
            source.factor_answers.select_related("factor"),
            target.factor_answers.select_related("factor"),
        ),
        (
            QuestionAnswer,
            lambda answer: (answer.question.domain.key, answer.question.key),
            source.question_answers.select_related("question__domain"),
            target.question_answers.select_related("question__domain"),
        ),
        (
            ChecklistAnswer,
            lambda answer: answer.statement.key,
            source.checklist_answers.select_related("statement"),
            target.checklist_answers.select_related("statement"),
        ),
    ]
    for model, key_of, old_answers, new_answers in pairs:
        previous = {key_of(answer): answer for answer in old_answers}
        updated = []
        for answer in new_answers:
            if (old := previous.get(key_of(answer))) is not None:
                for field in ANSWER_FIELDS[model]:
                    setattr(answer, field, getattr(old, field))
                updated.append(answer)
        model.objects.bulk_update(updated, ANSWER_FIELDS[model])


class AssessmentLocked(PermissionDenied):
    """The assessment is completed: it is read-only until an owner reopens it."""


LOCKED_MESSAGE = (
    "This assessment is completed and locked, so it cannot be changed. An owner can reopen it."
)


def ensure_unlocked(assessment: Assessment) -> None:
    """Raise AssessmentLocked (a PermissionDenied, so 403) for a completed assessment."""
    if assessment.is_locked:
        raise AssessmentLocked(LOCKED_MESSAGE)


@dataclass(eq=False)
class EditConflict(Exception):
    """Someone else saved the section since this user opened it."""

    section: Section
    changes: list[Activity]


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


@transaction.atomic
def save_section(
    *,
    assessment: Assessment,
    section_key: str,
    user: AbstractBaseUser,
    expected_version: int,
    changes: list[tuple[Model, str, dict[str, Any]]],
) -> Section:
    """Save a section's answers unless someone else saved it since `expected_version`.

    `changes` holds (answer row, label for the history, {field: new value}). Each field whose
    value differs is saved and kept in the activity history with old and new values. Raises
    AssessmentLocked for a completed assessment and EditConflict when the section has moved on.
    """
    ensure_unlocked(Assessment.objects.select_for_update().get(pk=assessment.pk))
    section = Section.objects.select_for_update().get(assessment=assessment, key=section_key)
    if section.version != expected_version:
        changes_since = list(
            Activity.objects.filter(
                assessment=assessment, section_key=section_key, section_version__gt=expected_version
            ).select_related("user")
        )
        raise EditConflict(section=section, changes=changes_since)
    for row, _, _ in changes:
        # Rows come from the caller; never write another assessment's answers.
        owner_pk = row.pk if isinstance(row, Assessment) else row.assessment_id
        if owner_pk != assessment.pk:
            raise ValueError(f"{row!r} does not belong to assessment {assessment.pk}.")

    now = timezone.now()
    history = []
    for row, label, values in changes:
        changed_fields = []
        for field, new in values.items():
            old = getattr(row, field)
            if old == new:
                continue
            history.append(
                Activity(
                    assessment=assessment,
                    kind=Activity.Kind.CHANGED,
                    user=user,
                    at=now,
                    section_key=section_key,
                    section_version=section.version + 1,
                    item=label[:300],
                    field=row._meta.get_field(field).verbose_name,
                    old_value=display_answer(field, old),
                    new_value=display_answer(field, new),
                )
            )
            setattr(row, field, new)
            changed_fields.append(field)
        if changed_fields:
            row.save(update_fields=changed_fields)
    if history:
        Activity.objects.bulk_create(history)
        section.version += 1
        section.updated_at = now
        section.updated_by = user
        section.save(update_fields=["version", "updated_at", "updated_by"])
        Assessment.objects.filter(pk=assessment.pk).update(updated_at=now)
    refresh_section_statuses(assessment)
    section.refresh_from_db(fields=["status"])
    return section


def refresh_section_statuses(assessment: Assessment) -> None:
    """Work out each section's status from its answers (in a fixed number of queries)."""
    progress = section_specs.progress(assessment)
    for section in assessment.sections.all():
        # A domain without questions has no answers, so no entry in `progress`.
        status = progress.get(section.key, Progress(Section.Status.NOT_STARTED, 0, 0)).status
        if section.status != status:
            section.status = status
            section.save(update_fields=["status"])


@transaction.atomic
def complete_assessment(*, assessment: Assessment, user: AbstractBaseUser) -> Assessment:
    """Lock a finished assessment; raises ValidationError listing what is missing."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.is_locked:
        raise AssessmentLocked("This assessment is already completed.")
    missing = section_specs.missing_ratings(assessment)
    if missing:
        raise ValidationError(
            [f"{item.section_title}: {item.label}" for item in missing], code="incomplete"
        )
    assessment.status = Assessment.Status.COMPLETED
    assessment.completed_at = timezone.now()
    assessment.completed_by = user
    assessment.save(update_fields=["status", "completed_at", "completed_by", "updated_at"])
    Activity.objects.create(assessment=assessment, kind=Activity.Kind.COMPLETED, user=user)
    return assessment


@transaction.atomic
def reopen_assessment(*, assessment: Assessment, user: AbstractBaseUser) -> Assessment:
    """Unlock a completed assessment so it can be changed again; the reopening is recorded."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not assessment.is_locked:
        raise ValidationError("This assessment is not completed.", code="not-completed")
    assessment.status = Assessment.Status.IN_PROGRESS
    assessment.completed_at = None
    assessment.completed_by = None
    assessment.save(update_fields=["status", "completed_at", "completed_by", "updated_at"])
    Activity.objects.create(assessment=assessment, kind=Activity.Kind.REOPENED, user=user)
    # Its answers may change now, so the stored PDF of the completed report no longer holds.
    pdf.discard_stored_pdf(assessment)
    return assessment


def delete_assessment(*, assessment: Assessment) -> None:
    """Delete an assessment with its answers, history and stored PDF (owners only, checked by
    the view)."""
    pdf.discard_stored_pdf(assessment)
    assessment.delete()
