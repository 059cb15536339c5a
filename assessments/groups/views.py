"""Groups: trusts, local authorities, dioceses and networks that oversee organisations.

Every view of a group goes through `access.get_group_membership` (404 for anyone not in the
group, 403 for a viewer where an owner is needed), and every organisation of a group through
`access.linked_organisation` (404 unless it shares with the group now; its report, unless it
shares the full report). The organisation's side (which groups see what, changing or withdrawing
it) goes through `access.get_membership`. A GET of a POST-only action goes to the page with its
form.
"""

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from assessments import access, storage
from assessments.groups import export, queries, services
from assessments.groups.forms import (
    GroupForm,
    GroupInvitationForm,
    GroupRoleForm,
    ShareOrganisationForm,
    SharingForm,
)
from assessments.models import (
    GroupInvitation,
    GroupMembership,
    GroupRole,
    PdfRender,
    Role,
    Sharing,
    display_name,
)
from assessments.reporting import charts
from assessments.reporting.pdf import pdf_filename
from assessments.reporting.report import build_report
from assessments.reporting.tasks import MAX_ATTEMPTS, request_pdf
from assessments.spreadsheets import csv_download

# --- Groups ------------------------------------------------------------------------------------


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    """The groups the user belongs to."""
    context = {"group_memberships": access.user_group_memberships(request)}
    return render(request, "assessments/groups/group_list.html", context)


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = services.create_group(user=request.user, **form.cleaned_data)
        messages.success(request, f"{group} has been created. You are its owner.")
        return redirect("assessments:group_members", group.slug)
    return render(request, "assessments/groups/group_form.html", {"form": form})


@login_required
def group_dashboard(request: HttpRequest, group: str) -> HttpResponse:
    """Every organisation sharing with the group, in a fixed number of queries."""
    membership = access.get_group_membership(request, group)
    dashboard = queries.group_dashboard(membership.group)
    context = {
        "membership": membership,
        "group": membership.group,
        "dashboard": dashboard,
        "trend": _trend(membership.group.name, dashboard.trend) if dashboard.trend else None,
        "own": queries.organisation_memberships(
            request.user, [row.link.organisation_id for row in dashboard.rows]
        ),
    }
    return render(request, "assessments/groups/group_dashboard.html", context)


def _trend(name: str, points: list) -> str:
    return charts.score_trend(
        points,
        title=f"Median headline score of {name} over time",
        description=(
            "At the end of each quarter, the median of each organisation's latest completed "
            "assessment's headline score."
        ),
        chart_id="group-trend",
    )


@login_required
def group_csv(request: HttpRequest, group: str) -> HttpResponse:
    """The dashboard's rows: summary data only, whatever an organisation shares."""
    membership = access.get_group_membership(request, group)
    rows = export.dashboard_rows(queries.group_dashboard(membership.group))
    filename = f"{membership.group.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_download(rows, filename)


# --- Members and invitations -------------------------------------------------------------------


def _members_page(
    request: HttpRequest, membership: GroupMembership, form: GroupInvitationForm
) -> HttpResponse:
    group = membership.group
    members = queries.group_members(group)
    context = {
        "membership": membership,
        "group": group,
        "members": members,
        "sole_owner": membership.is_owner and sum(m.is_owner for m in members) == 1,
        "roles": GroupRole.choices,
        "links": queries.group_links(group),
        "form": form if membership.is_owner else None,
        "invitations": queries.open_group_invitations(group) if membership.is_owner else [],
    }
    return render(request, "assessments/groups/group_members.html", context)


@login_required
def group_members(request: HttpRequest, group: str) -> HttpResponse:
    membership = access.get_group_membership(request, group)
    initial = {"purpose": GroupInvitation.Purpose.ORGANISATION, "role": GroupRole.VIEWER}
    return _members_page(request, membership, GroupInvitationForm(initial=initial))


@login_required
def group_invite(request: HttpRequest, group: str) -> HttpResponse:
    if request.method != "POST":
        return redirect("assessments:group_members", group)
    membership = access.get_group_membership(request, group, role=GroupRole.OWNER)
    form = GroupInvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation, _ = services.invite(
                group=membership.group, invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(request, f"An invitation has been emailed to {invitation.email}.")
            return redirect("assessments:group_members", group)
    return _members_page(request, membership, form)


def _member_of(membership: GroupMembership, membership_id: int) -> GroupMembership:
    """A membership of the same group (404 for any other id)."""
    members = membership.group.memberships.select_related("user__profile", "group")
    return get_object_or_404(members, pk=membership_id)


@login_required
def group_member_role(request: HttpRequest, group: str, membership_id: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("assessments:group_members", group)
    membership = access.get_group_membership(request, group, role=GroupRole.OWNER)
    member = _member_of(membership, membership_id)
    form = GroupRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Select a role from the list.")
        return redirect("assessments:group_members", group)
    try:
        member = services.change_role(membership=member, role=form.cleaned_data["role"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, f"{display_name(member.user)} is now {member.get_role_display()}."
        )
    return redirect("assessments:group_members", group)


@login_required
def group_member_remove(request: HttpRequest, group: str, membership_id: int) -> HttpResponse:
    """Confirm, then remove a group member (owners only; never the last owner)."""
    membership = access.get_group_membership(request, group, role=GroupRole.OWNER)
    member = _member_of(membership, membership_id)
    if request.method != "POST":
        context = {
            "group": membership.group,
            "member": member,
            "sole_owner": queries.is_sole_group_owner(member),
        }
        return render(request, "assessments/groups/group_member_remove.html", context)
    try:
        services.remove_member(membership=member)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("assessments:group_members", group)
    if member.user_id == request.user.pk:
        messages.success(request, f"You have left {membership.group}.")
        return redirect("assessments:group_list")
    messages.success(request, f"{display_name(member.user)} has been removed.")
    return redirect("assessments:group_members", group)


def _invitation_of(membership: GroupMembership, invitation_id: int) -> GroupInvitation:
    """An invitation of the same group (404 for any other id)."""
    return get_object_or_404(membership.group.invitations.select_related("group"), pk=invitation_id)


@login_required
def group_invitation_resend(request: HttpRequest, group: str, invitation_id: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("assessments:group_members", group)
    membership = access.get_group_membership(request, group, role=GroupRole.OWNER)
    invitation = _invitation_of(membership, invitation_id)
    try:
        invitation, _ = services.resend_invitation(invitation=invitation, invited_by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"The invitation has been emailed to {invitation.email} again.")
    return redirect("assessments:group_members", group)


@login_required
def group_invitation_revoke(request: HttpRequest, group: str, invitation_id: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("assessments:group_members", group)
    membership = access.get_group_membership(request, group, role=GroupRole.OWNER)
    invitation = _invitation_of(membership, invitation_id)
    try:
        services.revoke_invitation(invitation=invitation)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"The invitation to {invitation.email} has been revoked.")
    return redirect("assessments:group_members", group)


@login_required
def group_organisation_remove(request: HttpRequest, group: str, org: str) -> HttpResponse:
    """Confirm, then stop the group seeing an organisation (group owners only)."""
    membership = access.get_group_membership(request, group, role=GroupRole.OWNER)
    link = access.linked_organisation(membership, org)
    if request.method != "POST":
        context = {"group": membership.group, "link": link}
        return render(request, "assessments/groups/group_organisation_remove.html", context)
    services.stop_sharing(link=link)
    messages.success(request, f"{link.organisation} has been removed from {membership.group}.")
    return redirect("assessments:group_members", group)


# --- Reports of organisations that share them --------------------------------------------------


def _shared_report(request: HttpRequest, group: str, org: str):
    membership = access.get_group_membership(request, group)
    link = access.linked_organisation(membership, org, full=True)
    latest = (
        link.organisation.assessments.completed()
        .select_related("edition", "organisation")
        .order_by("-completed_at", "-pk")
        .first()
    )
    return membership, link, latest


@login_required
def group_report(request: HttpRequest, group: str, org: str) -> HttpResponse:
    """The latest completed report of an organisation that shares its full report."""
    membership, link, assessment = _shared_report(request, group, org)
    context = {
        "membership": membership,
        "group": membership.group,
        "organisation": link.organisation,
        "assessment": assessment,
        "report": build_report(assessment) if assessment else None,
    }
    return render(request, "assessments/groups/group_report.html", context)


@login_required
def group_report_pdf(request: HttpRequest, group: str, org: str) -> HttpResponse:
    """The stored PDF of that report, or a page that says it is being prepared (as the
    organisation's own PDF link does)."""
    membership, link, assessment = _shared_report(request, group, org)
    if assessment is None:
        return redirect("assessments:group_report", group, org)
    job = request_pdf(assessment=assessment, retry_failed=request.GET.get("retry") == "1")
    if job.status == PdfRender.Status.DONE:
        return FileResponse(
            storage.open_pdf(job.file_name),
            as_attachment=True,
            filename=pdf_filename(assessment),
            content_type="application/pdf",
        )
    context = {
        "group": membership.group,
        "organisation": link.organisation,
        "assessment": assessment,
        "job": job,
        "failed": job.status == PdfRender.Status.FAILED,
        "can_retry": job.retry_from is not None and job.retry_from <= timezone.now(),
        "auto_refresh": job.status != PdfRender.Status.FAILED
        and request.GET.get("refresh") != "off",
        "max_attempts": MAX_ATTEMPTS,
    }
    return render(request, "assessments/groups/group_pdf_preparing.html", context)


# --- Invitation links --------------------------------------------------------------------------


def group_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation link: anyone holding it may see or decline it; the signed-in account with
    the invited address may accept it once (for an organisation: choosing which of the
    organisations they own, and what it shares)."""
    invitation = queries.find_group_invitation(token)
    if invitation is None or not invitation.is_usable or not request.user.is_authenticated:
        return _invitation_page(request, token, invitation)
    if invitation.purpose == GroupInvitation.Purpose.MEMBER:
        return _accept_member(request, token, invitation)
    organisations = queries.organisations_to_share(request.user, invitation.group)
    form = ShareOrganisationForm(
        request.POST if request.method == "POST" else None, organisations=organisations
    )
    if request.method == "POST" and form.is_valid():
        try:
            link = services.accept_organisation_invitation(
                invitation=invitation, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{link.organisation} now shares its {link.get_sharing_display().lower()} with "
                f"{link.group}. You can change or stop this at any time.",
            )
            return redirect("assessments:organisation_groups", link.organisation.slug)
    return _invitation_page(request, token, invitation, form=form, organisations=organisations)


def _accept_member(request: HttpRequest, token: str, invitation: GroupInvitation) -> HttpResponse:
    if request.method == "POST":
        try:
            membership = services.accept_member_invitation(invitation=invitation, user=request.user)
        except ValidationError:
            invitation.refresh_from_db()
        else:
            messages.success(request, f"You have joined {membership.group}.")
            return redirect(membership.group)
    return _invitation_page(request, token, invitation)


def group_invitation_decline(request: HttpRequest, token: str) -> HttpResponse:
    """The person invited says no (no account needed): the link stops working."""
    if request.method != "POST":
        return redirect("assessments:group_invitation", token)
    invitation = queries.find_group_invitation(token)
    if invitation is None:
        return _invitation_page(request, token, None)
    with contextlib.suppress(ValidationError):
        services.decline_invitation(invitation=invitation)
    return redirect("assessments:group_invitation", token)


def _invitation_page(
    request: HttpRequest,
    token: str,
    invitation: GroupInvitation | None,
    *,
    form: ShareOrganisationForm | None = None,
    organisations: list | None = None,
) -> HttpResponse:
    """The invitation, or why it cannot be used: 404 for an unknown link, 410 for one that no
    longer works."""
    usable = invitation is not None and invitation.is_usable
    existing, invited = None, False
    if usable and request.user.is_authenticated:
        existing = invitation.group.memberships.filter(user=request.user).first()
        invited = services.is_invited_address(invitation, request.user)
    context = {
        "invitation": invitation,
        "existing": existing if invitation and invitation.purpose == "member" else None,
        "invited": invited,
        "masked_email": _masked(invitation.email) if invitation else "",
        "token": token,
        "form": form,
        "organisations": organisations,
    }
    status = 200 if usable else 404 if invitation is None else 410
    return render(request, "assessments/groups/group_invitation.html", context, status=status)


def _masked(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


# --- The organisation's side -------------------------------------------------------------------


@login_required
def organisation_groups(request: HttpRequest, org: str) -> HttpResponse:
    """Which groups see what of the organisation (any member); owners change it here too."""
    if request.method == "POST":
        membership = access.get_membership(request, org, role=Role.OWNER)
        form = SharingForm(request.POST)
        if form.is_valid():
            link = _link_of(membership, request.POST.get("group", ""))
            link = services.change_sharing(link=link, user=request.user, **form.cleaned_data)
            messages.success(request, _shares(link))
        else:
            messages.error(request, "Select what to share with the group.")
        return redirect("assessments:organisation_groups", org)
    membership = access.get_membership(request, org)
    context = {
        "membership": membership,
        "organisation": membership.organisation,
        "links": queries.organisation_links(membership.organisation),
        "sharing_choices": Sharing.choices,
    }
    return render(request, "assessments/groups/organisation_groups.html", context)


def _link_of(membership, group_slug: str):
    """A group the membership's organisation shares with (404 for any other)."""
    links = membership.organisation.group_links.select_related("group", "organisation")
    return get_object_or_404(links, group__slug=group_slug)


def _shares(link) -> str:
    sharing = link.get_sharing_display().lower()
    return f"{link.organisation} now shares its {sharing} with {link.group}."


@login_required
def organisation_group(request: HttpRequest, org: str, group: str) -> HttpResponse:
    """Change what the organisation shares with one group, or withdraw (after confirming)."""
    membership = access.get_membership(request, org, role=Role.OWNER)
    link = _link_of(membership, group)
    withdrawing = "withdraw" in request.GET or "withdraw" in request.POST
    form = SharingForm(
        request.POST if request.method == "POST" and not withdrawing else None,
        initial={"sharing": link.sharing},
    )
    if request.method == "POST" and withdrawing:
        services.stop_sharing(link=link)
        messages.success(request, f"{link.group} no longer sees anything of {link.organisation}.")
        return redirect("assessments:organisation_groups", org)
    if request.method == "POST" and form.is_valid():
        link = services.change_sharing(link=link, user=request.user, **form.cleaned_data)
        messages.success(request, _shares(link))
        return redirect("assessments:organisation_groups", org)
    context = {
        "membership": membership,
        "organisation": membership.organisation,
        "link": link,
        "form": form,
        "withdrawing": withdrawing and request.method != "POST",
    }
    return render(request, "assessments/groups/organisation_group.html", context)
