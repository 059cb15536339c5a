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
from framework.models import Stage


@dataclass(frozen=True)
class SectionCount:
    """How many of an assessment's sections are completed, of how many."""

    completed: int = 0
    total: int = 0


@dataclass(frozen=True)
class AssessmentSummary:
    """One assessment with its progress and (partial, while in progress) scores."""

    assessment: Assessment
    sections: SectionCount
    scores: scoring.Scores
    stages: list[tuple[Stage, float | None]]


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
    """Completed and total sections of many assessments, keyed by assessment id, in one query.

    Reads the stored section statuses, which `services.refresh_section_statuses` keeps in step
    with `walkthrough.queries.section_statuses` on every save.
    """
    result = {assessment.pk: SectionCount() for assessment in assessments}
    rows = (
        Section.objects.filter(assessment_id__in=result)
        .values("assessment_id")
        .annotate(
            total=Count("pk"), completed=Count("pk", filter=Q(status=Section.Status.COMPLETED))
        )
        .order_by()
    )
    for row in rows:
        result[row["assessment_id"]] = SectionCount(row["completed"], row["total"])
    return result


def organisation_assessments(organisation: Organisation) -> list[AssessmentSummary]:
    """The organisation's assessments, newest first, with progress and scores (five queries)."""
    assessments = list(organisation.assessments.select_related("completed_by"))
    stages = stages_by_edition({assessment.edition_id for assessment in assessments})
    scores = assessment_scores(assessments, stages=stages)
    counts = section_counts(assessments)
    return [
        AssessmentSummary(
            assessment=assessment,
            sections=counts[assessment.pk],
            scores=scores[assessment.pk],
            stages=[
                (stage, scores[assessment.pk].by_stage.get(stage.key))
                for stage in stages[assessment.edition_id]
            ],
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


def previous_assessment(assessment: Assessment) -> Assessment | None:
    """The organisation's latest completed assessment before this one, if any."""
    before = assessment.completed_at or timezone.now()
    return (
        Assessment.objects.completed()
        .filter(organisation_id=assessment.organisation_id, completed_at__lt=before)
        .exclude(pk=assessment.pk)
        .order_by("-completed_at")
        .first()
    )


def previous_completed(
    summary: AssessmentSummary, completed: list[AssessmentSummary]
) -> AssessmentSummary | None:
    """The last assessment completed before this one, or before now while it is in progress.

    The same rule as `previous_assessment`, so the link compares what the report does.
    """
    assessment = summary.assessment
    until = assessment.completed_at or timezone.now()
    earlier = [
        other
        for other in completed
        if other.assessment.pk != assessment.pk and other.assessment.completed_at < until
    ]
    return earlier[-1] if earlier else None
