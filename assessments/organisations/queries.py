"""Reused reads of organisations and invitations."""

from django.db.models import QuerySet

from assessments.models import Invitation, Membership, Organisation, Role, hash_token


def find_invitation(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation", "invited_by__profile")
        .filter(token_hash=hash_token(token))
        .first()
    )


def open_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    """The invitations owners can still act on, newest first: waiting, declined or expired (not
    accepted, and not revoked)."""
    return organisation.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True)


def deletion_summary(organisation: Organisation) -> dict[str, int]:
    """What deleting the organisation deletes with it, counted for its confirmation page."""
    return {
        "assessments": organisation.assessments.count(),
        "members": organisation.memberships.count(),
        "invitations": organisation.invitations.pending().count(),
    }


def is_sole_owner(membership: Membership) -> bool:
    """Whether this member is the organisation's only owner (who may not leave or be removed)."""
    owners = Membership.objects.filter(organisation_id=membership.organisation_id, role=Role.OWNER)
    return membership.is_owner and not owners.exclude(pk=membership.pk).exists()
