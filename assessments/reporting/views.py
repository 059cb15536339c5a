"""The reporting pages: the organisation's dashboard, the report (HTML and PDF) and the
comparison of two assessments. The report and its PDF come from one context builder,
`report.build_report`."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString

from assessments import access, storage
from assessments.access import assessment_of, get_assessment, get_membership
from assessments.actions import queries as action_queries
from assessments.models import Organisation, PdfRender
from assessments.reporting import charts, queries
from assessments.reporting.comparison import compare
from assessments.reporting.forms import CompareForm
from assessments.reporting.pdf import pdf_filename
from assessments.reporting.queries import AssessmentSummary, previous_assessment
from assessments.reporting.report import build_report
from assessments.reporting.tasks import MAX_ATTEMPTS, request_pdf
from assessments.reviews import queries as review_queries

# --- Dashboard -----------------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest, org: str) -> HttpResponse:
    """Any member's view of the organisation and its assessments, in a fixed number of queries."""
    membership = access.get_membership(request, org)
    organisation = membership.organisation
    summaries = queries.organisation_assessments(organisation)
    completed = sorted(
        (summary for summary in summaries if summary.assessment.is_locked),
        key=lambda summary: summary.assessment.completed_at,
    )
    trended, others = queries.same_domains_as_latest(completed)
    context = {
        "membership": membership,
        "organisation": organisation,
        "summaries": summaries,
        "rows": [
            (summary, queries.previous_completed(summary, completed)) for summary in summaries
        ],
        "trend": _trend(organisation, trended) if trended else None,
        "trend_note": _trend_note(trended, others) if trended else "",
        "review": review_queries.review_status(organisation),
        **action_queries.dashboard_actions(membership),
    }
    return render(request, "assessments/dashboard.html", context)


def _trend_note(trended: list[AssessmentSummary], others: list[AssessmentSummary]) -> str:
    """Which completed assessments the trend covers, and how many it leaves out, e.g. "Trend of
    the 3 completed assessments covering Environment and Content; 1 other covered different
    domains"."""
    count = len(trended)
    covered = "the completed assessment" if count == 1 else f"the {count} completed assessments"
    note = f"Trend of {covered} covering {_and(trended[-1].domain_names)}"
    if others:
        other = "1 other" if len(others) == 1 else f"{len(others)} others"
        note += f"; {other} covered different domains"
    return note


def _and(names) -> str:
    """("Environment", "Content", "Policy") -> "Environment, Content and Policy"."""
    names = list(names)
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def _trend(organisation: Organisation, completed: list[AssessmentSummary]) -> SafeString:
    """The headline and stage scores of the completed assessments, oldest first (all of them
    covering the same domains)."""
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
            "The headline score of each completed assessment covering "
            f"{_and(completed[-1].domain_names)}, oldest first, with the score of each stage."
        ),
        chart_id="score-trend",
    )


# --- Report ---------------------------------------------------------------------------------


@login_required
def report(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    membership, assessment = get_assessment(request, org, pk)
    context = {
        "membership": membership,
        "organisation": assessment.organisation,
        "assessment": assessment,
        "report": build_report(assessment),
    }
    return render(request, "assessments/report.html", context)


@login_required
def report_pdf(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    """The stored PDF of the report's current state; until the worker has stored it, a page
    that says so and asks again every two seconds (a meta refresh: no JavaScript needed), unless
    the reader turned that off (?refresh=off)."""
    membership, assessment = get_assessment(request, org, pk)
    job = request_pdf(assessment=assessment, retry_failed=request.GET.get("retry") == "1")
    if job.status == PdfRender.Status.DONE:
        return FileResponse(
            storage.open_pdf(job.file_name),
            as_attachment=True,
            filename=pdf_filename(assessment),
            content_type="application/pdf",
        )
    context = {
        "membership": membership,
        "organisation": assessment.organisation,
        "assessment": assessment,
        "job": job,
        "failed": job.status == PdfRender.Status.FAILED,
        "can_retry": job.retry_from is not None and job.retry_from <= timezone.now(),
        "auto_refresh": job.status != PdfRender.Status.FAILED
        and request.GET.get("refresh") != "off",
        "max_attempts": MAX_ATTEMPTS,
    }
    return render(request, "assessments/report/pdf_preparing.html", context)


# --- Comparison -----------------------------------------------------------------------------


@login_required
def assessment_compare(request: HttpRequest, org: str) -> HttpResponse:
    """?a=<id>&b=<id> compares; without two different ids, a form to choose them."""
    membership = get_membership(request, org)
    organisation = membership.organisation
    a_id, b_id = request.GET.get("a", ""), request.GET.get("b", "")
    comparison = None
    if a_id.isdigit() and b_id.isdigit() and a_id != b_id:
        a = assessment_of(membership, int(a_id))
        b = assessment_of(membership, int(b_id))
        comparison = compare(a, b)
    # Both given but not two assessments to compare: say why next to the fields.
    data = request.GET if a_id and b_id and comparison is None else None
    form = CompareForm(
        data, organisation=organisation, initial=_preselected(organisation, a_id, b_id)
    )
    context = {
        "membership": membership,
        "organisation": organisation,
        "comparison": comparison,
        "form": form,
        "enough": comparison is not None or organisation.assessments.count() > 1,
    }
    return render(request, "assessments/assessment_compare.html", context)


def _preselected(organisation: Organisation, a_id: str, b_id: str) -> dict:
    """The chosen assessments; by default B is the latest and A the last completed before it,
    preferably one that covered the same domains."""
    assessments = organisation.assessments.all()
    if b_id.isdigit():
        b = assessments.filter(pk=b_id).first()
    else:
        b = assessments.exclude(pk=a_id).first() if a_id.isdigit() else assessments.first()
    if a_id.isdigit():
        return {"a": a_id, "b": b}
    if b is None:
        return {"a": None, "b": b}
    # Like for like where there is one; otherwise the page says which domains differ.
    return {"a": previous_assessment(b, same_domains=True) or previous_assessment(b), "b": b}
