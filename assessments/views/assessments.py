"""Starting an assessment, its task list, history, check-your-answers page and lifecycle actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from assessments import sections, services
from assessments.access import get_assessment, get_membership
from assessments.forms import AssessmentStartForm, start_initial
from assessments.models import Assessment, Membership, Role
from framework.selectors import current_edition

RECENT_ACTIVITY = 10
HISTORY_PAGE_SIZE = 50


@login_required
def assessment_create(request: HttpRequest, org: str) -> HttpResponse:
    membership = get_membership(request, org, role=Role.EDITOR)
    organisation, edition = membership.organisation, current_edition()
    previous_id = request.GET.get("based_on", "")
    based_on = (
        organisation.assessments.filter(pk=previous_id).first() if previous_id.isdigit() else None
    )
    form = AssessmentStartForm(
        request.POST if request.method == "POST" else None,
        edition=edition,
        organisation=organisation,
        initial=start_initial(edition=edition, based_on=based_on),
    )
    if form.is_valid():
        try:
            assessment = services.start_assessment(
                organisation=organisation, user=request.user, edition=edition, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"You started “{assessment.title}”.")
            return redirect(assessment)
    context = {"form": form, "organisation": organisation, "edition": edition}
    return render(request, "assessments/assessment_form.html", context)


@login_required
def assessment_detail(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    membership, assessment = get_assessment(request, org, pk)
    specs = sections.for_assessment(assessment)
    tasks = sections.tasks(assessment, specs)
    completed = sum(1 for task in tasks if task.status == "completed")
    activity = _with_section_titles(
        assessment.activity.select_related("user")[:RECENT_ACTIVITY], specs
    )
    context = {
        **_base_context(membership, assessment),
        "domains": [spec.domain for spec in specs if spec.domain],
        "tasks": tasks,
        "completed": completed,
        "percent": round(100 * completed / len(tasks)),
        "activity": activity,
        "completed_by": assessment.completed_by if assessment.is_locked else None,
    }
    return render(request, "assessments/assessment_detail.html", context)


@login_required
def assessment_history(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    membership, assessment = get_assessment(request, org, pk)
    paginator = Paginator(assessment.activity.select_related("user"), HISTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    entries = _with_section_titles(page.object_list, sections.for_assessment(assessment))
    context = {**_base_context(membership, assessment), "page": page, "entries": entries}
    return render(request, "assessments/assessment_history.html", context)


@login_required
def assessment_check(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    membership, assessment = get_assessment(request, org, pk)
    return _check_page(request, membership, assessment)


@login_required
@require_POST
def assessment_complete(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    membership, assessment = get_assessment(request, org, pk, role=Role.EDITOR)
    try:
        services.complete_assessment(assessment=assessment, user=request.user)
    except ValidationError:
        return _check_page(
            request, membership, assessment, missing=sections.missing_ratings(assessment)
        )
    messages.success(request, "Assessment completed. It is now locked: an owner can reopen it.")
    return redirect(assessment)


@login_required
@require_POST
def assessment_reopen(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    _, assessment = get_assessment(request, org, pk, role=Role.OWNER)
    try:
        services.reopen_assessment(assessment=assessment, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Assessment reopened. Editors can change its answers again.")
    return redirect(assessment)


@login_required
def assessment_delete(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    membership, assessment = get_assessment(request, org, pk, role=Role.OWNER)
    if request.method == "POST":
        services.delete_assessment(assessment=assessment)
        messages.success(request, f"“{assessment.title}” has been deleted.")
        return redirect(assessment.organisation)
    context = _base_context(membership, assessment)
    return render(request, "assessments/assessment_confirm_delete.html", context)


def _base_context(membership: Membership, assessment: Assessment) -> dict:
    return {
        "membership": membership,
        "organisation": assessment.organisation,
        "assessment": assessment,
        "edition": assessment.edition,
        "can_edit": membership.can_edit and not assessment.is_locked,
    }


def _with_section_titles(entries, specs: list[sections.SectionSpec]) -> list:
    """Name each activity entry's section (the history stores only the section's key)."""
    titles = sections.titles(specs)
    entries = list(entries)
    for entry in entries:
        entry.section_title = titles.get(entry.section_key, "")
    return entries


def _check_page(request, membership, assessment, *, missing=None) -> HttpResponse:
    specs = sections.for_assessment(assessment)
    context = {
        **_base_context(membership, assessment),
        "answers": sections.answers_by_section(assessment, specs),
        "missing": missing or [],
    }
    return render(request, "assessments/assessment_check.html", context)
