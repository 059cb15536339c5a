"""Workflows of organisations, members and invitations. Views call these; they hold the business
rules.
"""

import hashlib
import math
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser, User
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from assessments import storage
from assessments.mail import enqueue_email, send_email
from assessments.models import (
    Invitation,
    Membership,
    Organisation,
    Profile,
    RateLimitHit,
    Role,
    hash_token,
)
from assessments.validators import safe_local_url

# --- Rate limits ---------------------------------------------------------------------------


def use_allowance(**keys: str) -> None:
    """Count one use of an action against each limit named in `keys` (scope=key, e.g.
    password_reset_address="sam@example.org"), or refuse it with a message if any limit is
    already used up; settings.RATE_LIMITS holds each scope's (count, seconds).

    Each use is written first and counted after, so two app servers at the limit at once both
    see the other's use: the limit can refuse one too many, never allow one too many. A refused
    use is taken back, so it does not lengthen the wait.
    """
    now = timezone.now()
    hits, wait = [], 0.0
    for scope, key in keys.items():
        scope = scope.replace("_", "-")
        limit, seconds = settings.RATE_LIMITS[scope]
        digest = hashlib.sha256(key.strip().lower().encode()).hexdigest()
        hits.append(RateLimitHit.objects.create(scope=scope, key=digest, at=now))
        since = now - timedelta(seconds=seconds)
        # Uses older than the window no longer count: drop them, so the table stays small.
        RateLimitHit.objects.filter(scope=scope, key=digest, at__lte=since).delete()
        recent = RateLimitHit.objects.filter(scope=scope, key=digest, at__gt=since)
        if recent.count() > limit:
            oldest = recent.order_by("at").values_list("at", flat=True).first()
            wait = max(wait, (oldest + timedelta(seconds=seconds) - now).total_seconds())
    if wait:
        RateLimitHit.objects.filter(pk__in=[hit.pk for hit in hits]).delete()
        minutes = max(1, math.ceil(wait / 60))
        raise ValidationError(
            "This has been asked for too many times. Nothing was sent. "
            "Try again in %(minutes)s minute%(plural)s.",
            code="rate-limited",
            params={"minutes": minutes, "plural": "" if minutes == 1 else "s"},
        )


# --- Accounts ------------------------------------------------------------------------------


def _site_link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def create_account(*, email: str, password: str, full_name: str, job_title: str = "") -> User:
    """Create an account for a person: keyed by their email address, with their name and job
    title in their profile."""
    user = User.objects.create_user(username=email, email=email, password=password)
    Profile.objects.create(user=user, full_name=full_name, job_title=job_title)
    return user


SIGNUP_SALT = "assessments.signup"
SIGNUP_VALID_FOR = timedelta(days=3)


def _signup_check(user: User) -> str:
    """Ties a confirmation link to the account's password as it was when the link was sent:
    signing up again with the same address changes the password and kills the older link."""
    return salted_hmac(SIGNUP_SALT, f"{user.pk}:{user.password}", algorithm="sha256").hexdigest()[
        :24
    ]


def register_account(
    *, email: str, password: str, full_name: str, job_title: str = "", next_url: str = ""
) -> None:
    """Sign-up without an invitation: nothing here tells the person signing up whether the
    address has an account. Either way the same page follows and one email is queued:

    - an address with an account gets "you already have an account" with links to log in and to
      reset the password;
    - a new address gets a link to confirm it. The account exists from now, inactive (it cannot
      log in), and is activated when the link is followed, so every address is verified. Signing
      up again before confirming replaces the details and the link.

    The password is hashed in both cases, so both take as long.
    """
    email = email.strip().lower()
    password_hash = make_password(password)
    with transaction.atomic():
        user = (
            User.objects.select_for_update()
            .filter(Q(username__iexact=email) | Q(email__iexact=email))
            .first()
        )
        if user is not None and (user.is_active or user.last_login is not None):
            context = {
                "email": email,
                "login_link": _site_link(reverse("login")),
                "reset_link": _site_link(reverse("password_reset")),
            }
            enqueue_email(
                to=email,
                subject="You already have a Digital Resilience account",
                template="assessments/email/account_exists.txt",
                context=context,
            )
            return
        if user is None:
            user = User(username=email, email=email, is_active=False)
        user.password = password_hash
        user.save()
        Profile.objects.update_or_create(
            user=user, defaults={"full_name": full_name, "job_title": job_title}
        )
        payload = {"u": user.pk, "c": _signup_check(user), "n": safe_local_url(next_url) or ""}
        token = signing.dumps(payload, salt=SIGNUP_SALT, compress=True)
        enqueue_email(
            to=email,
            subject="Confirm your email address for Digital Resilience",
            template="assessments/email/signup_confirm.txt",
            context={
                "full_name": full_name,
                "link": _site_link(reverse("assessments:signup_confirm", args=[token])),
                "valid_days": SIGNUP_VALID_FOR.days,
            },
        )


INVALID_CONFIRMATION = (
    "This confirmation link does not work: it has expired, was replaced by a newer one, or was "
    "not copied whole. Sign up again to get a new link."
)


def find_signup(token: str) -> tuple[User, str]:
    """The account a confirmation link is for, and where to go after (a local path or "").
    A link that is not ours, has expired or was replaced raises ValidationError."""
    try:
        payload = signing.loads(token, salt=SIGNUP_SALT, max_age=SIGNUP_VALID_FOR.total_seconds())
        user = User.objects.get(pk=payload["u"])
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError):
        raise ValidationError(INVALID_CONFIRMATION, code="invalid") from None
    if not user.is_active and not constant_time_compare(payload["c"], _signup_check(user)):
        raise ValidationError(INVALID_CONFIRMATION, code="invalid")
    return user, safe_local_url(payload.get("n")) or ""


@transaction.atomic
def confirm_account(*, user: User) -> bool:
    """Activate an account whose address is now confirmed. False if it was already active."""
    updated = User.objects.filter(pk=user.pk, is_active=False, last_login__isnull=True).update(
        is_active=True
    )
    return bool(updated)


@task
def send_password_reset(*, email: str) -> None:
    """Email a reset link to every active account with this address (run by the task worker).

    The request that asks for it only queues this, whatever the address: whether it has an
    account shows neither in the page nor in how long the page takes.
    """
    users = User.objects.filter(email__iexact=email.strip(), is_active=True)
    base = urlsplit(settings.SITE_URL)
    for user in users:
        if not user.has_usable_password():
            continue
        context = {
            "email": user.email,
            "domain": base.netloc,
            "protocol": base.scheme or "https",
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
            "user": user,
        }
        subject = render_to_string("registration/password_reset_subject.txt", context)
        body = render_to_string("registration/password_reset_email.html", context)
        send_email.call(to=[user.email], subject=subject, body=body)


def request_password_reset(*, email: str) -> None:
    """Queue the reset email, once the request's transaction commits."""
    transaction.on_commit(lambda: send_password_reset.enqueue(email=email))


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
    use_allowance(invitation_organisation=str(organisation.pk), invitation_user=str(invited_by.pk))
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
    link = _site_link(reverse("assessments:accept_invitation", args=[token]))
    enqueue_email(
        to=email,
        subject=f"You are invited to join {organisation} on Digital Resilience",
        template="assessments/email/invitation.txt",
        context={"invitation": invitation, "link": link, "inviter": invited_by},
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


def is_invited_address(invitation: Invitation, user: AbstractBaseUser) -> bool:
    """Whether `user` may accept: an active (so confirmed) account with the invited address.
    The link alone is not enough: it may have been forwarded, or read over a shoulder."""
    email = (getattr(user, "email", "") or "").strip().lower()
    return user.is_active and email == invitation.email.strip().lower()


WRONG_ADDRESS = (
    "This invitation is for another email address. Log in with the account for that address, "
    "or create one with it."
)


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: AbstractBaseUser) -> Membership:
    """Use an invitation: add the membership (or keep an existing one) and spend the link.
    Only the account with the invited address may."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError(UNUSABLE_INVITATION, code="unusable")
    if not is_invited_address(invitation, user):
        raise ValidationError(WRONG_ADDRESS, code="wrong-address")
    membership, _ = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def change_role(*, membership: Membership, role: str) -> Membership:
    """Change a member's role; an organisation always keeps at least one owner. An owner who
    stops being one takes back the invitations they sent that are still waiting: the role they
    offer is no longer theirs to give."""
    members = _lock_members(membership.organisation_id)
    locked = _locked(members, membership)
    if locked.role == Role.OWNER and role != Role.OWNER:
        _ensure_another_owner(members, locked)
        _revoke_invitations_sent_by(locked)
    locked.role = role
    locked.save(update_fields=["role"])
    return locked


@transaction.atomic
def remove_member(*, membership: Membership) -> None:
    """Remove a member (or let them leave); their invitations still waiting are revoked."""
    members = _lock_members(membership.organisation_id)
    locked = _locked(members, membership)
    if locked.role == Role.OWNER:
        _ensure_another_owner(members, locked)
    _revoke_invitations_sent_by(locked)
    locked.delete()


def _lock_members(organisation_id: int) -> list[Membership]:
    """Every membership of the organisation, locked in one fixed order (by id): two owners
    changing each other's role at once then queue behind each other instead of deadlocking,
    and each sees the other's change before counting the owners left."""
    return list(
        Membership.objects.select_for_update()
        .filter(organisation_id=organisation_id)
        .order_by("pk")
    )


def _locked(members: list[Membership], membership: Membership) -> Membership:
    for member in members:
        if member.pk == membership.pk:
            return member
    raise ValidationError(
        "This person is no longer a member: someone else removed them.", code="gone"
    )


def _ensure_another_owner(members: list[Membership], membership: Membership) -> None:
    if not any(m.role == Role.OWNER and m.pk != membership.pk for m in members):
        raise ValidationError(
            "An organisation needs at least one owner. Make someone else an owner first.",
            code="last-owner",
        )


def _revoke_invitations_sent_by(membership: Membership) -> None:
    Invitation.objects.pending().filter(
        organisation_id=membership.organisation_id, invited_by_id=membership.user_id
    ).update(revoked_at=timezone.now())
