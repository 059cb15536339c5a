"""The one scoped lookup every view of organisation data goes through.

Outsiders get 404 (they must not learn that the organisation or assessment exists); members whose
role does not allow the action get 403. The user's memberships are read once per request and kept
on it, so a page that looks up its organisation and shows the organisation switcher in its header
(`account_nav`) reads them once.

Groups (trusts, local authorities, networks) follow the same rules with their own memberships:
`get_group_membership` (404 for anyone not in the group, 403 for a viewer where an owner is
needed), and `linked_organisation`, which reaches an organisation only while it shares with the
group, and its full report only while it shares that.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from assessments.models import (
    Assessment,
    GroupLink,
    GroupMembership,
    GroupRole,
    Membership,
    Role,
    Sharing,
)

ROLE_RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.OWNER: 2}


def user_memberships(request: HttpRequest) -> list[Membership]:
    """The signed-in user's memberships with their organisations, read once per request."""
    if not request.user.is_authenticated:
        return []
    if not hasattr(request, "_memberships"):
        request._memberships = list(
            Membership.objects.select_related("organisation").filter(user=request.user)
        )
    return request._memberships


def get_membership(request: HttpRequest, org_slug: str, *, role: str = Role.VIEWER) -> Membership:
    """The user's membership of the organisation, requiring at least `role`."""
    membership = next(
        (m for m in user_memberships(request) if m.organisation.slug == org_slug), None
    )
    if membership is None:
        raise Http404("No such organisation.")
    request.organisation_id = membership.organisation_id  # for the request log line
    if ROLE_RANK[Role(membership.role)] < ROLE_RANK[Role(role)]:
        raise PermissionDenied(
            f"You need to be an {Role(role).label.lower()} "
            f"of {membership.organisation.name} to do this. Ask an owner to change your role."
        )
    return membership


def assessment_of(membership: Membership, pk: int) -> Assessment:
    """An assessment of the membership's organisation (404 for any other id)."""
    assessment = (
        Assessment.objects.select_related("edition", "organisation")
        .filter(organisation=membership.organisation, pk=pk)
        .first()
    )
    if assessment is None:
        raise Http404("No such assessment.")
    return assessment


def get_assessment(
    request: HttpRequest, org_slug: str, pk: int, *, role: str = Role.VIEWER
) -> tuple[Membership, Assessment]:
    """An assessment of one of the user's organisations, requiring at least `role`."""
    membership = get_membership(request, org_slug, role=role)
    return membership, assessment_of(membership, pk)


# --- Groups --------------------------------------------------------------------------------

GROUP_ROLE_RANK = {GroupRole.VIEWER: 0, GroupRole.OWNER: 1}


def user_group_memberships(request: HttpRequest) -> list[GroupMembership]:
    """The signed-in user's group memberships with their groups, read once per request (the
    header's "Your groups" link and the group's pages share it)."""
    if not request.user.is_authenticated:
        return []
    if not hasattr(request, "_group_memberships"):
        request._group_memberships = list(
            GroupMembership.objects.select_related("group").filter(user=request.user)
        )
    return request._group_memberships


def get_group_membership(
    request: HttpRequest, group_slug: str, *, role: str = GroupRole.VIEWER
) -> GroupMembership:
    """The user's membership of the group, requiring at least `role`. Members of the group's
    organisations are not members of the group: they get 404 like anyone else."""
    membership = next(
        (m for m in user_group_memberships(request) if m.group.slug == group_slug), None
    )
    if membership is None:
        raise Http404("No such group.")
    if GROUP_ROLE_RANK[GroupRole(membership.role)] < GROUP_ROLE_RANK[GroupRole(role)]:
        raise PermissionDenied(
            f"You need to be a {GroupRole(role).label.lower()} of {membership.group.name} to do "
            "this. Ask a group owner to change your role."
        )
    return membership


def linked_organisation(
    group_membership: GroupMembership, org_slug: str, *, full: bool = False
) -> GroupLink:
    """The link of an organisation that shares with the group now (404 otherwise); with
    `full`, 404 too unless it shares its full report. A summary-only organisation's report is
    "not found" for the group, not "forbidden": the group has no report of it to see."""
    links = GroupLink.objects.select_related("organisation", "group").filter(
        group_id=group_membership.group_id, organisation__slug=org_slug
    )
    if full:
        links = links.filter(sharing=Sharing.FULL)
    link = links.first()
    if link is None:
        raise Http404("No such organisation in this group.")
    return link
