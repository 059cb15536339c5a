"""The walk-through's pages: starting an assessment, its task list, history, the section pages,
check your answers and the lifecycle actions (complete, reopen, delete).

Every section page works the same way (see `_respond`): members read it, editors save it. A POST
is refused before anything is validated when the assessment is locked (403) or when it carries
answers that do not belong to the page (400); a validation error or someone else's save saves
nothing and shows the page again with everything the user typed.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assessments.access import get_assessment, get_membership
from assessments.models import Assessment, Membership, Role, Section
from assessments.walkthrough import forms as section_forms
from assessments.walkthrough import queries, services
from assessments.walkthrough.conflicts import EditConflict
from assessments.walkthrough.forms import AssessmentStartForm, start_initial
from assessments.walkthrough.specs import (
    CHECKLIST,
    DOMAIN_PREFIX,
    PEOPLE,
    SectionSpec,
    for_assessment,
    titles,
)
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
    specs = for_assessment(assessment)
    tasks = queries.tasks(assessment, specs)
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
    entries = _with_section_titles(page.object_list, for_assessment(assessment))
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
            request, membership, assessment, missing=queries.missing_ratings(assessment)
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


def _with_section_titles(entries, specs: list[SectionSpec]) -> list:
    """Name each activity entry's section (the history stores only the section's key)."""
    section_titles = titles(specs)
    entries = list(entries)
    for entry in entries:
        entry.section_title = section_titles.get(entry.section_key, "")
    return entries


def _check_page(request, membership, assessment, *, missing=None) -> HttpResponse:
    specs = for_assessment(assessment)
    context = {
        **_base_context(membership, assessment),
        "answers": queries.answers_by_section(assessment, specs),
        "missing": missing or [],
    }
    return render(request, "assessments/assessment_check.html", context)


# --- Section pages ------------------------------------------------------------------------

FOREIGN_ANSWERS = (
    "This form contained answers that do not belong to this section, so nothing was saved. "
    "Go back to the assessment, open the section again and re-enter your answers."
)
OUT_OF_SCOPE = (
    "This domain is not in the scope of this assessment, so nothing was saved. "
    "Go back to the assessment's task list to choose one of its sections."
)
STALE_FORM = (
    "This form was incomplete, so nothing was saved. Open the section again and re-enter your "
    "answers."
)


class OutOfScope(Http404):
    """The section is not part of the assessment (a domain it does not cover)."""


@dataclass
class SectionPage:
    membership: Membership
    assessment: Assessment
    specs: list[SectionSpec]
    spec: SectionSpec
    section: Section
    template: str
    # Builds the page's forms from posted data (or none), reading the answers afresh.
    build: Callable[[QueryDict | None], section_forms.SectionForms] | None = None
    forms: section_forms.SectionForms | None = None
    extra: dict = field(default_factory=dict)
    conflict: EditConflict | None = None

    @property
    def next_url(self) -> str:
        index = self.specs.index(self.spec)
        if index + 1 < len(self.specs):
            return self.specs[index + 1].url(self.assessment)
        return reverse(
            "assessments:check", args=[self.assessment.organisation.slug, self.assessment.pk]
        )

    def context(self) -> dict:
        return {
            "membership": self.membership,
            "organisation": self.assessment.organisation,
            "assessment": self.assessment,
            "edition": self.assessment.edition,
            "spec": self.spec,
            "section": self.section,
            "position": self.specs.index(self.spec) + 1,
            "total": len(self.specs),
            "section_forms": self.forms,
            "answers": [row.answer for row in self.forms.rows],
            "error_forms": self.forms.forms,
            "has_errors": any(form.errors for form in self.forms.forms),
            "read_only": self.assessment.is_locked or not self.membership.can_edit,
            "conflict": self.conflict,
            **self.extra,
        }


def _lookup(request: HttpRequest, org: str, pk: int) -> tuple[Membership, Assessment]:
    role = Role.EDITOR if request.method == "POST" else Role.VIEWER
    return get_assessment(request, org, pk, role=role)


def _page(request, org, pk, key, template, **extra) -> SectionPage:
    membership, assessment = _lookup(request, org, pk)
    specs = for_assessment(assessment)
    spec = next((spec for spec in specs if spec.key == key), None)
    if spec is None:
        raise OutOfScope("This section is not part of this assessment.")
    section = assessment.sections.get(key=key)
    return SectionPage(membership, assessment, specs, spec, section, template, extra=extra)


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "400.html", {"message": message}, status=400)


def _respond(request: HttpRequest, page: SectionPage) -> HttpResponse:
    """Show the section, or save it and move on."""
    page.forms = page.build(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        services.ensure_unlocked(page.assessment)
        if page.forms.foreign_prefixes(request.POST):
            return _bad_request(request, FOREIGN_ANSWERS)
        if not page.forms.version.is_valid():
            return _bad_request(request, STALE_FORM)
        if page.forms.is_valid():
            try:
                services.save_section(
                    assessment=page.assessment,
                    section_key=page.spec.key,
                    user=request.user,
                    expected_version=page.forms.version.cleaned_data["version"],
                    changes=page.forms.changes(),
                )
            except EditConflict as conflict:
                page.conflict = conflict
                page.forms = _merge(page, conflict, request.POST)
            else:
                return _after_save(request, page)
    return render(request, page.template, page.context())


def _after_save(request: HttpRequest, page: SectionPage) -> HttpResponse:
    if request.POST.get("action") == "later":
        messages.success(request, "Your answers have been saved.")
        return redirect(page.assessment)
    return redirect(page.next_url)


def _merge(page: SectionPage, conflict: EditConflict, data: QueryDict):
    """The forms after someone else's save: what this user typed, merged with that save."""
    saved = page.build(data)  # reads the answers as the other person left them
    saved.is_valid()
    return page.build(saved.merged_data(conflict, data))


@login_required
def people_section(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    page = _page(request, org, pk, PEOPLE, "assessments/section_people.html")
    page.build = lambda data: section_forms.people_forms(
        page.assessment, queries.factor_answers(page.assessment), page.section.version, data
    )
    return _respond(request, page)


@login_required
def domain_section(request: HttpRequest, org: str, pk: int, domain: str) -> HttpResponse:
    key = f"{DOMAIN_PREFIX}{domain}"
    try:
        page = _page(request, org, pk, key, "assessments/section_domain.html")
    except OutOfScope:
        # Only reached by members allowed to edit: _lookup checked the role first.
        if request.method == "POST":
            return _bad_request(request, OUT_OF_SCOPE)
        raise
    domain = page.extra["domain"] = page.spec.domain
    page.build = lambda data: section_forms.domain_forms(
        queries.domain_answers(page.assessment, domain), page.section.version, data
    )
    return _respond(request, page)


@login_required
def checklist_section(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    page = _page(request, org, pk, CHECKLIST, "assessments/section_checklist.html")
    page.build = lambda data: section_forms.checklist_forms(
        queries.checklist_answers(page.assessment), page.section.version, data
    )
    return _respond(request, page)
