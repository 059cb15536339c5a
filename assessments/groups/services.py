"""Workflows of groups: creating one, its members and invitations, and what each organisation
shares with it. Views call these; they hold the business rules.

A group never reaches an organisation by itself: an owner of the organisation accepts the
group's invitation and chooses what to share (`GroupLink`), and may change or withdraw it at any
time. Withdrawing deletes the link, so every group page and export loses the organisation at once.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from assessments.mail import enqueue_email
from assessments.models import (
    Group,
    GroupInvitation,
    GroupLink,
    GroupMembership,
    GroupRole,
    Invitation,
    Membership,
    Organisation,
    Role,
    Sharing,
    hash_token,
)
from assessments.organisations.services import is_invited_address, use_allowance

# Slugs that would clash with fixed URLs under /groups/ (/groups/new/ is the create page).
RESERVED_SLUGS = {"new"}

UNUSABLE_INVITATION = (
    "This invitation link has expired, has been withdrawn, declined or already used. "
    "Ask an owner of the group to invite you again."
)
WRONG_ADDRESS = (
    "This invitation is for another email address. Log in with the account for that address, "
    "or create one with it."
)


def _site_link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def create_group(*, user: AbstractBaseUser, name: str, kind: str) -> Group:
    """Create a group with `user` as its first owner. Its slug comes from its name."""
    group = Group.objects.create(name=name, kind=kind, slug=_free_slug(name))
    GroupMembership.objects.create(group=group, user=user, role=GroupRole.OWNER)
    return group


def _free_slug(name: str) -> str:
    base = slugify(name)[:50] or "group"
    slug, counter = base, 1
    while slug in RESERVED_SLUGS or Group.objects.filter(slug=slug).exists():
        counter += 1
        slug = f"{base}-{counter}"
    return slug


# --- Invitations -----------------------------------------------------------------------------


@transaction.atomic
def invite(
    *,
    group: Group,
    purpose: str,
    email: str,
    invited_by: AbstractBaseUser,
    role: str = "",
) -> tuple[GroupInvitation, str]:
    """Invite a person to join the group with a role, or the owner of an organisation to share
    it with the group, and email them the link. Returns the invitation and its raw token.

    Inviting an address that already has an invitation of the same kind waiting re-sends that
    one with a fresh link (the old link stops working). An organisation invitation says nothing
    about whether the address has an account or owns an organisation: the person who follows
    the link chooses one of theirs, or learns there is none to share.
    """
    email = email.strip().lower()
    # One invitation at a time per group, so two owners inviting the same address at once
    # still leave a single invitation.
    Group.objects.select_for_update().filter(pk=group.pk).exists()
    if purpose == GroupInvitation.Purpose.MEMBER:
        if group.memberships.filter(user__email__iexact=email).exists():
            raise ValidationError(f"{email} is already a member of {group}.", code="member")
    else:
        role = ""
    # Limits of their own: a local authority invites all of its schools at once.
    use_allowance(invitation_group=str(group.pk), invitation_group_user=str(invited_by.pk))
    token = Invitation.new_token()
    details = {
        "role": role,
        "token_hash": hash_token(token),
        "invited_by": invited_by,
        "expires_at": timezone.now() + GroupInvitation.VALID_FOR,
        # Inviting again undoes a decline or a revocation: the fresh link works.
        "declined_at": None,
        "revoked_at": None,
    }
    invitation = group.invitations.filter(
        email=email, purpose=purpose, accepted_at__isnull=True
    ).first()
    if invitation is None:
        invitation = GroupInvitation.objects.create(
            group=group, purpose=purpose, email=email, **details
        )
    else:
        for name, value in details.items():
            setattr(invitation, name, value)
        invitation.save(update_fields=list(details))
    _send_invitation(invitation, token, invited_by)
    return invitation, token


def _send_invitation(invitation: GroupInvitation, token: str, invited_by: AbstractBaseUser) -> None:
    member = invitation.purpose == GroupInvitation.Purpose.MEMBER
    subject = (
        f"You are invited to join {invitation.group} on Digital Resilience"
        if member
        else f"{invitation.group} asks to see your organisation’s self-assessments"
    )
    enqueue_email(
        to=invitation.email,
        subject=subject,
        template=f"assessments/email/group_{'member' if member else 'organisation'}_invitation.txt",
        context={
            "invitation": invitation,
            "inviter": invited_by,
            "link": _site_link(reverse("assessments:group_invitation", args=[token])),
        },
    )


def resend_invitation(
    *, invitation: GroupInvitation, invited_by: AbstractBaseUser
) -> tuple[GroupInvitation, str]:
    """Email the invitation again with a fresh link and a new expiry (the old link stops)."""
    return invite(
        group=invitation.group,
        purpose=invitation.purpose,
        email=invitation.email,
        role=invitation.role,
        invited_by=invited_by,
    )


@transaction.atomic
def revoke_invitation(*, invitation: GroupInvitation) -> GroupInvitation:
    """Withdraw an invitation that has not been accepted: its link stops working."""
    invitation = GroupInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(
            f"{invitation.email} has already accepted the invitation.", code="accepted"
        )
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def decline_invitation(*, invitation: GroupInvitation) -> GroupInvitation:
    """The person invited says no: the link stops working, and group owners see it declined."""
    invitation = GroupInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError(UNUSABLE_INVITATION, code="unusable")
    invitation.declined_at = timezone.now()
    invitation.save(update_fields=["declined_at"])
    return invitation


def _usable_for(invitation: GroupInvitation, user: AbstractBaseUser) -> GroupInvitation:
    invitation = GroupInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError(UNUSABLE_INVITATION, code="unusable")
    # The link alone is not enough: it may have been forwarded.
    if not is_invited_address(invitation, user):
        raise ValidationError(WRONG_ADDRESS, code="wrong-address")
    return invitation


def _spend(invitation: GroupInvitation, user: AbstractBaseUser, **extra) -> None:
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    for name, value in extra.items():
        setattr(invitation, name, value)
    invitation.save(update_fields=["accepted_at", "accepted_by", *extra])


@transaction.atomic
def accept_member_invitation(
    *, invitation: GroupInvitation, user: AbstractBaseUser
) -> GroupMembership:
    """Join the group with the invitation's role (or keep an existing membership)."""
    invitation = _usable_for(invitation, user)
    if invitation.purpose != GroupInvitation.Purpose.MEMBER:
        raise ValidationError("This invitation asks for an organisation.", code="purpose")
    membership, _ = GroupMembership.objects.get_or_create(
        user=user, group=invitation.group, defaults={"role": invitation.role or GroupRole.VIEWER}
    )
    _spend(invitation, user)
    return membership


@transaction.atomic
def accept_organisation_invitation(
    *,
    invitation: GroupInvitation,
    user: AbstractBaseUser,
    organisation: Organisation,
    sharing: str,
) -> GroupLink:
    """Share one of the organisations `user` owns with the group, at the level they chose."""
    invitation = _usable_for(invitation, user)
    if invitation.purpose != GroupInvitation.Purpose.ORGANISATION:
        raise ValidationError("This invitation asks you to join the group.", code="purpose")
    if not Membership.objects.filter(
        user=user, organisation=organisation, role=Role.OWNER
    ).exists():
        raise ValidationError(
            "Only an owner of an organisation can share it with a group.", code="not-owner"
        )
    if GroupLink.objects.filter(group=invitation.group, organisation=organisation).exists():
        raise ValidationError(
            f"{organisation} already shares with {invitation.group}.", code="linked"
        )
    now = timezone.now()
    link = GroupLink.objects.create(
        group=invitation.group,
        organisation=organisation,
        sharing=Sharing(sharing),
        joined_at=now,
        updated_at=now,
        updated_by=user,
    )
    _spend(invitation, user, organisation=organisation)
    return link


# --- Members -----------------------------------------------------------------------------------


@transaction.atomic
def change_role(*, membership: GroupMembership, role: str) -> GroupMembership:
    """Change a group member's role; a group always keeps at least one owner."""
    members = _lock_members(membership.group_id)
    locked = _locked(members, membership)
    if locked.role == GroupRole.OWNER and role != GroupRole.OWNER:
        _ensure_another_owner(members, locked)
        _revoke_invitations_sent_by(locked)
    locked.role = GroupRole(role)
    locked.save(update_fields=["role"])
    return locked


@transaction.atomic
def remove_member(*, membership: GroupMembership) -> None:
    """Remove a group member (or let them leave); their invitations still waiting are revoked."""
    members = _lock_members(membership.group_id)
    locked = _locked(members, membership)
    if locked.role == GroupRole.OWNER:
        _ensure_another_owner(members, locked)
    _revoke_invitations_sent_by(locked)
    locked.delete()


def _lock_members(group_id: int) -> list[GroupMembership]:
    """Every membership of the group, locked in one fixed order, so that two owners changing
    each other's role at once queue instead of deadlocking."""
    return list(
        GroupMembership.objects.select_for_update().filter(group_id=group_id).order_by("pk")
    )


def _locked(members: list[GroupMembership], membership: GroupMembership) -> GroupMembership:
    for member in members:
        if member.pk == membership.pk:
            return member
    raise ValidationError(
        "This person is no longer a member: someone else removed them.", code="gone"
    )


def _ensure_another_owner(members: list[GroupMembership], membership: GroupMembership) -> None:
    if not any(m.role == GroupRole.OWNER and m.pk != membership.pk for m in members):
        raise ValidationError(
            "A group needs at least one owner. Make someone else an owner first.",
            code="last-owner",
        )


def _revoke_invitations_sent_by(membership: GroupMembership) -> None:
    GroupInvitation.objects.pending().filter(
        group_id=membership.group_id, invited_by_id=membership.user_id
    ).update(revoked_at=timezone.now())


# --- What organisations share --------------------------------------------------------------------


@transaction.atomic
def change_sharing(*, link: GroupLink, sharing: str, user: AbstractBaseUser) -> GroupLink:
    """The organisation's owner changes what it shares with the group; the group sees the change
    on its next page."""
    link = (
        GroupLink.objects.select_for_update()
        .select_related("group", "organisation")
        .get(pk=link.pk)
    )
    if link.sharing != sharing:
        link.sharing = Sharing(sharing)
        link.updated_at = timezone.now()
        link.updated_by = user
        link.save(update_fields=["sharing", "updated_at", "updated_by"])
    return link


@transaction.atomic
def stop_sharing(*, link: GroupLink) -> None:
    """The organisation withdraws from the group (its owner), or the group removes it (a group
    owner): the link goes, and with it everything the group saw of the organisation."""
    GroupLink.objects.filter(pk=link.pk).delete()
