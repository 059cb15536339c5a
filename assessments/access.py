"""The one scoped lookup every view of organisation data goes through.

Outsiders get 404 (they must not learn that the organisation or assessment exists); members whose
role does not allow the action get 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from assessments.models import Assessment, Membership, Role

ROLE_RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.OWNER: 2}


def get_membership(request: HttpRequest, org_slug: str, *, role: str = Role.VIEWER) -> Membership:
    """The user's membership of the organisation, requiring at least `role`."""
    if not request.user.is_authenticated:
        raise Http404("No such organisation.")
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=request.user, organisation__slug=org_slug)
        .first()
    )
    if membership is None:
        raise Http404("No such organisation.")
    if ROLE_RANK[Role(membership.role)] < ROLE_RANK[Role(role)]:
        raise PermissionDenied(
            f"You need to be an {Role(role).label.lower()} "
            f"of {membership.organisation.name} to do this. Ask an owner to change your role."
        )
    return membership


def get_assessment(
    request: HttpRequest, org_slug: str, pk: int, *, role: str = Role.VIEWER
) -> tuple[Membership, Assessment]:
    """An assessment of one of the user's organisations, requiring at least `role`."""
    membership = get_membership(request, org_slug, role=role)
    assessment = (
        Assessment.objects.select_related("edition", "organisation")
        .filter(organisation=membership.organisation, pk=pk)
        .first()
    )
    if assessment is None:
        raise Http404("No such assessment.")
    return membership, assessment
