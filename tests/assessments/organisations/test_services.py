import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from assessments.models import (
    Invitation,
    Membership,
    Organisation,
    Profile,
    RateLimitHit,
    Role,
    display_name,
    hash_token,
)
from assessments.organisations import queries as organisation_queries
from assessments.organisations import services as organisation_services


def test_create_organisation_makes_creator_owner(make_organisation, owner):
    organisation = make_organisation(owner, name="Hillside Academy")

    assert organisation.slug == "hillside-academy"
    assert organisation.nations == ["england"]
    membership = Membership.objects.get(organisation=organisation)
    assert (membership.user, membership.role) == (owner, Role.OWNER)


def test_create_organisation_gives_a_free_slug(make_organisation, owner, editor):
    make_organisation(owner, name="Hillside Academy")

    second = make_organisation(editor, name="Hillside  Academy!")

    assert second.slug == "hillside-academy-2"


def test_create_organisation_avoids_slugs_of_fixed_urls(make_organisation, owner):
    organisation = make_organisation(owner, name="New")

    assert organisation.slug == "new-2"


def test_update_organisation_keeps_slug(organisation):
    organisation_services.update_organisation(
        organisation=organisation, name="Hillside Learning Trust", nations=["wales"]
    )

    organisation.refresh_from_db()
    assert organisation.name == "Hillside Learning Trust"
    assert organisation.nations == ["wales"]
    assert organisation.slug == "hillside-academy"


def test_invite_member_stores_only_a_hash_and_emails_the_link(
    organisation, owner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = organisation_services.invite_member(
            organisation=organisation,
            email=" New@Hillside.example ",
            role=Role.VIEWER,
            invited_by=owner,
        )

    assert invitation.email == "new@hillside.example"
    assert invitation.token_hash == hash_token(token)
    assert invitation.is_usable
    assert invitation.expires_at - timezone.now() > timedelta(days=6, hours=23)
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert mailoutbox[0].to == ["new@hillside.example"]
    assert reverse("assessments:accept_invitation", args=[token]) in body
    assert "owner@hillside.example has invited you to join Hillside Academy" in body
    assert "as viewer" in body


def test_invite_member_refuses_existing_member(organisation, owner, mailoutbox):
    with pytest.raises(ValidationError, match="already a member"):
        organisation_services.invite_member(
            organisation=organisation,
            email="Editor@Hillside.example",
            role=Role.VIEWER,
            invited_by=owner,
        )

    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_invite_member_sends_no_email_when_the_transaction_rolls_back(
    organisation, owner, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        organisation_services.invite_member(
            organisation=organisation,
            email="new@hillside.example",
            role=Role.VIEWER,
            invited_by=owner,
        )
        raise RuntimeError("something later in the same transaction failed")

    assert callbacks == []
    assert mailoutbox == []
    assert not Invitation.objects.exists()


def test_inviting_the_same_address_again_resends_the_first_invitation(
    organisation, owner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, old_token = organisation_services.invite_member(
            organisation=organisation,
            email="new@hillside.example",
            role=Role.VIEWER,
            invited_by=owner,
        )
    Invitation.objects.filter(pk=first.pk).update(expires_at=timezone.now() + timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        again, new_token = organisation_services.invite_member(
            organisation=organisation,
            email="NEW@hillside.example",
            role=Role.EDITOR,
            invited_by=owner,
        )

    assert Invitation.objects.get().pk == first.pk == again.pk
    assert again.role == Role.EDITOR
    assert again.expires_at - timezone.now() > timedelta(days=6, hours=23)
    assert organisation_queries.find_invitation(old_token) is None
    assert organisation_queries.find_invitation(new_token).pk == first.pk
    assert [message.to for message in mailoutbox] == [["new@hillside.example"]] * 2
    assert reverse("assessments:accept_invitation", args=[new_token]) in mailoutbox[1].body


def test_inviting_again_after_acceptance_makes_a_new_invitation(organisation, owner, outsider):
    first, _ = organisation_services.invite_member(
        organisation=organisation,
        email="someone@elsewhere.example",
        role=Role.VIEWER,
        invited_by=owner,
    )
    organisation_services.accept_invitation(invitation=first, user=outsider)
    organisation_services.remove_member(membership=organisation.memberships.get(user=outsider))

    second, _ = organisation_services.invite_member(
        organisation=organisation,
        email="someone@elsewhere.example",
        role=Role.VIEWER,
        invited_by=owner,
    )

    assert second.pk != first.pk
    assert second.is_usable


def test_find_invitation_by_token(organisation, owner):
    invitation, token = organisation_services.invite_member(
        organisation=organisation, email="new@hillside.example", role=Role.EDITOR, invited_by=owner
    )

    assert organisation_queries.find_invitation(token) == invitation
    assert organisation_queries.find_invitation("not-a-token") is None


def test_accept_invitation_adds_membership_once(organisation, owner, invitee):
    invitation, _ = organisation_services.invite_member(
        organisation=organisation, email="new@hillside.example", role=Role.VIEWER, invited_by=owner
    )

    membership = organisation_services.accept_invitation(invitation=invitation, user=invitee)

    assert (membership.organisation, membership.role) == (organisation, Role.VIEWER)
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee
    with pytest.raises(ValidationError):
        organisation_services.accept_invitation(invitation=invitation, user=invitee)


def test_accept_invitation_refuses_expired(organisation, owner, outsider):
    invitation, _ = organisation_services.invite_member(
        organisation=organisation, email="new@hillside.example", role=Role.VIEWER, invited_by=owner
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())

    with pytest.raises(ValidationError):
        organisation_services.accept_invitation(invitation=invitation, user=outsider)

    assert not organisation.memberships.filter(user=outsider).exists()


def test_accept_invitation_keeps_existing_role(organisation, owner, invitee):
    invitation, _ = organisation_services.invite_member(
        organisation=organisation, email="new@hillside.example", role=Role.OWNER, invited_by=owner
    )
    organisation.memberships.create(user=invitee, role=Role.VIEWER)  # joined another way since

    membership = organisation_services.accept_invitation(invitation=invitation, user=invitee)

    assert membership.role == Role.VIEWER


def test_accept_invitation_needs_the_invited_address(organisation, owner, outsider, make_user):
    invitation, _ = organisation_services.invite_member(
        organisation=organisation, email="new@hillside.example", role=Role.OWNER, invited_by=owner
    )
    unconfirmed = make_user("New@Hillside.example")
    unconfirmed.username = "new-unconfirmed"
    unconfirmed.is_active = False
    unconfirmed.save()

    for user in (outsider, unconfirmed):
        with pytest.raises(ValidationError, match="another email address"):
            organisation_services.accept_invitation(invitation=invitation, user=user)

    assert not organisation.memberships.filter(user__in=[outsider, unconfirmed]).exists()
    invitation.refresh_from_db()
    assert invitation.is_usable


def test_change_role(organisation, editor):
    membership = organisation.memberships.get(user=editor)

    organisation_services.change_role(membership=membership, role=Role.OWNER)

    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_change_role_keeps_last_owner(organisation, owner):
    membership = organisation.memberships.get(user=owner)

    with pytest.raises(ValidationError, match="at least one owner"):
        organisation_services.change_role(membership=membership, role=Role.EDITOR)

    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_change_role_of_owner_when_another_owner_exists(organisation, owner, editor):
    organisation.memberships.filter(user=editor).update(role=Role.OWNER)
    membership = organisation.memberships.get(user=owner)

    organisation_services.change_role(membership=membership, role=Role.VIEWER)

    membership.refresh_from_db()
    assert membership.role == Role.VIEWER


def test_remove_member(organisation, viewer):
    organisation_services.remove_member(membership=organisation.memberships.get(user=viewer))

    assert not organisation.memberships.filter(user=viewer).exists()


def test_remove_member_keeps_last_owner(organisation, owner):
    with pytest.raises(ValidationError, match="at least one owner"):
        organisation_services.remove_member(membership=organisation.memberships.get(user=owner))

    assert organisation.memberships.filter(user=owner, role=Role.OWNER).exists()


def test_organisation_belongs_to_several_users_and_users_to_several(organisation, outsider, editor):
    elsewhere = Organisation.objects.get(name="Elsewhere Trust")
    elsewhere.memberships.create(user=editor, role=Role.VIEWER)

    assert set(Organisation.objects.filter(memberships__user=editor)) == {organisation, elsewhere}


def test_create_account_keys_by_email_with_a_profile(db):
    user = organisation_services.create_account(
        email="sam@school.example",
        password="correct-horse-battery-staple",
        full_name="Sam Patel",
        job_title="Head",
    )

    assert (user.username, user.email) == ("sam@school.example", "sam@school.example")
    assert user.check_password("correct-horse-battery-staple")
    assert (user.profile.full_name, user.profile.job_title) == ("Sam Patel", "Head")
    assert display_name(user) == "Sam Patel"


def test_update_profile_gives_an_older_account_a_profile(owner):
    assert display_name(owner) == "owner@hillside.example"

    organisation_services.update_profile(user=owner, full_name="Olu Owner", job_title="")
    organisation_services.update_profile(user=owner, full_name="Olu Owner", job_title="Head")

    assert Profile.objects.get(user=owner).job_title == "Head"
    assert display_name(User.objects.get(pk=owner.pk)) == "Olu Owner"


@pytest.fixture
def invitation(organisation, owner) -> Invitation:
    invitation, _ = organisation_services.invite_member(
        organisation=organisation, email="new@hillside.example", role=Role.VIEWER, invited_by=owner
    )
    return invitation


def test_revoke_invitation_stops_it_being_used(invitation, outsider):
    organisation_services.revoke_invitation(invitation=invitation)

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    assert not Invitation.objects.pending().exists()
    with pytest.raises(ValidationError):
        organisation_services.accept_invitation(invitation=invitation, user=outsider)


def test_revoke_invitation_refuses_an_accepted_one(invitation, invitee):
    organisation_services.accept_invitation(invitation=invitation, user=invitee)

    with pytest.raises(ValidationError, match="already accepted"):
        organisation_services.revoke_invitation(invitation=invitation)


def test_decline_invitation_once(invitation, outsider):
    organisation_services.decline_invitation(invitation=invitation)

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    with pytest.raises(ValidationError):
        organisation_services.decline_invitation(invitation=invitation)
    with pytest.raises(ValidationError):
        organisation_services.accept_invitation(invitation=invitation, user=outsider)


def test_resend_invitation_rotates_the_link_of_the_same_invitation(invitation, owner, editor):
    again, token = organisation_services.resend_invitation(invitation=invitation, invited_by=editor)

    assert again.pk == invitation.pk
    assert again.invited_by == editor
    assert organisation_queries.find_invitation(token).pk == invitation.pk
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize("undo", ["decline_invitation", "revoke_invitation"])
def test_inviting_again_after_a_decline_or_revocation_reopens_the_invitation(
    invitation, owner, undo
):
    getattr(organisation_services, undo)(invitation=invitation)

    again, _ = organisation_services.resend_invitation(invitation=invitation, invited_by=owner)

    assert again.pk == invitation.pk
    assert again.is_usable
    assert (again.declined_at, again.revoked_at) == (None, None)


def test_invitation_email_names_the_inviter_and_the_address_to_sign_up_with(
    organisation, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    jo = make_user("jo@hillside.example", full_name="Jo Bloggs")
    organisation.memberships.create(user=jo, role=Role.OWNER)

    with django_capture_on_commit_callbacks(execute=True):
        organisation_services.invite_member(
            organisation=organisation, email="new@hillside.example", role=Role.EDITOR, invited_by=jo
        )

    body = mailoutbox[0].body
    assert "Jo Bloggs has invited you to join Hillside Academy" in body
    assert "create one on the way, with this email address" in body


# --- Invitations of owners who step down, rate limits and subjects ---------------------------


def invite(organisation: Organisation, email: str, by: User) -> Invitation:
    invitation, _ = organisation_services.invite_member(
        organisation=organisation, email=email, role=Role.OWNER, invited_by=by
    )
    return invitation


def test_an_owner_who_is_demoted_loses_the_invitations_they_sent(organisation, owner, editor):
    organisation_services.change_role(
        membership=organisation.memberships.get(user=editor), role=Role.OWNER
    )
    theirs = invite(organisation, "a@hillside.example", editor)
    accepted = invite(organisation, "b@hillside.example", editor)
    Invitation.objects.filter(pk=accepted.pk).update(accepted_at=timezone.now())
    others = invite(organisation, "c@hillside.example", owner)

    organisation_services.change_role(
        membership=organisation.memberships.get(user=editor), role=Role.EDITOR
    )

    statuses = {i.email: i.status for i in Invitation.objects.all()}
    assert statuses == {
        "a@hillside.example": Invitation.Status.REVOKED,
        "b@hillside.example": Invitation.Status.ACCEPTED,
        "c@hillside.example": Invitation.Status.PENDING,
    }
    assert theirs.pk != others.pk


def test_a_member_who_leaves_loses_the_invitations_they_sent(organisation, owner, editor):
    organisation_services.change_role(
        membership=organisation.memberships.get(user=editor), role=Role.OWNER
    )
    invite(organisation, "a@hillside.example", editor)

    organisation_services.remove_member(membership=organisation.memberships.get(user=editor))

    assert Invitation.objects.get().status == Invitation.Status.REVOKED


def test_changing_the_role_of_someone_removed_meanwhile_is_a_clear_error(organisation, editor):
    membership = organisation.memberships.get(user=editor)
    Membership.objects.filter(pk=membership.pk).delete()

    with pytest.raises(ValidationError, match="no longer a member"):
        organisation_services.change_role(membership=membership, role=Role.VIEWER)


def test_invitations_per_organisation_are_limited(organisation, owner, settings, mailoutbox):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"invitation-organisation": (2, 3600)}
    invite(organisation, "a@hillside.example", owner)
    invite(organisation, "b@hillside.example", owner)

    with pytest.raises(ValidationError, match="too many times. Nothing was sent") as refused:
        invite(organisation, "c@hillside.example", owner)

    assert refused.value.code == "rate-limited"
    assert not Invitation.objects.filter(email="c@hillside.example").exists()


def test_invitations_per_user_are_limited_across_organisations(
    organisation, owner, make_organisation, settings
):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"invitation-user": (2, 3600)}
    other = make_organisation(owner, name="Owner's Other Trust")
    invite(organisation, "a@hillside.example", owner)
    invite(other, "b@hillside.example", owner)

    with pytest.raises(ValidationError, match="Try again in 60 minutes"):
        invite(other, "c@hillside.example", owner)


def test_a_refused_use_does_not_count_and_the_limit_frees_up_after_its_hour(
    organisation, owner, settings
):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"invitation-organisation": (1, 3600)}
    invite(organisation, "a@hillside.example", owner)
    for _ in range(3):
        with pytest.raises(ValidationError):
            invite(organisation, "b@hillside.example", owner)
    assert RateLimitHit.objects.filter(scope="invitation-organisation").count() == 1

    RateLimitHit.objects.update(at=timezone.now() - timedelta(minutes=61))

    assert invite(organisation, "b@hillside.example", owner).is_usable


def test_rate_limits_keep_no_email_address(organisation, owner):
    organisation_services.use_allowance(password_reset_address="sam@hillside.example")

    hit = RateLimitHit.objects.get()
    assert "sam" not in hit.key
    assert len(hit.key) == 64


def test_invitation_subject_is_one_line_even_for_a_name_saved_with_a_line_break(
    organisation, owner, mailoutbox, django_capture_on_commit_callbacks
):
    Organisation.objects.filter(pk=organisation.pk).update(name="Hillside\r\nAcademy\u202e")
    organisation.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        invite(organisation, "a@hillside.example", owner)

    assert mailoutbox[0].subject == "You are invited to join Hillside Academy on Digital Resilience"


# --- Two owners changing each other's role at once (PostgreSQL) ------------------------------


def _demote(membership: Membership, barrier: threading.Barrier, outcomes: list[str]) -> None:
    """In a thread of its own: make `membership` an editor once the other thread is ready."""
    try:
        barrier.wait(timeout=10)
        organisation_services.change_role(membership=membership, role=Role.EDITOR)
        outcomes.append("changed")
    except ValidationError as error:
        outcomes.append(error.code)
    except Exception as error:  # a deadlock or anything else: the test reports it
        outcomes.append(repr(error))
    finally:
        connections.close_all()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and deadlocks need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_two_owners_demoting_each_other_at_once_never_deadlock_nor_leave_no_owner(
    make_organisation, make_user
):
    first, second = make_user("first@hillside.example"), make_user("second@hillside.example")
    organisation = make_organisation(first)
    organisation.memberships.create(user=second, role=Role.OWNER)
    for _ in range(10):
        Membership.objects.filter(organisation=organisation).update(role=Role.OWNER)
        members = list(organisation.memberships.order_by("pk"))
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        # Each demotes the other, in the opposite order of their ids.
        threads = [
            threading.Thread(target=_demote, args=(m, barrier, outcomes)) for m in reversed(members)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        assert sorted(outcomes) == ["changed", "last-owner"]
        assert organisation.memberships.filter(role=Role.OWNER).count() == 1
