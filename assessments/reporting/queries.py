"""Reused reads of assessments, each in a fixed number of queries however many rows they cover.

Pure reads: nothing here writes. Scores come from `reporting.scoring`; these functions only fetch
the ratings it needs, for one assessment or for many at once (dashboards, reports).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from assessments.models import (
    Assessment,
    ChecklistAnswer,
    Organisation,
    QuestionAnswer,
    Section,
)
from assessments.reporting import scoring
from assessments.walkthrough.specs import OPTIONAL
from framework.models import Stage


@dataclass(frozen=True)
class SectionCount:
    """How many of an assessment's required sections are completed, of how many."""

    completed: int = 0
    total: int = 0


@dataclass(frozen=True)
class AssessmentSummary:
    """One assessment with its progress and (partial, while in progress) scores."""

    assessment: Assessment
    sections: SectionCount
    scores: scoring.Scores
    stages: list[tuple[Stage, float | None]]
    # The domains in scope, in framework order: keys (which match across editions) and names.
    domains: tuple[str, ...] = ()
    domain_names: tuple[str, ...] = ()


def rated_items(assessment: Assessment) -> list[scoring.Rated]:
    """The assessment's rated items (questions in walk-through order, then the checklist)."""
    return _rated_items_by_assessment([assessment.pk])[assessment.pk]


def stages_by_edition(edition_ids: Iterable[int]) -> dict[int, list[Stage]]:
    """Each edition's stages in the edition's order, in one query."""
    result: dict[int, list[Stage]] = {edition_id: [] for edition_id in edition_ids}
    for stage in Stage.objects.filter(edition_id__in=result).order_by("position", "pk"):
        result[stage.edition_id].append(stage)
    return result


def assessment_scores(
    assessments: Iterable[Assessment], *, stages: dict[int, list[Stage]] | None = None
) -> dict[int, scoring.Scores]:
    """Scores of many assessments, keyed by assessment id, in three queries whatever their number.

    Stages come in their edition's order (pass `stages` from `stages_by_edition` to save its
    query); domains in their framework order. Unanswered items count towards `total` only.
    """
    assessments = list(assessments)
    if stages is None:
        stages = stages_by_edition({assessment.edition_id for assessment in assessments})
    items = _rated_items_by_assessment([assessment.pk for assessment in assessments])
    result = {}
    for assessment in assessments:
        rated = items[assessment.pk]
        # Answer rows come in domain order, so first appearance gives the framework's order.
        domains = dict.fromkeys(item.domain for item in rated if not item.checklist)
        result[assessment.pk] = scoring.score_items(
            rated,
            stages=[stage.key for stage in stages.get(assessment.edition_id, [])],
            domains=list(domains),
        )
    return result


def section_counts(assessments: Iterable[Assessment]) -> dict[int, SectionCount]:
    """Completed and total required sections of many assessments, keyed by assessment id, in
    one query. Optional sections (`walkthrough.specs.OPTIONAL`) do not count, nor does a
    section whose copied answers still need review; a completed assessment has completed all.

    Reads the stored section statuses, which `services.refresh_section_statuses` keeps in step
    with `walkthrough.queries.section_statuses` on every save.
    """
    assessments = list(assessments)
    result = {assessment.pk: SectionCount() for assessment in assessments}
    done = Q(status=Section.Status.COMPLETED, needs_review=False)
    rows = (
        Section.objects.filter(assessment_id__in=result)
        .exclude(key__in=OPTIONAL)
        .values("assessment_id")
        .annotate(total=Count("pk"), completed=Count("pk", filter=done))
        .order_by()
    )
    for row in rows:
        result[row["assessment_id"]] = SectionCount(row["completed"], row["total"])
    for assessment in assessments:
        if assessment.is_locked:
            total = result[assessment.pk].total
            result[assessment.pk] = SectionCount(total, total)
    return result


def domains_in_scope(assessments: Iterable[Assessment]) -> dict[int, list[tuple[str, str]]]:
    """(key, name) of each assessment's domains in framework order, keyed by assessment id, in
    one query."""
    result: dict[int, list[tuple[str, str]]] = {assessment.pk: [] for assessment in assessments}
    rows = (
        Assessment.domains.through.objects.filter(assessment_id__in=result)
        .order_by("domain__position", "domain__pk")
        .values_list("assessment_id", "domain__key", "domain__name")
    )
    for assessment_id, key, name in rows:
        result[assessment_id].append((key, name))
    return result


def organisation_assessments(organisation: Organisation) -> list[AssessmentSummary]:
    """The organisation's assessments, newest first, with progress, scores and the domains in
    scope (six queries)."""
    assessments = list(organisation.assessments.select_related("completed_by__profile"))
    stages = stages_by_edition({assessment.edition_id for assessment in assessments})
    scores = assessment_scores(assessments, stages=stages)
    counts = section_counts(assessments)
    domains = domains_in_scope(assessments)
    return [
        AssessmentSummary(
            assessment=assessment,
            sections=counts[assessment.pk],
            scores=scores[assessment.pk],
            stages=[
                (stage, scores[assessment.pk].by_stage.get(stage.key))
                for stage in stages[assessment.edition_id]
            ],
            domains=tuple(key for key, _ in domains[assessment.pk]),
            domain_names=tuple(name for _, name in domains[assessment.pk]),
        )
        for assessment in assessments
    ]


def _rated_items_by_assessment(ids: list[int]) -> dict[int, list[scoring.Rated]]:
    items: dict[int, list[scoring.Rated]] = {pk: [] for pk in ids}
    questions = (
        QuestionAnswer.objects.filter(assessment_id__in=ids)
        .order_by("question__domain__position", "question__stage__position", "question__position")
        .values_list("assessment_id", "question__stage__key", "question__domain__key", "rating")
    )
    for assessment_id, stage, domain, rating in questions:
        items[assessment_id].append(scoring.Rated(rating=rating, stage=stage, domain=domain))
    statements = (
        ChecklistAnswer.objects.filter(assessment_id__in=ids)
        .order_by("statement__position", "pk")
        .values_list("assessment_id", "rating")
    )
    for assessment_id, rating in statements:
        items[assessment_id].append(scoring.Rated(rating=rating, checklist=True))
    return items


def previous_assessment(assessment: Assessment, *, same_domains: bool = False) -> Assessment | None:
    """The organisation's latest completed assessment before this one, if any; with
    `same_domains`, the latest that covered exactly the same domains (matched by key)."""
    before = assessment.completed_at or timezone.now()
    earlier = (
        Assessment.objects.completed()
        .filter(organisation_id=assessment.organisation_id, completed_at__lt=before)
        .exclude(pk=assessment.pk)
        .order_by("-completed_at")
    )
    if not same_domains:
        return earlier.first()
    keys = set(assessment.domains.values_list("key", flat=True))
    candidates = list(earlier.prefetch_related("domains"))
    return next(
        (other for other in candidates if {d.key for d in other.domains.all()} == keys), None
    )


def previous_completed(
    summary: AssessmentSummary, completed: list[AssessmentSummary]
) -> AssessmentSummary | None:
    """The last assessment completed before this one (or before now while it is in progress)
    that covered the same domains: comparing different domains would compare different
    things. The same rule as `previous_assessment(..., same_domains=True)`."""
    assessment = summary.assessment
    until = assessment.completed_at or timezone.now()
    earlier = [
        other
        for other in completed
        if other.assessment.pk != assessment.pk
        and other.assessment.completed_at < until
        and set(other.domains) == set(summary.domains)
    ]
    return earlier[-1] if earlier else None


def same_domains_as_latest(
    completed: list[AssessmentSummary],
) -> tuple[list[AssessmentSummary], list[AssessmentSummary]]:
    """The completed assessments (oldest first) that cover the latest one's domains, and the
    others: a trend only means something across the same domains."""
    if not completed:
        return [], []
    latest = set(completed[-1].domains)
    same = [summary for summary in completed if set(summary.domains) == latest]
    return same, [summary for summary in completed if set(summary.domains) != latest]
