"""Workflows of organisations, members and invitations. Views call these; they hold the business
rules.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from assessments import storage
from assessments.models import (
    Invitation,
    Membership,
    Organisation,
    Profile,
    Role,
    hash_token,
)


@transaction.atomic
def create_account(*, email: str, password: str, full_name: str, job_title: str = "") -> User:
    """Create an account for a person: keyed by their email address, with their name and job
    title in their profile."""
    user = User.objects.create_user(username=email, email=email, password=password)
    Profile.objects.create(user=user, full_name=full_name, job_title=job_title)
    return user


def update_profile(*, user: AbstractBaseUser, full_name: str, job_title: str) -> Profile:
    """Change how a person is shown. Accounts from before profiles existed get one now."""
    profile, _ = Profile.objects.update_or_create(
        user=user, defaults={"full_name": full_name, "job_title": job_title}
    )
    return profile


@transaction.atomic
def create_organisation(*, user: AbstractBaseUser, **details: Any) -> Organisation:
    """Create an organisation with `user` as its first owner. Its slug comes from its name."""
    organisation = Organisation(slug=_free_slug(details["name"]), **details)
    organisation.save()
    Membership.objects.create(user=user, organisation=organisation, role=Role.OWNER)
    return organisation


@transaction.atomic
def delete_organisation(*, organisation: Organisation) -> None:
    """Delete an organisation with its members, invitations, assessments and stored files."""
    storage.discard_stored_pdfs(organisation.assessments.values_list("pk", flat=True))
    organisation.delete()


def update_organisation(*, organisation: Organisation, **details: Any) -> Organisation:
    """Change an organisation's settings. Its slug stays, so links to it keep working."""
    for field, value in details.items():
        setattr(organisation, field, value)
    organisation.save(update_fields=list(details))
    return organisation


# Slugs that would clash with fixed URLs under /orgs/ (e.g. /orgs/new/ is the create page).
RESERVED_SLUGS = {"new"}


def _free_slug(name: str) -> str:
    base = slugify(name)[:50] or "organisation"
    slug, counter = base, 1
    while slug in RESERVED_SLUGS or Organisation.objects.filter(slug=slug).exists():
        counter += 1
        slug = f"{base}-{counter}"
    return slug


@transaction.atomic
def invite_member(
    *, organisation: Organisation, email: str, role: str, invited_by: AbstractBaseUser
) -> tuple[Invitation, str]:
    """Invite someone by email and send them the link. Returns the invitation and its raw token.

    Inviting an address that already has an invitation waiting re-sends that one with a fresh
    link (the old link stops working) and the role and expiry of now, rather than leaving two.
    The email goes once the invitation is committed, so a rolled-back invitation sends nothing.
    """
    email = email.strip().lower()
    # One invitation at a time per organisation, so two owners inviting the same address at
    # once still leave a single invitation.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).exists()
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError(f"{email} is already a member of {organisation}.", code="member")
    token = Invitation.new_token()
    details = {
        "role": role,
        "token_hash": hash_token(token),
        "invited_by": invited_by,
        "expires_at": timezone.now() + Invitation.VALID_FOR,
        # Inviting again undoes a decline or a revocation: the fresh link works.
        "declined_at": None,
        "revoked_at": None,
    }
    invitation = organisation.invitations.filter(email=email, accepted_at__isnull=True).first()
    if invitation is None:
        invitation = Invitation.objects.create(organisation=organisation, email=email, **details)
    else:
        for field, value in details.items():
            setattr(invitation, field, value)
        invitation.save(update_fields=list(details))
    link = settings.SITE_URL.rstrip("/") + reverse("assessments:accept_invitation", args=[token])
    context = {"invitation": invitation, "link": link, "inviter": invited_by}
    subject = f"You are invited to join {organisation} on Digital Resilience"
    message = render_to_string("assessments/email/invitation.txt", context)
    transaction.on_commit(
        lambda: send_mail(subject=subject, message=message, from_email=None, recipient_list=[email])
    )
    return invitation, token


UNUSABLE_INVITATION = (
    "This invitation link has expired, has been withdrawn, declined or already used. "
    "Ask an owner of the organisation to invite you again."
)


def resend_invitation(
    *, invitation: Invitation, invited_by: AbstractBaseUser
) -> tuple[Invitation, str]:
    """Email the invitation again with a fresh link (the old link stops working) and a new
    expiry: inviting the same address again, as `invite_member` does."""
    return invite_member(
        organisation=invitation.organisation,
        email=invitation.email,
        role=invitation.role,
        invited_by=invited_by,
    )


@transaction.atomic
def revoke_invitation(*, invitation: Invitation) -> Invitation:
    """Withdraw an invitation that has not been accepted: its link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(
            f"{invitation.email} has already accepted the invitation. "
            "To take their access away, remove them from the members.",
            code="accepted",
        )
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def decline_invitation(*, invitation: Invitation) -> Invitation:
    """The person invited says no: the link stops working, and owners see it was declined."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError(UNUSABLE_INVITATION, code="unusable")
    invitation.declined_at = timezone.now()
    invitation.save(update_fields=["declined_at"])
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: AbstractBaseUser) -> Membership:
    """Use an invitation: add the membership (or keep an existing one) and spend the link."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError(UNUSABLE_INVITATION, code="unusable")
    membership, _ = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def change_role(*, membership: Membership, role: str) -> Membership:
    """Change a member's role; an organisation always keeps at least one owner."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.role == Role.OWNER and role != Role.OWNER:
        _ensure_another_owner(locked)
    locked.role = role
    locked.save(update_fields=["role"])
    return locked


@transaction.atomic
def remove_member(*, membership: Membership) -> None:
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.role == Role.OWNER:
        _ensure_another_owner(locked)
    locked.delete()


def _ensure_another_owner(membership: Membership) -> None:
    owners = Membership.objects.select_for_update().filter(
        organisation_id=membership.organisation_id, role=Role.OWNER
    )
    if not owners.exclude(pk=membership.pk).exists():
        raise ValidationError(
            "An organisation needs at least one owner. Make someone else an owner first.",
            code="last-owner",
        )
