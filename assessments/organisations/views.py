"""Accounts, organisations, their members and invitations.

Logging in and out and resetting a password are Django's auth views, routed in drf_site/urls.py
with this package's forms and templates. Every view of an organisation goes through
`access.get_membership` (404 for outsiders, 403 for a role too low); membership ids from URLs are
looked up within that organisation only.
"""

import copy

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import RedirectURLMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import FormView, UpdateView

from assessments import access
from assessments.models import Membership, Organisation, Role
from assessments.organisations import queries, services
from assessments.organisations.forms import (
    InvitationForm,
    OrganisationForm,
    RoleForm,
    SignupForm,
)

# --- Accounts ------------------------------------------------------------------------------


class SignupView(RedirectURLMixin, FormView):
    """Create an account and log in; then follow ?next= (e.g. an invitation) or create an
    organisation, since a new account belongs to none yet."""

    form_class = SignupForm
    template_name = "registration/signup.html"
    next_page = "assessments:organisation_create"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            return redirect(self.get_redirect_url() or "assessments:home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: SignupForm) -> HttpResponse:
        login(self.request, form.save())
        messages.success(self.request, "Your account has been created and you are logged in.")
        return super().form_valid(form)

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(next=self.get_redirect_url(), **kwargs)


signup = SignupView.as_view()


# --- Organisations -------------------------------------------------------------------------


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    """The user's organisations; with exactly one, go straight to its dashboard."""
    memberships = access.user_memberships(request)
    if len(memberships) == 1:
        return redirect(memberships[0].organisation)
    return render(request, "assessments/organisation_list.html", {"memberships": memberships})


class OrganisationCreateView(LoginRequiredMixin, FormView):
    form_class = OrganisationForm
    template_name = "assessments/organisation_form.html"
    # Ask rather than assume: no answer is chosen until the user chooses one.
    initial = {"additional_vulnerabilities": None}

    def form_valid(self, form: OrganisationForm) -> HttpResponse:
        organisation = services.create_organisation(user=self.request.user, **form.cleaned_data)
        messages.success(self.request, f"{organisation} has been created. You are its owner.")
        return redirect(organisation)


class OrganisationUpdateView(LoginRequiredMixin, UpdateView):
    form_class = OrganisationForm
    template_name = "assessments/organisation_form.html"

    def get_object(self, queryset=None) -> Organisation:
        return access.get_membership(self.request, self.kwargs["org"], role=Role.OWNER).organisation

    def get_form_kwargs(self) -> dict:
        # The form validates into its own copy: an invalid POST must not rename the page's
        # title and breadcrumb to what was typed but not saved.
        return super().get_form_kwargs() | {"instance": copy.copy(self.object)}

    def form_valid(self, form: OrganisationForm) -> HttpResponse:
        services.update_organisation(organisation=self.object, **form.cleaned_data)
        messages.success(self.request, "The organisation’s settings have been saved.")
        return redirect(self.object)


organisation_create = OrganisationCreateView.as_view()
organisation_update = OrganisationUpdateView.as_view()

# --- Members -------------------------------------------------------------------------------


def _members_page(
    request: HttpRequest, membership: Membership, invite_form: InvitationForm
) -> HttpResponse:
    organisation = membership.organisation
    pending = organisation.invitations.filter(
        accepted_at__isnull=True, expires_at__gt=timezone.now()
    )
    context = {
        "membership": membership,
        "organisation": organisation,
        "members": organisation.memberships.select_related("user"),
        "roles": Role.choices,
        "form": invite_form if membership.is_owner else None,
        "invitations": pending if membership.is_owner else [],
    }
    return render(request, "assessments/membership_list.html", context)


@login_required
def member_list(request: HttpRequest, org: str) -> HttpResponse:
    membership = access.get_membership(request, org)
    return _members_page(request, membership, InvitationForm())


@login_required
@require_POST
def member_invite(request: HttpRequest, org: str) -> HttpResponse:
    membership = access.get_membership(request, org, role=Role.OWNER)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation, _ = services.invite_member(
                organisation=membership.organisation, invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(request, f"An invitation has been emailed to {invitation.email}.")
            return redirect("assessments:members", org)
    return _members_page(request, membership, form)


def _member_of(membership: Membership, membership_id: int) -> Membership:
    """A membership of the same organisation (404 for any other id)."""
    members = membership.organisation.memberships.select_related("user", "organisation")
    return get_object_or_404(members, pk=membership_id)


@login_required
@require_POST
def member_role(request: HttpRequest, org: str, membership_id: int) -> HttpResponse:
    membership = access.get_membership(request, org, role=Role.OWNER)
    member = _member_of(membership, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Select a role from the list.")
        return redirect("assessments:members", org)
    try:
        member = services.change_role(membership=member, role=form.cleaned_data["role"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"{member.user.email} is now {member.get_role_display()}.")
    return redirect("assessments:members", org)


@login_required
def member_remove(request: HttpRequest, org: str, membership_id: int) -> HttpResponse:
    """Confirm, then remove a member (owners only; the last owner cannot be removed)."""
    membership = access.get_membership(request, org, role=Role.OWNER)
    member = _member_of(membership, membership_id)
    if request.method != "POST":
        context = {"organisation": membership.organisation, "member": member}
        return render(request, "assessments/membership_confirm_delete.html", context)
    try:
        services.remove_member(membership=member)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("assessments:members", org)
    if member.user_id == request.user.pk:
        messages.success(request, f"You have left {membership.organisation}.")
        return redirect("assessments:home")
    messages.success(request, f"{member.user.email} has been removed.")
    return redirect("assessments:members", org)


# --- Invitations ---------------------------------------------------------------------------


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation link: anyone holding it may see it; a signed-in user may accept it once."""
    template = "assessments/invitation_detail.html"
    invitation = queries.find_invitation(token)
    if invitation is None:
        return render(request, template, {"problem": "unknown"}, status=404)
    if not invitation.is_usable:
        return render(request, template, {"problem": "unusable"}, status=410)
    if request.method == "POST" and request.user.is_authenticated:
        try:
            member = services.accept_invitation(invitation=invitation, user=request.user)
        except ValidationError:
            return render(request, template, {"problem": "unusable"}, status=410)
        messages.success(request, f"You have joined {member.organisation}.")
        return redirect(member.organisation)
    existing = (
        invitation.organisation.memberships.filter(user=request.user).first()
        if request.user.is_authenticated
        else None
    )
    return render(request, template, {"invitation": invitation, "existing": existing})
