"""The actions pages: the organisation's actions (filtered, overdue first) and one action, with
its history and, for owners and editors, the form to update it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from assessments.access import get_membership
from assessments.actions import queries, services
from assessments.actions.forms import ActionFilterForm, ActionUpdateForm
from assessments.models import Role

PAGE_SIZE = 50
ACTION_CHANGED = (
    "Someone else updated this action while you were editing it, so your update was not saved. "
    "Their update is the last one in the history; what you typed is still in the form. Check "
    "both, then save again."
)


@login_required
def action_list(request: HttpRequest, org: str) -> HttpResponse:
    """Every open action of the organisation's completed assessments, overdue first; a GET form
    filters them (by owner, status, domain and assessment) and shows done and dropped ones."""
    membership = get_membership(request, org)
    organisation = membership.organisation
    form = ActionFilterForm(request.GET or None, choices=queries.filter_choices(organisation))
    filters = form.filters() if form.is_bound else queries.ActionFilters()
    actions = queries.organisation_actions(organisation, request.user, filters)
    page = Paginator(actions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "membership": membership,
        "organisation": organisation,
        "form": form,
        "filters": filters,
        "filtered": filters != queries.ActionFilters(),
        "page": page,
        "today": timezone.localdate(),
    }
    return render(request, "assessments/actions/action_list.html", context)


@login_required
def action_detail(request: HttpRequest, org: str, action_id: int) -> HttpResponse:
    """One action: its question, the answer it came from, its history and (owners and editors,
    once its assessment is completed) the form to update it."""
    role = Role.EDITOR if request.method == "POST" else Role.VIEWER
    membership = get_membership(request, org, role=role)
    action = queries.action_of(membership, action_id)
    members = queries.members(membership.organisation)
    form = None
    if membership.can_edit and action.assessment.is_locked:
        choices = queries.member_choices(members)
        form = ActionUpdateForm(request.POST or None, action=action, members=choices)
        if request.method == "POST" and form.is_valid():
            owners = {m.user_id: m.user for m in members} | {action.owner_id: action.owner}
            form = _save(request, action, form, owners, choices)
            if form is None:
                return redirect("assessments:action", org, action_id)
            # Not saved: show the action as it is now (someone may have updated it).
            action = queries.action_of(membership, action_id)
    context = {
        "membership": membership,
        "organisation": membership.organisation,
        "action": action,
        "assessment": action.assessment,
        "answer": action.answer,
        "owner": queries.owner_label(action),
        "history": queries.action_history(action),
        "form": form,
    }
    return render(request, "assessments/actions/action_detail.html", context)


def _save(request, action, form, owners, choices) -> ActionUpdateForm | None:
    """Save a valid update; None once saved, else the form again with why it was not."""
    try:
        update = services.update_action(
            action=action,
            user=request.user,
            version=form.cleaned_data["version"],
            **form.update(owners),
        )
    except services.ActionChanged as changed:
        # The next save is checked against the version now shown.
        data = request.POST.copy()
        data["version"] = str(changed.action.version)
        form = ActionUpdateForm(data, action=changed.action, members=choices)
        form.is_valid()
        form.add_error(None, ACTION_CHANGED)
        return form
    except ValidationError as error:
        form.add_error(None, error)
        return form
    if update is None:
        messages.info(request, "Nothing changed, so there is no new update.")
    else:
        messages.success(request, "Your update is saved.")
    return None
