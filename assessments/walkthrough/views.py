"""The walk-through's pages: starting an assessment, its task list, history, the section pages,
check your answers and the lifecycle actions (complete, reopen, delete).

Every section page works the same way (see `_respond`): members read it, editors save it. A POST
is refused before anything is validated when the assessment is locked (403) or when it carries
answers that do not belong to the page (400); a validation error or someone else's save saves
nothing and shows the page again with everything the user typed.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from assessments.access import get_assessment, get_membership
from assessments.models import Activity, Assessment, Membership, Role, Section
from assessments.walkthrough import forms as section_forms
from assessments.walkthrough import kept as kept_answers
from assessments.walkthrough import queries, services
from assessments.walkthrough.conflicts import EditConflict
from assessments.walkthrough.forms import AssessmentStartForm, start_initial
from assessments.walkthrough.specs import (
    CHECKLIST,
    DOMAIN_PREFIX,
    PEOPLE,
    SectionSpec,
    for_assessment,
    item_label,
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
    context = {
        **_base_context(membership, assessment),
        "domains": [spec.domain for spec in specs if spec.domain],
        "tasks": tasks,
        "progress": queries.progress(assessment, tasks),
        "review_needed": any(task.needs_review for task in tasks),
        "activity": queries.activity_feed(assessment, specs, limit=RECENT_ACTIVITY),
    }
    if context["review_needed"]:
        context["moved"] = assessment.activity.filter(kind=Activity.Kind.MOVED).exists()
    return render(request, "assessments/assessment_detail.html", context)


@login_required
def assessment_history(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    membership, assessment = get_assessment(request, org, pk)
    paginator = Paginator(assessment.activity.select_related("user__profile"), HISTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    entries = _with_section_titles(page.object_list, for_assessment(assessment))
    context = {**_base_context(membership, assessment), "page": page, "entries": entries}
    return render(request, "assessments/assessment_history.html", context)


@login_required
def assessment_check(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    membership, assessment = get_assessment(request, org, pk)
    return _check_page(request, membership, assessment)


@login_required
def assessment_complete(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    if request.method != "POST":
        # The form is on check your answers (e.g. after a reload of its list of what is missing).
        return redirect("assessments:check", org, pk)
    membership, assessment = get_assessment(request, org, pk, role=Role.EDITOR)
    # Owners record the sign-off as they complete; editors complete without one.
    sign_off_form = None
    if membership.is_owner and not assessment.is_locked:
        sign_off_form = section_forms.SignOffForm(request.POST, assessment=assessment)
        if not sign_off_form.is_valid():
            return _check_page(request, membership, assessment, sign_off_form=sign_off_form)
    try:
        services.complete_assessment(
            assessment=assessment,
            user=request.user,
            sign_off=sign_off_form.sign_off() if sign_off_form else None,
        )
    except ValidationError:
        return _check_page(
            request,
            membership,
            assessment,
            missing=queries.missing_ratings(assessment),
            to_review=queries.sections_to_review(assessment),
            sign_off_form=sign_off_form,
        )
    return redirect("assessments:completed", org, pk)


SIGN_OFF_CHANGED = (
    "Another owner changed the sign-off while you were editing it, so yours was not saved. "
    "Theirs is shown below each box; what you typed is still in the form. Check both, then "
    "save again."
)


@login_required
def assessment_sign_off(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    """The sign-off of a completed assessment (owners): changed without reopening its answers,
    since a board often approves weeks after the assessment is completed."""
    membership, assessment = get_assessment(request, org, pk, role=Role.OWNER)
    if not assessment.is_locked:
        # Until then the sign-off is recorded with the completion, on check your answers.
        return redirect("assessments:check", org, pk)
    theirs = None
    if request.method == "POST":
        form = section_forms.SignOffForm(request.POST, assessment=assessment)
        if form.is_valid():
            try:
                services.record_sign_off(
                    assessment=assessment,
                    user=request.user,
                    values=form.sign_off(),
                    version=form.cleaned_data["version"],
                )
            except services.SignOffChanged as changed:
                theirs = changed.assessment
                # The next save is checked against the version now shown.
                data = request.POST.copy()
                data["version"] = str(theirs.sign_off_version)
                form = section_forms.SignOffForm(data, assessment=theirs)
                form.is_valid()
                form.add_error(None, SIGN_OFF_CHANGED)
            else:
                messages.success(request, "The sign-off is saved. The report shows it now.")
                return redirect("assessments:report", org, pk)
    else:
        form = section_forms.SignOffForm(assessment=assessment)
    context = {**_base_context(membership, assessment), "form": form, "theirs": theirs}
    return render(request, "assessments/assessment_sign_off.html", context)


@login_required
@require_GET
def assessment_completed(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    """What happens next, once an assessment is completed (any member)."""
    membership, assessment = get_assessment(request, org, pk)
    if not assessment.is_locked:
        return redirect(assessment)
    context = _base_context(membership, assessment)
    return render(request, "assessments/assessment_completed.html", context)


@login_required
def assessment_reopen(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    if request.method != "POST":
        # The form is on the task list.
        return redirect("assessments:detail", org, pk)
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


def _check_page(
    request, membership, assessment, *, missing=None, to_review=None, sign_off_form=None
):
    specs = for_assessment(assessment)
    if sign_off_form is None and membership.is_owner and not assessment.is_locked:
        sign_off_form = section_forms.SignOffForm(assessment=assessment)
    context = {
        "sign_off_form": sign_off_form,
        **_base_context(membership, assessment),
        "answers": queries.answers_by_section(assessment, specs),
        "missing": missing or [],
        "to_review": to_review or [],
        # Past target dates and reworded questions matter while the answers can still change.
        "show_flags": not assessment.is_locked,
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
KEPT_AFTER_SIGN_OUT = (
    "You were signed out before your answers were saved. Sign in again to carry on: what you "
    "typed is kept for an hour, back in the form for you to check and save."
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
    request_return: str = ""

    @property
    def next_url(self) -> str:
        index = self.specs.index(self.spec)
        if index + 1 < len(self.specs):
            return self.specs[index + 1].url(self.assessment)
        return reverse(
            "assessments:check", args=[self.assessment.organisation.slug, self.assessment.pk]
        )

    @property
    def read_only(self) -> bool:
        return self.assessment.is_locked or not self.membership.can_edit

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
            "read_only": self.read_only,
            "conflict": self.conflict,
            "author": kept_answers.author_token(self.membership.user),
            # Saving returns to check your answers when the page was opened from there.
            "return_to": "check" if self.request_return == "check" else "",
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
    page = SectionPage(membership, assessment, specs, spec, section, template, extra=extra)
    page.request_return = request.POST.get("return") or request.GET.get("return", "")
    return page


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "400.html", {"message": message}, status=400)


def _respond(request: HttpRequest, page: SectionPage) -> HttpResponse:
    """Show the section, or save it and move on.

    A POST saves every answer that is valid, even when others on the page are not: those come
    back as typed, with their errors, and the page says which were not saved. Someone else's
    save since the page was opened saves nothing and shows the conflict (see `_merge`).
    """
    if request.method != "POST":
        kept = None if page.read_only else kept_answers.take(request)
        page.extra["restored"] = kept is not None
        page.forms = page.build(kept)
        return render(request, page.template, page.context())
    page.forms = page.build(request.POST)
    services.ensure_unlocked(page.assessment)
    if page.forms.foreign_prefixes(request.POST):
        return _bad_request(request, FOREIGN_ANSWERS)
    if not page.forms.version.is_valid():
        return _bad_request(request, STALE_FORM)
    complete = page.forms.is_valid()
    try:
        page.section = services.save_section(
            assessment=page.assessment,
            section_key=page.spec.key,
            user=request.user,
            expected_version=page.forms.version.cleaned_data["version"],
            changes=page.forms.valid_changes(),
        )
    except EditConflict as conflict:
        page.conflict = conflict
        page.forms = _merge(page, conflict, request.POST)
        return render(request, page.template, page.context())
    if complete:
        # Saving the whole page confirms answers copied from an earlier assessment.
        services.confirm_section_review(
            assessment=page.assessment, section_key=page.spec.key, user=request.user
        )
        return _after_save(request, page)
    # Some answers have problems: the others are saved now; show these as typed, to fix.
    data = request.POST.copy()
    data["version"] = str(page.section.version)
    page.forms = page.build(data)
    page.forms.is_valid()
    page.extra["not_saved"] = [item_label(row.answer) for row in page.forms.invalid_rows()]
    return render(request, page.template, page.context())


def _after_save(request: HttpRequest, page: SectionPage) -> HttpResponse:
    if request.POST.get("return") == "check":
        messages.success(request, f"Your answers in “{page.spec.title}” have been saved.")
        return redirect("assessments:check", page.assessment.organisation.slug, page.assessment.pk)
    if request.POST.get("action") == "later":
        messages.success(request, "Your answers have been saved.")
        return redirect(page.assessment)
    return redirect(page.next_url)


def _merge(page: SectionPage, conflict: EditConflict, data: QueryDict):
    """The forms after someone else's save: what this user typed, merged with that save."""
    saved = page.build(data)  # reads the answers as the other person left them
    saved.is_valid()
    merged = page.build(saved.merged_data(conflict, data))
    merged.mark_conflicts(conflict)
    return merged


def signed_in_keeping_answers(view: Callable) -> Callable:
    """`login_required` for section pages that keeps what was posted by someone whose session
    has ended, so that after signing in again they find it back in the form (`kept`)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.method == "POST" and kept_answers.keep(request):
            messages.info(request, KEPT_AFTER_SIGN_OUT)
        return redirect_to_login(request.get_full_path())

    return wrapper


@signed_in_keeping_answers
def people_section(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    page = _page(request, org, pk, PEOPLE, "assessments/section_people.html")
    page.build = lambda data: section_forms.people_forms(
        page.assessment, queries.factor_answers(page.assessment), page.section.version, data
    )
    return _respond(request, page)


@signed_in_keeping_answers
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
    page.extra["rating_guidance"] = queries.rating_guidance(page.assessment.edition)
    last_time = queries.last_time(page.assessment, domain)
    page.build = lambda data: section_forms.domain_forms(
        _with_last_time(queries.domain_answers(page.assessment, domain), last_time),
        page.section.version,
        data,
    )
    return _respond(request, page)


def _with_last_time(answers: list, last_time: dict | None) -> list:
    """Give each answer `last_time`: what became of its question's action in the assessment
    this one was started from (None when it was not started from a completed one)."""
    for answer in answers:
        answer.last_time = queries.last_time_of(last_time, answer.question.key)
    return answers


@signed_in_keeping_answers
def checklist_section(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    page = _page(request, org, pk, CHECKLIST, "assessments/section_checklist.html")
    page.extra["rating_guidance"] = queries.rating_guidance(page.assessment.edition)
    page.build = lambda data: section_forms.checklist_forms(
        queries.checklist_answers(page.assessment), page.section.version, data
    )
    return _respond(request, page)
