"""Creating groups, inviting, accepting, roles, and what organisations share."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from assessments.groups import services
from assessments.models import GroupInvitation, GroupLink, GroupMembership, GroupRole, Sharing
from tests.assessments.groups.factories import make_group


def test_creating_a_group_makes_its_creator_the_owner_and_avoids_reserved_slugs(owner):
    group = services.create_group(user=owner, name="New", kind="trust")

    assert group.slug == "new-2"
    assert group.memberships.get().role == GroupRole.OWNER


def test_an_organisation_invitation_is_emailed_whether_or_not_the_address_has_an_account(
    group, group_owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invite(
            group=group,
            purpose=GroupInvitation.Purpose.ORGANISATION,
            email="Nobody@Unknown.example",
            invited_by=group_owner,
        )

    assert mail.outbox[-1].to == ["nobody@unknown.example"]
    assert "asks to see" in mail.outbox[-1].subject
    assert "/group-invitations/" in mail.outbox[-1].body


def test_inviting_an_address_again_keeps_one_invitation_with_a_fresh_link(group, group_owner):
    kwargs = {
        "group": group,
        "purpose": GroupInvitation.Purpose.MEMBER,
        "email": "new@trust.example",
        "role": GroupRole.VIEWER,
        "invited_by": group_owner,
    }
    first, first_token = services.invite(**kwargs)
    again, token = services.invite(**kwargs)

    assert again.pk == first.pk and token != first_token


def test_inviting_a_member_of_the_group_says_so(group, group_owner, group_viewer):
    with pytest.raises(ValidationError, match="already a member"):
        services.invite(
            group=group,
            purpose=GroupInvitation.Purpose.MEMBER,
            email=group_viewer.email,
            role=GroupRole.VIEWER,
            invited_by=group_owner,
        )


def _organisation_invitation(group, group_owner, email):
    invitation, _ = services.invite(
        group=group,
        purpose=GroupInvitation.Purpose.ORGANISATION,
        email=email,
        invited_by=group_owner,
    )
    return invitation


def test_only_an_owner_of_the_organisation_can_share_it(group, group_owner, organisation, editor):
    invitation = _organisation_invitation(group, group_owner, editor.email)

    with pytest.raises(ValidationError, match="Only an owner"):
        services.accept_organisation_invitation(
            invitation=invitation, user=editor, organisation=organisation, sharing=Sharing.FULL
        )
    assert not GroupLink.objects.exists()


def test_only_the_invited_address_can_accept(group, group_owner, organisation, owner):
    invitation = _organisation_invitation(group, group_owner, "someone.else@example.com")

    with pytest.raises(ValidationError, match="another email address"):
        services.accept_organisation_invitation(
            invitation=invitation, user=owner, organisation=organisation, sharing=Sharing.FULL
        )


def test_accepting_shares_the_organisation_and_spends_the_link(
    group, group_owner, organisation, owner
):
    invitation = _organisation_invitation(group, group_owner, owner.email)

    link = services.accept_organisation_invitation(
        invitation=invitation, user=owner, organisation=organisation, sharing=Sharing.SUMMARY
    )

    assert (link.group, link.organisation, link.sharing) == (group, organisation, "summary")
    invitation.refresh_from_db()
    assert not invitation.is_usable and invitation.organisation == organisation
    with pytest.raises(ValidationError):
        services.accept_organisation_invitation(
            invitation=invitation, user=owner, organisation=organisation, sharing=Sharing.FULL
        )


def test_a_group_keeps_at_least_one_owner(group, group_owner):
    membership = group.memberships.get(user=group_owner)

    with pytest.raises(ValidationError, match="at least one owner"):
        services.change_role(membership=membership, role=GroupRole.VIEWER)
    with pytest.raises(ValidationError, match="at least one owner"):
        services.remove_member(membership=membership)
    assert GroupMembership.objects.get(pk=membership.pk).role == GroupRole.OWNER


def test_changing_and_stopping_sharing(full_link, owner):
    link = services.change_sharing(link=full_link, sharing=Sharing.SUMMARY, user=owner)

    assert GroupLink.objects.get(pk=link.pk).sharing == Sharing.SUMMARY
    services.stop_sharing(link=link)
    assert not GroupLink.objects.filter(pk=link.pk).exists()


def test_declining_and_revoking_stop_the_link(group, group_owner):
    invitation = _organisation_invitation(group, group_owner, "a@example.com")
    services.decline_invitation(invitation=invitation)
    other = _organisation_invitation(make_group(group_owner, "Second"), group_owner, "b@x.example")
    services.revoke_invitation(invitation=other)

    invitation.refresh_from_db()
    other.refresh_from_db()
    assert invitation.status == "declined" and other.status == "revoked"


def test_a_group_invites_more_organisations_an_hour_than_an_organisation_invites_people(
    group, group_owner, settings
):
    """A local authority invites all its schools at once: the organisations' limit of 20 an hour
    does not apply; the group's own limit does."""
    settings.RATE_LIMITS = settings.RATE_LIMITS | {
        "invitation-organisation": (1, 3600),
        "invitation-user": (1, 3600),
        "invitation-group": (4, 3600),  # the group fixture's invitation of its viewer is one
    }
    for school in range(3):
        services.invite(
            group=group,
            purpose=GroupInvitation.Purpose.ORGANISATION,
            email=f"head{school}@school.example",
            invited_by=group_owner,
        )

    with pytest.raises(ValidationError) as refused:
        services.invite(
            group=group,
            purpose=GroupInvitation.Purpose.ORGANISATION,
            email="head3@school.example",
            invited_by=group_owner,
        )

    assert refused.value.code == "rate-limited"
    assert group.invitations.filter(purpose=GroupInvitation.Purpose.ORGANISATION).count() == 3
