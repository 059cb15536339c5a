"""Reads of the walk-through: each section's progress, what is missing, answers by section and
the task list. Every function reads in a fixed number of queries, whatever the number of
domains or answers.
"""

from dataclasses import dataclass

from assessments.models import Assessment, ChecklistAnswer, FactorAnswer, QuestionAnswer, Section
from assessments.walkthrough.specs import (
    CHECKLIST,
    DOMAIN_PREFIX,
    PEOPLE,
    SectionSpec,
    for_assessment,
)
from framework.models import Domain, Factor


@dataclass(frozen=True)
class MissingItem:
    section_key: str
    section_title: str
    label: str
    url: str


def _status(answered: int, required: int, touched: bool) -> str:
    if required and answered == required:
        return Section.Status.COMPLETED
    if answered or touched:
        return Section.Status.IN_PROGRESS
    return Section.Status.NOT_STARTED


def section_statuses(assessment: Assessment) -> dict[str, str]:
    """Each section's status, worked out from its answers (three queries)."""
    result = {}
    factors = list(assessment.factor_answers.values_list("relevant", "note"))
    answered = sum(1 for relevant, _ in factors if relevant is not None)
    touched = any(note for _, note in factors)
    result[PEOPLE] = _status(answered, len(factors), touched)

    by_domain: dict[str, list[tuple]] = {}
    rows = assessment.question_answers.values_list(
        "question__domain__key",
        "rating",
        "current_practice",
        "next_steps",
        "action_owner",
        "target_date",
    )
    for key, rating, *details in rows:
        by_domain.setdefault(key, []).append((rating, any(details)))
    for key, answers in by_domain.items():
        rated = sum(1 for rating, _ in answers if rating is not None)
        touched = any(text for _, text in answers)
        result[f"{DOMAIN_PREFIX}{key}"] = _status(rated, len(answers), touched)

    checklist = list(assessment.checklist_answers.values_list("rating", "comment"))
    rated = sum(1 for rating, _ in checklist if rating is not None)
    touched = any(comment for _, comment in checklist)
    result[CHECKLIST] = _status(rated, len(checklist), touched)
    return result


def missing_ratings(assessment: Assessment) -> list[MissingItem]:
    """Every rating still needed before the assessment can be completed, with a link to it."""
    specs = {spec.key: spec for spec in for_assessment(assessment)}
    missing = []
    unrated = (
        assessment.question_answers.filter(rating__isnull=True)
        .select_related("question__domain", "question__stage")
        .order_by("question__domain__position", "question__stage__position", "question__position")
    )
    for answer in unrated:
        spec = specs[f"{DOMAIN_PREFIX}{answer.question.domain.key}"]
        missing.append(
            MissingItem(
                spec.key,
                spec.title,
                f"{answer.question.stage.name}: {answer.question.text}",
                f"{spec.url(assessment)}#id_q{answer.question_id}-rating_0",
            )
        )
    spec = specs[CHECKLIST]
    for answer in assessment.checklist_answers.filter(rating__isnull=True).select_related(
        "statement"
    ):
        missing.append(
            MissingItem(
                spec.key,
                spec.title,
                answer.statement.text,
                f"{spec.url(assessment)}#id_s{answer.statement_id}-rating_0",
            )
        )
    return missing


@dataclass(frozen=True)
class SectionAnswers:
    spec: SectionSpec
    url: str
    answers: list[FactorAnswer] | list[QuestionAnswer] | list[ChecklistAnswer]


def answers_by_section(
    assessment: Assessment, specs: list[SectionSpec] | None = None
) -> list[SectionAnswers]:
    """Every section with its answer rows (framework rows joined), in walk-through order.

    Three queries besides the specs, whatever the number of domains.
    """
    specs = specs if specs is not None else for_assessment(assessment)
    factors = factor_answers(assessment)
    by_domain: dict[int, list[QuestionAnswer]] = {}
    for answer in assessment.question_answers.select_related("question__stage"):
        by_domain.setdefault(answer.question.domain_id, []).append(answer)
    checklist = checklist_answers(assessment)
    result = []
    for spec in specs:
        if spec.key == PEOPLE:
            answers = factors
        elif spec.key == CHECKLIST:
            answers = checklist
        else:
            answers = by_domain.get(spec.domain.pk, [])
        result.append(SectionAnswers(spec, spec.url(assessment), answers))
    return result


def factor_answers(assessment: Assessment) -> list[FactorAnswer]:
    """The people section's answers: internal factors first, then external (one query)."""
    answers = assessment.factor_answers.select_related("factor")
    return sorted(answers, key=lambda answer: (answer.factor.kind != Factor.Kind.INTERNAL,))


def domain_answers(assessment: Assessment, domain: Domain) -> list[QuestionAnswer]:
    """A domain's answers in stage order, each with its question and stage (one query)."""
    return list(
        assessment.question_answers.filter(question__domain=domain).select_related(
            "question__domain", "question__stage"
        )
    )


def checklist_answers(assessment: Assessment) -> list[ChecklistAnswer]:
    return list(assessment.checklist_answers.select_related("statement"))


@dataclass(frozen=True)
class Task:
    """A row of the task list: a section, its page and its stored status."""

    spec: SectionSpec
    url: str
    status: str

    @property
    def status_label(self) -> str:
        return Section.Status(self.status).label


def tasks(assessment: Assessment, specs: list[SectionSpec]) -> list[Task]:
    """The task list's rows in walk-through order (one query for the stored statuses)."""
    statuses = dict(assessment.sections.values_list("key", "status"))
    return [
        Task(spec, spec.url(assessment), statuses.get(spec.key, Section.Status.NOT_STARTED))
        for spec in specs
    ]
