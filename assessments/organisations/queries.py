"""Reused reads of organisations and invitations."""

from assessments.models import Invitation, hash_token


def find_invitation(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )
