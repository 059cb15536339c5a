"""Moving an assessment in progress to a newer edition of the framework, its answers following
by stable key (see `queries.move_plan` for how they match)."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import Truncator

from assessments.editions import queries
from assessments.editions.queries import MoveSummary, answered_fields, edition_name, wording
from assessments.models import (
    ActionUpdate,
    Activity,
    Assessment,
    ChecklistAnswer,
    FactorAnswer,
    QuestionAnswer,
    Section,
)
from assessments.walkthrough import services as walkthrough_services
from assessments.walkthrough import specs as section_specs
from framework.models import Edition

# The field each kind of answer points at its framework row with.
FRAMEWORK_FIELD = {FactorAnswer: "factor", QuestionAnswer: "question", ChecklistAnswer: "statement"}


@transaction.atomic
def move_to_edition(
    *, assessment: Assessment, edition: Edition, user: AbstractBaseUser
) -> MoveSummary:
    """Move an assessment in progress to a newer published edition, and say what happened.

    Answers are re-pointed to the new edition's rows by stable key, keeping everything answered
    (an action made before a reopening stays with its answer). An answer whose item now reads
    differently flags its section for review, as copying from an earlier assessment does (a
    question keeps the wording it was answered to in `previous_question_text`): the assessment
    cannot be completed until someone confirms it. Answers to items the new edition no longer
    has, and to domains it no longer has, are deleted and kept in the history, one MOVED
    activity per field answered; the new edition's new items get blank answers. Raises
    ValidationError, and changes nothing, when the move is not allowed (`queries.move_refusal`):
    moving twice to the same edition is refused.
    """
    assessment = (
        Assessment.objects.select_for_update().select_related("edition").get(pk=assessment.pk)
    )
    plan = queries.move_plan(assessment, edition)
    refusal = queries.move_refusal(assessment, edition, plan)
    if refusal:
        raise ValidationError(refusal, code="not-movable")
    now = timezone.now()
    _keep_removed_in_history(plan, user=user, at=now)
    _repoint(plan)
    for model, name in FRAMEWORK_FIELD.items():
        model.objects.bulk_create(
            model(assessment=assessment, **{name: row}) for kind, row in plan.new if kind is model
        )
    assessment.domains.set(plan.domains)
    _rekey_sections(assessment, plan)
    source = assessment.edition
    assessment.edition = edition
    assessment.save(update_fields=["edition", "updated_at"])
    Activity.objects.create(
        assessment=assessment,
        kind=Activity.Kind.MOVED,
        user=user,
        at=now,
        field="Framework edition",
        field_name="edition",
        old_value=edition_name(source),
        new_value=edition_name(edition),
    )
    walkthrough_services.refresh_section_statuses(assessment)
    return plan.summary


def _keep_removed_in_history(plan: queries.MovePlan, *, user, at) -> None:
    """Record each removed answer's every answered field as a MOVED activity, then delete it.

    The rows name no section (the label names the domain, and a removed domain has no section
    any more): every row of one move then shares its time, user and (empty) section, so the
    activity feed can show the move as one entry."""
    history = []
    for answer, _ in plan.removed:
        label = _history_label(answer)
        for name, label_of_field, value in answered_fields(answer):
            history.append(
                Activity(
                    assessment=plan.assessment,
                    kind=Activity.Kind.MOVED,
                    user=user,
                    at=at,
                    item=label,
                    item_key=section_specs.item_key(answer),
                    field=label_of_field,
                    field_name=name,
                    old_value=value,
                )
            )
    history += _action_updates_in_history(plan, user=user, at=at)
    Activity.objects.bulk_create(history)
    for model in FRAMEWORK_FIELD:
        pks = [answer.pk for answer, _ in plan.removed if isinstance(answer, model)]
        if pks:
            model.objects.filter(pk__in=pks).delete()


def _action_updates_in_history(plan: queries.MovePlan, *, user, at) -> list[Activity]:
    """The dated updates of a removed answer's action (only a reopened assessment has actions),
    as MOVED activities: deleting the answer deletes its action, never what people wrote about
    it."""
    removed = {
        answer.pk: answer for answer, _ in plan.removed if isinstance(answer, QuestionAnswer)
    }
    updates = ActionUpdate.objects.filter(action__answer_id__in=removed).order_by("at", "pk")
    return [
        Activity(
            assessment=plan.assessment,
            kind=Activity.Kind.MOVED,
            user=user,
            at=at,
            item=_history_label(removed[update.action.answer_id]),
            item_key=section_specs.item_key(removed[update.action.answer_id]),
            field=f"Action update of {timezone.localtime(update.at):%-d %B %Y}",
            field_name="action_update",
            # What was written, and what changed in words ("Status: Not started → In
            # progress"); the bare status where the update says nothing else.
            old_value=" — ".join(part for part in (update.note, update.changes) if part)
            or update.get_status_display(),
        )
        for update in updates.select_related("action")
    ]


def _history_label(answer) -> str:
    """How the history names a removed answer: its old wording, with its domain or checklist."""
    if isinstance(answer, QuestionAnswer):
        label = f"{answer.question.domain.name} – {wording(answer)}"
    elif isinstance(answer, ChecklistAnswer):
        label = f"Checklist – {wording(answer)}"
    else:
        label = wording(answer)
    return Truncator(label).chars(300)


def _repoint(plan: queries.MovePlan) -> None:
    """Point each carried answer at the new edition's row (one UPDATE per kind of answer)."""
    for model, name in FRAMEWORK_FIELD.items():
        rows = [item for item in plan.carried if isinstance(item.answer, model)]
        for item in rows:
            if model is QuestionAnswer:
                # The wording it was answered to, kept until someone confirms the section.
                given = item.answer.previous_question_text or item.answer.question.text
                item.answer.previous_question_text = given if item.reworded else ""
            setattr(item.answer, name, item.row)
        fields = [name, "previous_question_text"] if model is QuestionAnswer else [name]
        model.objects.bulk_update([item.answer for item in rows], fields)


def _rekey_sections(assessment: Assessment, plan: queries.MovePlan) -> None:
    """Make the sections those of the new scope, flag those with reworded answers for review,
    and raise every section's version: its answers point at other rows now, so the report's
    stored PDF no longer holds and a page opened before the move cannot save over it."""
    keys = [spec.key for spec in section_specs.for_assessment(assessment, domains=plan.domains)]
    assessment.sections.exclude(key__in=keys).delete()
    existing = set(assessment.sections.values_list("key", flat=True))
    Section.objects.bulk_create(
        Section(assessment=assessment, key=key) for key in keys if key not in existing
    )
    assessment.sections.update(version=F("version") + 1)
    if plan.sections_to_review:
        assessment.sections.filter(key__in=plan.sections_to_review).update(needs_review=True)
