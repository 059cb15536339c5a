"""An organisation's home page: who it is, your role, and its assessments with their scores."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString

from assessments import access, charts, selectors
from assessments.models import Organisation
from assessments.selectors import AssessmentSummary


@login_required
def dashboard(request: HttpRequest, org: str) -> HttpResponse:
    """Any member's view of the organisation and its assessments, in a fixed number of queries."""
    membership = access.get_membership(request, org)
    organisation = membership.organisation
    summaries = selectors.organisation_assessments(organisation)
    completed = sorted(
        (summary for summary in summaries if summary.assessment.is_locked),
        key=lambda summary: summary.assessment.completed_at,
    )
    context = {
        "membership": membership,
        "organisation": organisation,
        "summaries": summaries,
        "rows": [(summary, _previous(summary, completed)) for summary in summaries],
        "trend": _trend(organisation, completed) if completed else None,
    }
    return render(request, "assessments/dashboard.html", context)


def _previous(
    summary: AssessmentSummary, completed: list[AssessmentSummary]
) -> AssessmentSummary | None:
    """The last assessment completed before this one, or before now while it is in progress.

    The same rule as `reports.previous_assessment`, so the link compares what the report does.
    """
    assessment = summary.assessment
    until = assessment.completed_at or timezone.now()
    earlier = [
        other
        for other in completed
        if other.assessment.pk != assessment.pk and other.assessment.completed_at < until
    ]
    return earlier[-1] if earlier else None


def _trend(organisation: Organisation, completed: list[AssessmentSummary]) -> SafeString:
    """The headline and stage scores of the completed assessments, oldest first."""
    stage_names = list(
        dict.fromkeys(stage.name for summary in completed for stage, _ in summary.stages)
    )
    by_name = [{stage.name: value for stage, value in summary.stages} for summary in completed]
    return charts.score_trend(
        [
            (
                summary.assessment.title,
                timezone.localdate(summary.assessment.completed_at),
                summary.scores.overall,
            )
            for summary in completed
        ],
        stages=[(name, [scores.get(name) for scores in by_name]) for name in stage_names],
        title=f"Scores of {organisation.name} over time",
        description=(
            "The headline score of each completed assessment, oldest first, with the score of "
            "each stage."
        ),
        chart_id="score-trend",
    )
