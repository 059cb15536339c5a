"""Workflows of the walk-through: starting, saving a section, completing, reopening and
deleting an assessment. Views call these; they hold the business rules.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Model
from django.dispatch import Signal
from django.utils import timezone

from assessments import storage
from assessments.actions import services as action_services
from assessments.models import (
    Activity,
    Assessment,
    ChecklistAnswer,
    FactorAnswer,
    Organisation,
    QuestionAnswer,
    Section,
    a_year_after,
)
from assessments.walkthrough import queries as section_queries
from assessments.walkthrough import specs as section_specs
from assessments.walkthrough.conflicts import EditConflict
from assessments.walkthrough.display import display_answer
from framework.models import Domain, Edition, Question


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
    Every section that receives copied answers needs review: someone must confirm it (by
    saving it, see `confirm_section_review`) before the assessment can be completed.
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
        copied = _copy_answers(source=based_on, target=assessment)
        Section.objects.filter(assessment=assessment, key__in=copied).update(needs_review=True)
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
    questions = Question.objects.filter(domain__in=domains).order_by(
        "domain__position", "stage__position", "position", "pk"
    )
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


def _copy_answers(*, source: Assessment, target: Assessment) -> set[str]:
    """Copy answers between assessments by stable keys (editions may differ), and return the
    keys of the sections that received any. An answer to a question a newer edition reworded
    keeps the wording it was given to in `previous_question_text`."""
    pairs = [
        (
            FactorAnswer,
            lambda answer: answer.factor.key,
            lambda answer: section_specs.PEOPLE,
            source.factor_answers.select_related("factor"),
            target.factor_answers.select_related("factor"),
        ),
        (
            QuestionAnswer,
            lambda answer: (answer.question.domain.key, answer.question.key),
            lambda answer: f"{section_specs.DOMAIN_PREFIX}{answer.question.domain.key}",
            source.question_answers.select_related("question__domain"),
            target.question_answers.select_related("question__domain"),
        ),
        (
            ChecklistAnswer,
            lambda answer: answer.statement.key,
            lambda answer: section_specs.CHECKLIST,
            source.checklist_answers.select_related("statement"),
            target.checklist_answers.select_related("statement"),
        ),
    ]
    received = set()
    for model, key_of, section_of, old_answers, new_answers in pairs:
        fields = ANSWER_FIELDS[model]
        previous = {key_of(answer): answer for answer in old_answers}
        updated = []
        for answer in new_answers:
            old = previous.get(key_of(answer))
            if old is None or all(getattr(old, field) in (None, "") for field in fields):
                continue
            for field in fields:
                setattr(answer, field, getattr(old, field))
            if model is QuestionAnswer:
                # An unconfirmed copy was given to the wording before its own.
                wording = old.previous_question_text or old.question.text
                if _words(wording) != _words(answer.question.text):
                    answer.previous_question_text = wording
            updated.append(answer)
            received.add(section_of(answer))
        extra = ["previous_question_text"] if model is QuestionAnswer else []
        model.objects.bulk_update(updated, fields + extra)
    return received


def _words(text: str) -> str:
    """Text compared word for word: a change of spacing or line breaks is no new wording."""
    return " ".join(text.split())


class AssessmentLocked(PermissionDenied):
    """The assessment is completed: it is read-only until an owner reopens it."""


LOCKED_MESSAGE = (
    "This assessment is completed and locked, so it cannot be changed. An owner can reopen it."
)


def ensure_unlocked(assessment: Assessment) -> None:
    """Raise AssessmentLocked (a PermissionDenied, so 403) for a completed assessment."""
    if assessment.is_locked:
        raise AssessmentLocked(LOCKED_MESSAGE)


@transaction.atomic
def save_section(
    *,
    assessment: Assessment,
    section_key: str,
    user: AbstractBaseUser,
    expected_version: int,
    changes: list[tuple[Model, dict[str, Any]]],
) -> Section:
    """Save a section's answers unless someone else saved it since `expected_version`.

    `changes` holds (answer row, {field: new value}); question rows need their question's domain
    and stage loaded. Each field whose value differs is saved and kept in the activity history
    with old and new values, keyed by the row's stable key and the field's name. Writes one
    UPDATE per kind of answer, however many rows change. Raises AssessmentLocked for a completed
    assessment and EditConflict when the section has moved on.
    """
    ensure_unlocked(Assessment.objects.select_for_update().get(pk=assessment.pk))
    section = Section.objects.select_for_update().get(assessment=assessment, key=section_key)
    if section.version != expected_version:
        changes_since = list(
            Activity.objects.filter(
                assessment=assessment,
                kind=Activity.Kind.CHANGED,
                section_key=section_key,
                section_version__gt=expected_version,
            ).select_related("user__profile")
        )
        if not _is_a_repeat(changes_since, changes, user):
            raise EditConflict(section=section, changes=changes_since)
    for row, _ in changes:
        # Rows come from the caller; never write another assessment's answers.
        owner_pk = row.pk if isinstance(row, Assessment) else row.assessment_id
        if owner_pk != assessment.pk:
            raise ValueError(f"{row!r} does not belong to assessment {assessment.pk}.")

    now = timezone.now()
    shared = _stages_with_several_questions(row for row, _ in changes)
    history = []
    dirty: dict[type[Model], tuple[list[Model], set[str]]] = {}
    for row, values in changes:
        changed = [field for field, new in values.items() if getattr(row, field) != new]
        if not changed:
            continue
        shares_stage = isinstance(row, QuestionAnswer) and (
            (row.question.domain_id, row.question.stage_id) in shared
        )
        label = section_specs.item_label(row, shares_stage=shares_stage)[:300]
        for field in changed:
            old, new = getattr(row, field), values[field]
            history.append(
                Activity(
                    assessment=assessment,
                    kind=Activity.Kind.CHANGED,
                    user=user,
                    at=now,
                    section_key=section_key,
                    section_version=section.version + 1,
                    item=label,
                    item_key=section_specs.item_key(row),
                    field=row._meta.get_field(field).verbose_name,
                    field_name=field,
                    old_value=display_answer(field, old),
                    new_value=display_answer(field, new),
                )
            )
            setattr(row, field, new)
        rows, fields = dirty.setdefault(type(row), ([], set()))
        rows.append(row)
        fields.update(changed)
    for model, (rows, fields) in dirty.items():
        model.objects.bulk_update(rows, sorted(fields))
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


def _is_a_repeat(changes_since: list[Activity], changes, user: AbstractBaseUser) -> bool:
    """Whether a save that finds the section moved on is this user's own save sent again (a
    double click, or Back and the same form again): only they changed the section since, and
    every answer already holds what this save sends. Then it is saved already, not a conflict;
    anything else, even their own different answers from an old page, is a conflict."""
    return all(entry.user_id == user.pk for entry in changes_since) and all(
        getattr(row, field) == value for row, values in changes for field, value in values.items()
    )


def _stages_with_several_questions(rows) -> set[tuple[int, int]]:
    """(domain id, stage id) of the stages that have more than one question in these rows'
    domains: the history then names such a question by its text too. No query without
    question rows."""
    domain_ids = {row.question.domain_id for row in rows if isinstance(row, QuestionAnswer)}
    if not domain_ids:
        return set()
    counts = (
        Question.objects.filter(domain_id__in=domain_ids)
        .values("domain_id", "stage_id")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .order_by()
    )
    return {(row["domain_id"], row["stage_id"]) for row in counts}


def refresh_section_statuses(assessment: Assessment) -> None:
    """Work out each section's status from its answers (in a fixed number of queries)."""
    statuses = section_queries.section_statuses(assessment)
    for section in assessment.sections.all():
        # A domain without questions has no answers, so no entry in `progress`.
        status = statuses.get(section.key, Section.Status.NOT_STARTED)
        if section.status != status:
            section.status = status
            section.save(update_fields=["status"])


@transaction.atomic
def confirm_section_review(
    *, assessment: Assessment, section_key: str, user: AbstractBaseUser
) -> bool:
    """Confirm the answers copied into a section from an earlier assessment: clear its "Review
    needed" flag and its answers' notes of a reworded question, and record who confirmed it.

    Saving the section confirms it (either button, even with nothing changed): the section
    page calls this after every successful save. Returns False, and does nothing, when the
    section needs no review. Raises AssessmentLocked for a completed assessment.
    """
    section = Section.objects.select_for_update().get(assessment=assessment, key=section_key)
    if not section.needs_review:
        return False
    ensure_unlocked(Assessment.objects.get(pk=assessment.pk))
    section.needs_review = False
    section.save(update_fields=["needs_review"])
    if section_key.startswith(section_specs.DOMAIN_PREFIX):
        assessment.question_answers.filter(
            question__domain__key=section_specs.domain_key(section_key)
        ).exclude(previous_question_text="").update(previous_question_text="")
    Activity.objects.create(
        assessment=assessment,
        kind=Activity.Kind.REVIEWED,
        user=user,
        section_key=section_key,
        section_version=section.version,
    )
    return True


# Sent with `assessment_id` once a completion is committed. Reporting receives it (connected in
# AssessmentsConfig.ready) to queue the report's PDF; the walk-through cannot import reporting.
assessment_completed = Signal()


SIGN_OFF_FIELDS = [
    "board_findings",
    "board_plans",
    "board_asks",
    "approved_by",
    "approved_on",
    "next_review_on",
]


class SignOffChanged(Exception):
    """Another owner changed the sign-off since this one opened it: nothing was saved."""

    def __init__(self, assessment: Assessment) -> None:
        super().__init__("The sign-off was changed by someone else.")
        self.assessment = assessment


@transaction.atomic
def complete_assessment(
    *, assessment: Assessment, user: AbstractBaseUser, sign_off: dict[str, Any] | None = None
) -> Assessment:
    """Lock a finished assessment; raises ValidationError listing what is missing: sections
    whose copied answers nobody has confirmed, then ratings not given.

    `sign_off` (an owner's: summary for the board, approval, next review) is recorded with the
    completion. Without one the next review falls twelve months after completing."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.is_locked:
        raise AssessmentLocked("This assessment is already completed.")
    missing = section_queries.sections_to_review(assessment) + section_queries.missing_ratings(
        assessment
    )
    if missing:
        raise ValidationError(
            [f"{item.section_title}: {item.label}" for item in missing], code="incomplete"
        )
    assessment.status = Assessment.Status.COMPLETED
    assessment.completed_at = timezone.now()
    assessment.completed_by = user
    fields = ["status", "completed_at", "completed_by", "updated_at"]
    changed = _apply_sign_off(assessment, sign_off or {})
    if not assessment.next_review_on:
        assessment.next_review_on = a_year_after(timezone.localdate(assessment.completed_at))
        fields.append("next_review_on")
    if changed:
        assessment.sign_off_version += 1
        fields += [*changed, "sign_off_version"]
    assessment.save(update_fields=list(dict.fromkeys(fields)))
    Activity.objects.create(assessment=assessment, kind=Activity.Kind.COMPLETED, user=user)
    action_services.create_actions(assessment=assessment, user=user)
    if any(name != "next_review_on" for name in changed):
        Activity.objects.create(assessment=assessment, kind=Activity.Kind.SIGNED_OFF, user=user)
    transaction.on_commit(
        lambda: assessment_completed.send(sender=Assessment, assessment_id=assessment.pk),
        robust=True,
    )
    return assessment


@transaction.atomic
def record_sign_off(
    *, assessment: Assessment, user: AbstractBaseUser, values: dict[str, Any], version: int
) -> Assessment:
    """Change the sign-off of a completed assessment (owners only, checked by the view); its
    answers stay locked. `version` is the sign-off's version the owner saw: if another owner
    saved since, nothing is saved and SignOffChanged says so (never a silent overwrite)."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not assessment.is_locked:
        raise ValidationError(
            "Record the sign-off when you complete the assessment.", code="not-completed"
        )
    if assessment.sign_off_version != version:
        raise SignOffChanged(assessment)
    changed = _apply_sign_off(assessment, values)
    if changed:
        assessment.sign_off_version += 1
        assessment.save(update_fields=[*changed, "sign_off_version", "updated_at"])
        Activity.objects.create(assessment=assessment, kind=Activity.Kind.SIGNED_OFF, user=user)
    return assessment


def _apply_sign_off(assessment: Assessment, values: dict[str, Any]) -> list[str]:
    """Set the sign-off fields given in `values`; returns the names of those that changed."""
    changed = []
    for name in SIGN_OFF_FIELDS:
        if name in values and getattr(assessment, name) != values[name]:
            setattr(assessment, name, values[name])
            changed.append(name)
    return changed


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
    storage.discard_stored_pdfs([assessment.pk])
    return assessment


def delete_assessment(*, assessment: Assessment) -> None:
    """Delete an assessment with its answers, history and stored PDF (owners only, checked by
    the view)."""
    storage.discard_stored_pdfs([assessment.pk])
    assessment.delete()
