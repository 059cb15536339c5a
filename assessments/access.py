"""The one scoped lookup every view of organisation data goes through.

Outsiders get 404 (they must not learn that the organisation or assessment exists); members whose
role does not allow the action get 403. The user's memberships are read once per request and kept
on it, so a page that looks up its organisation and shows the organisation switcher in its header
(`account_nav`) reads them once.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from assessments.models import Assessment, Membership, Role

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
