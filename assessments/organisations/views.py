"""Accounts, profiles, organisations, their members and invitations.

Logging in and out, and resetting or changing a password, are Django's auth views, routed in
drf_site/urls.py with this package's forms and templates. Every view of an organisation goes
through `access.get_membership` (404 for outsiders, 403 for a role too low); membership and
invitation ids from URLs are looked up within that organisation only. A GET of a POST-only action
goes to the page that holds its form, rather than a blank 405.
"""

import contextlib
import copy
from urllib.parse import urlsplit

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import RedirectURLMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.views.decorators.http import require_POST
from django.views.generic import FormView, UpdateView

from assessments import access
from assessments.models import Invitation, Membership, Organisation, Role, display_name
from assessments.organisations import queries, services
from assessments.organisations.forms import (
    InvitationForm,
    LoginForm,
    OrganisationForm,
    PasswordResetForm,
    ProfileForm,
    RoleForm,
    SignupForm,
)
from assessments.validators import safe_local_url

# --- Accounts ------------------------------------------------------------------------------


# The backend that logs in an account just made or confirmed (axes' backend only refuses).
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class SafeNextMixin(RedirectURLMixin):
    """?next= is followed only to a path on this site ("/…"): never another host, and never a
    bare word, which Django would otherwise try as a URL name or a relative address."""

    def get_redirect_url(self) -> str:
        return safe_local_url(super().get_redirect_url()) or ""


class LoginView(SafeNextMixin, auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """Limited per address and per client; the email is queued (`PasswordResetForm.save`)."""

    form_class = PasswordResetForm

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        try:
            services.use_allowance(
                password_reset_address=form.cleaned_data["email"],
                password_reset_client=get_client_ip_address(self.request) or "",
            )
        except ValidationError as error:
            form.add_error("email", error)
            return self.form_invalid(form)
        return super().form_valid(form)


class SignupView(SafeNextMixin, FormView):
    """Sign up. Without an invitation, the same "check your email" page follows whether or not
    the address has an account, and the account is activated from the link emailed to it
    (`services.register_account`). From an invitation, whose link was emailed to the address,
    the account is for that address (read from the invitation, never from the URL), is created
    at once and logged in, and goes back to the invitation."""

    form_class = SignupForm
    template_name = "registration/signup.html"
    next_page = "assessments:organisation_create"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            return HttpResponseRedirect(self.get_redirect_url() or reverse("assessments:home"))
        self.invitation = _invitation_at(self.get_redirect_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict:
        return super().get_form_kwargs() | {"invitation": self.invitation}

    def form_valid(self, form: SignupForm) -> HttpResponse:
        details = {
            "email": form.cleaned_data["email"],
            "password": form.cleaned_data["password1"],
            "full_name": form.cleaned_data["full_name"],
            "job_title": form.cleaned_data["job_title"],
        }
        try:
            services.use_allowance(
                signup_address=details["email"],
                signup_client=get_client_ip_address(self.request) or "",
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if self.invitation is None:
            services.register_account(next_url=self.get_redirect_url(), **details)
            return redirect("assessments:signup_sent")
        login(self.request, services.create_account(**details), backend=MODEL_BACKEND)
        messages.success(self.request, "Your account has been created and you are logged in.")
        return super().form_valid(form)

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(
            next=self.get_redirect_url(), invitation=self.invitation, **kwargs
        )


def _invitation_at(url: str) -> Invitation | None:
    """The usable invitation a (safe) ?next= address is the page of, if it is one."""
    try:
        match = resolve(urlsplit(url).path) if url else None
    except Resolver404:
        return None
    if match is None or match.view_name != "assessments:accept_invitation":
        return None
    invitation = queries.find_invitation(match.kwargs["token"])
    return invitation if invitation is not None and invitation.is_usable else None


class ProfileView(LoginRequiredMixin, FormView):
    """The person's name and job title, as the site shows them; the password is changed on its
    own page (Django's PasswordChangeView, routed in drf_site/urls.py)."""

    form_class = ProfileForm
    template_name = "assessments/profile_form.html"

    def get_initial(self) -> dict:
        profile = getattr(self.request.user, "profile", None)
        return {"full_name": profile.full_name, "job_title": profile.job_title} if profile else {}

    def form_valid(self, form: ProfileForm) -> HttpResponse:
        services.update_profile(user=self.request.user, **form.cleaned_data)
        messages.success(self.request, "Your name and job title have been saved.")
        return redirect("assessments:profile")


def signup_sent(request: HttpRequest) -> HttpResponse:
    """After signing up: the same page whether or not the address already had an account."""
    return render(request, "registration/signup_sent.html")


def signup_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link emailed at sign-up. A GET only asks to confirm (mail scanners follow links);
    the POST activates the account, logs in, and goes where the sign-up was heading."""
    try:
        user, next_url = services.find_signup(token)
    except ValidationError as error:
        context = {"problem": error.messages[0]}
        return render(request, "registration/signup_confirm.html", context, status=400)
    if request.method != "POST":
        context = {"account": user, "active": user.is_active}
        return render(request, "registration/signup_confirm.html", context)
    if not services.confirm_account(user=user):
        messages.info(request, "Your email address is already confirmed. Log in to continue.")
        return redirect("login")
    login(request, user, backend=MODEL_BACKEND)
    messages.success(
        request,
        "Your email address is confirmed. Your account has been created and you are logged in.",
    )
    return HttpResponseRedirect(next_url or reverse("assessments:organisation_create"))


login_view = LoginView.as_view()
password_reset = PasswordResetView.as_view()
signup = SignupView.as_view()
profile = ProfileView.as_view()


# --- Organisations -------------------------------------------------------------------------


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    """The user's organisations and the groups (trusts, local authorities) they belong to; with
    exactly one of either, and none of the other, go straight to its dashboard."""
    memberships = access.user_memberships(request)
    groups = access.user_group_memberships(request)
    if len(memberships) + len(groups) == 1:
        return redirect(memberships[0].organisation if memberships else groups[0].group)
    context = {"memberships": memberships, "group_memberships": groups}
    return render(request, "assessments/organisation_list.html", context)


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


@login_required
def organisation_delete(request: HttpRequest, org: str) -> HttpResponse:
    """Confirm, naming what goes with it, then delete the organisation (owners only)."""
    membership = access.get_membership(request, org, role=Role.OWNER)
    organisation = membership.organisation
    if request.method != "POST":
        context = {
            "organisation": organisation,
            "counts": queries.deletion_summary(organisation),
        }
        return render(request, "assessments/organisation_confirm_delete.html", context)
    services.delete_organisation(organisation=organisation)
    messages.success(request, f"{organisation.name} has been deleted.")
    return redirect("assessments:home")


# --- Members -------------------------------------------------------------------------------


def _members_page(
    request: HttpRequest, membership: Membership, invite_form: InvitationForm
) -> HttpResponse:
    organisation = membership.organisation
    members = list(organisation.memberships.select_related("user__profile"))
    context = {
        "membership": membership,
        "organisation": organisation,
        "members": members,
        # The only owner may not leave: the page says so instead of offering it.
        "sole_owner": membership.is_owner and sum(m.is_owner for m in members) == 1,
        "roles": Role.choices,
        "form": invite_form if membership.is_owner else None,
        "invitations": queries.open_invitations(organisation) if membership.is_owner else [],
    }
    return render(request, "assessments/membership_list.html", context)


@login_required
def member_list(request: HttpRequest, org: str) -> HttpResponse:
    membership = access.get_membership(request, org)
    return _members_page(request, membership, InvitationForm())


@login_required
def member_invite(request: HttpRequest, org: str) -> HttpResponse:
    if request.method != "POST":
        # The form is on the members page (e.g. after a reload of a failed invitation).
        return redirect("assessments:members", org)
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
    members = membership.organisation.memberships.select_related("user__profile", "organisation")
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
        name = display_name(member.user)
        messages.success(request, f"{name} is now {member.get_role_display()}.")
    return redirect("assessments:members", org)


@login_required
def member_remove(request: HttpRequest, org: str, membership_id: int) -> HttpResponse:
    """Confirm, then remove a member (owners only; the last owner cannot be removed)."""
    membership = access.get_membership(request, org, role=Role.OWNER)
    member = _member_of(membership, membership_id)
    if request.method != "POST":
        context = {
            "organisation": membership.organisation,
            "member": member,
            "sole_owner": queries.is_sole_owner(member),
        }
        return render(request, "assessments/membership_confirm_delete.html", context)
    try:
        services.remove_member(membership=member)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("assessments:members", org)
    if member.user_id == request.user.pk:
        messages.success(request, f"You have left {membership.organisation}.")
        return redirect("assessments:home")
    messages.success(request, f"{display_name(member.user)} has been removed.")
    return redirect("assessments:members", org)


def _invitation_of(membership: Membership, invitation_id: int) -> Invitation:
    """An invitation of the same organisation (404 for any other id)."""
    invitations = membership.organisation.invitations.select_related("organisation")
    return get_object_or_404(invitations, pk=invitation_id)


@login_required
def invitation_resend(request: HttpRequest, org: str, invitation_id: int) -> HttpResponse:
    """Email the invitation again with a fresh link (owners only)."""
    if request.method != "POST":
        return redirect("assessments:members", org)
    membership = access.get_membership(request, org, role=Role.OWNER)
    invitation = _invitation_of(membership, invitation_id)
    try:
        invitation, _ = services.resend_invitation(invitation=invitation, invited_by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"The invitation has been emailed to {invitation.email} again.")
    return redirect("assessments:members", org)


@login_required
def invitation_revoke(request: HttpRequest, org: str, invitation_id: int) -> HttpResponse:
    """Withdraw an invitation: its link stops working (owners only)."""
    if request.method != "POST":
        return redirect("assessments:members", org)
    membership = access.get_membership(request, org, role=Role.OWNER)
    invitation = _invitation_of(membership, invitation_id)
    try:
        services.revoke_invitation(invitation=invitation)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            f"The invitation to {invitation.email} has been revoked. Its link no longer works.",
        )
    return redirect("assessments:members", org)


# --- Invitations ---------------------------------------------------------------------------


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation link: anyone holding it may see it or decline it; the signed-in account
    with the invited address may accept it once. Anyone else is told which address it was sent
    to (partly hidden) and how to proceed."""
    invitation = queries.find_invitation(token)
    if invitation is None or not invitation.is_usable:
        return _invitation_page(request, token, invitation)
    if request.method == "POST" and request.user.is_authenticated:
        try:
            member = services.accept_invitation(invitation=invitation, user=request.user)
        except ValidationError:
            invitation.refresh_from_db()
            return _invitation_page(request, token, invitation)
        messages.success(request, f"You have joined {member.organisation}.")
        return redirect(member.organisation)
    return _invitation_page(request, token, invitation)


def decline_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The person invited says no (no account needed): the link stops working."""
    if request.method != "POST":
        return redirect("assessments:accept_invitation", token)
    invitation = queries.find_invitation(token)
    if invitation is None:
        return _invitation_page(request, token, None)
    # Already used, withdrawn or declined: the invitation page says which.
    with contextlib.suppress(ValidationError):
        services.decline_invitation(invitation=invitation)
    return redirect("assessments:accept_invitation", token)


def _invitation_page(
    request: HttpRequest, token: str, invitation: Invitation | None
) -> HttpResponse:
    """The invitation, or why it cannot be used: 404 for an unknown link, 410 for one that no
    longer works (accepted, declined, revoked or expired)."""
    usable = invitation is not None and invitation.is_usable
    existing, invited = None, False
    if usable and request.user.is_authenticated:
        existing = invitation.organisation.memberships.filter(user=request.user).first()
        invited = services.is_invited_address(invitation, request.user)
    status = 200 if usable else 404 if invitation is None else 410
    context = {
        "invitation": invitation,
        "existing": existing,
        "invited": invited,
        "masked_email": _masked(invitation.email) if invitation else "",
        "token": token,
    }
    return render(request, "assessments/invitation_detail.html", context, status=status)


def _masked(email: str) -> str:
    """An address partly hidden, enough for its owner to recognise it: "n•••@hillside.example"
    (always three dots, so that it does not tell the length either)."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"
