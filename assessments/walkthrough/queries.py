"""Reads of the walk-through: each section's progress, what is missing, answers by section,
the task list and its activity feed. Every function reads in a fixed number of queries, whatever
the number of domains, answers or saves.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import BigIntegerField, Case, Count, F, Max, Value, When
from django.utils import timezone

from assessments.actions import queries as action_queries
from assessments.models import (
    Action,
    Activity,
    Assessment,
    ChecklistAnswer,
    FactorAnswer,
    QuestionAnswer,
    Section,
)
from assessments.walkthrough.display import when_in_words
from assessments.walkthrough.specs import (
    CHECKLIST,
    DOMAIN_PREFIX,
    PEOPLE,
    SectionSpec,
    for_assessment,
    titles,
)
from framework import cache
from framework.models import Domain, Edition, Factor, RatingGuidance


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


REVIEW_LABEL = "Check the answers copied from the earlier assessment, then save the section"


def sections_to_review(
    assessment: Assessment, specs: list[SectionSpec] | None = None
) -> list[MissingItem]:
    """The sections whose copied answers nobody has confirmed yet (see `Section.needs_review`),
    in walk-through order, each with a link to its page: saving the section confirms them."""
    specs = specs if specs is not None else for_assessment(assessment)
    flagged = set(assessment.sections.filter(needs_review=True).values_list("key", flat=True))
    return [
        MissingItem(spec.key, spec.title, REVIEW_LABEL, spec.url(assessment))
        for spec in specs
        if spec.key in flagged
    ]


@dataclass(frozen=True)
class SectionAnswers:
    spec: SectionSpec
    url: str
    answers: list[FactorAnswer] | list[QuestionAnswer] | list[ChecklistAnswer]
    needs_review: bool = False


def answers_by_section(
    assessment: Assessment, specs: list[SectionSpec] | None = None
) -> list[SectionAnswers]:
    """Every section with its answer rows (framework rows joined), in walk-through order.

    Four queries besides the specs, whatever the number of domains.
    """
    specs = specs if specs is not None else for_assessment(assessment)
    flagged = set(assessment.sections.filter(needs_review=True).values_list("key", flat=True))
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
        result.append(
            SectionAnswers(spec, spec.url(assessment), answers, needs_review=spec.key in flagged)
        )
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
class LastTime:
    """What became of a question's action in the assessment this one was started from: its
    tracked action (with `last_note`), or None when no action was set."""

    assessment: Assessment
    action: Action | None


def last_time(assessment: Assessment, domain: Domain) -> dict[str, LastTime] | None:
    """By question key, what became of last time's action for each question of the domain, in
    the completed assessment this one was started from (two queries, however many questions).
    None when it was not started from a completed assessment that covered the domain. A
    question had no action then when `LastTime.action` is None (see `last_time_of`)."""
    if assessment.based_on_id is None:
        return None
    # Only when that assessment covered the domain: else there was no plan for it to follow.
    earlier = (
        Assessment.objects.completed()
        .filter(pk=assessment.based_on_id, domains__key=domain.key)
        .first()
    )
    if earlier is None:
        return None
    actions = action_queries.with_details(
        Action.objects.filter(assessment=earlier, answer__question__domain__key=domain.key)
    )
    return {NO_ACTION: LastTime(earlier, None)} | {
        action.answer.question.key: LastTime(earlier, action) for action in actions
    }


# The key of `last_time`'s entry for a question that had no action (no question key is empty).
NO_ACTION = ""


def last_time_of(last: dict[str, LastTime] | None, question_key: str) -> LastTime | None:
    """One question's entry of `last_time`."""
    return last and last.get(question_key, last[NO_ACTION])


@dataclass(frozen=True)
class PassedDate:
    """An action of a domain section whose target date is before today."""

    stage: str
    target_date: date


REVIEW_NEEDED = "review-needed"


@dataclass(frozen=True)
class Task:
    """A row of the task list: a section, its page, its stored status, whether its copied
    answers still need confirming, and its actions whose target date has passed."""

    spec: SectionSpec
    url: str
    status: str
    needs_review: bool = False
    passed: tuple[PassedDate, ...] = ()

    @property
    def tag(self) -> str:
        """The status the tag shows: a section that needs review shows that first."""
        return REVIEW_NEEDED if self.needs_review else self.status

    @property
    def status_label(self) -> str:
        return "Review needed" if self.needs_review else Section.Status(self.status).label

    @property
    def is_done(self) -> bool:
        return self.status == Section.Status.COMPLETED and not self.needs_review


def tasks(assessment: Assessment, specs: list[SectionSpec]) -> list[Task]:
    """The task list's rows in walk-through order (two queries: the stored statuses and, while
    the assessment is in progress, the target dates that have passed)."""
    sections = {
        key: (status, needs_review)
        for key, status, needs_review in assessment.sections.values_list(
            "key", "status", "needs_review"
        )
    }
    passed = passed_target_dates(assessment) if not assessment.is_locked else {}
    return [
        Task(
            spec,
            spec.url(assessment),
            *sections.get(spec.key, (Section.Status.NOT_STARTED, False)),
            passed=tuple(passed.get(spec.key, ())),
        )
        for spec in specs
    ]


def passed_target_dates(assessment: Assessment) -> dict[str, list[PassedDate]]:
    """Actions whose target date is before today, by section key, in stage order (one query).
    Copied from an earlier assessment, an action keeps its date until someone changes it."""
    rows = (
        assessment.question_answers.filter(target_date__lt=timezone.localdate())
        .order_by("question__domain__position", "question__stage__position", "question__position")
        .values_list("question__domain__key", "question__stage__name", "target_date")
    )
    passed: dict[str, list[PassedDate]] = {}
    for domain, stage, target_date in rows:
        passed.setdefault(f"{DOMAIN_PREFIX}{domain}", []).append(PassedDate(stage, target_date))
    return passed


@dataclass(frozen=True)
class Progress:
    """How many required sections are done, of how many (optional sections do not count)."""

    completed: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 100


def progress(assessment: Assessment, task_list: list[Task]) -> Progress:
    """A completed assessment is complete, whatever its sections' stored statuses say."""
    required = [task for task in task_list if not task.spec.optional]
    if assessment.is_locked:
        return Progress(len(required), len(required))
    return Progress(sum(1 for task in required if task.is_done), len(required))


@dataclass(frozen=True)
class FeedEntry:
    """An entry of the task list's activity feed: one save (with how many answers it changed)
    or one event (started, reviewed, completed, reopened)."""

    kind: str
    user: AbstractBaseUser | None
    at: datetime
    section_title: str = ""
    answers: int = 0
    now: datetime | None = field(default=None, repr=False, compare=False)

    @property
    def is_save(self) -> bool:
        return self.kind == Activity.Kind.CHANGED

    @property
    def event(self) -> str:
        return Activity.Kind(self.kind).label

    @property
    def when(self) -> str:
        return when_in_words(self.at, now=self.now)


def activity_feed(
    assessment: Assessment, specs: list[SectionSpec], *, limit: int = 10
) -> list[FeedEntry]:
    """The assessment's latest `limit` entries, newest first: one per save, whose changed
    answers share the section's key and new version, and one per event. Two queries however
    many saves or answers (the people with their profiles in the second)."""
    rows = list(
        assessment.activity.values(
            "kind",
            "section_key",
            "section_version",
            "user_id",
            # Changes group by their save, and the rows of a move to a newer edition by the move
            # (they share its time and user); every other kind of entry is one of its own.
            entry=Case(
                When(kind__in=[Activity.Kind.CHANGED, Activity.Kind.MOVED], then=Value(0)),
                default=F("pk"),
                output_field=BigIntegerField(),
            ),
        )
        .annotate(at=Max("at"), answers=Count("item", distinct=True), last=Max("pk"))
        .order_by("-at", "-last")[:limit]
    )
    user_ids = {row["user_id"] for row in rows} - {None}
    users = get_user_model().objects.select_related("profile").in_bulk(user_ids) if user_ids else {}
    section_titles = titles(specs)
    now = timezone.now()
    return [
        FeedEntry(
            kind=row["kind"],
            user=users.get(row["user_id"]),
            at=row["at"],
            section_title=section_titles.get(row["section_key"], ""),
            answers=row["answers"] if row["kind"] == Activity.Kind.CHANGED else 0,
            now=now,
        )
        for row in rows
    ]


def rating_guidance(edition: Edition) -> dict[str | None, list[RatingGuidance]]:
    """The edition's guidance on what Poorly, Moderately and Well mean, in one query: by stage
    key, and under None for the checklist, each list in rating order. The tool's own guidance,
    not framework text; a stage without any is missing from the dict. Read once per process
    for a released edition (framework.cache): the result is shared, never change it."""
    return cache.released(edition, "rating-guidance", lambda: _rating_guidance(edition))


def _rating_guidance(edition: Edition) -> dict[str | None, list[RatingGuidance]]:
    guidance: dict[str | None, list[RatingGuidance]] = {}
    for row in RatingGuidance.objects.filter(edition=edition).select_related("stage"):
        guidance.setdefault(row.stage.key if row.stage else None, []).append(row)
    return guidance
