"""Helpers shared by the group tests (and the organisation's side of the tenancy matrix): groups
and what organisations share with them, made through the services, as the app makes them."""

from itertools import count

from django.contrib.auth.models import User

from assessments.groups import services
from assessments.models import Group, GroupInvitation, GroupLink, GroupRole, Organisation, Sharing

_numbers = count(1)


def make_group(owner: User, name: str = "Riverside Learning Trust") -> Group:
    return services.create_group(user=owner, name=name, kind=Group.Kind.TRUST)


def add_group_member(group: Group, user: User, role: str = GroupRole.VIEWER) -> None:
    """`user` joins `group` through an invitation from its first owner."""
    owner = group.memberships.filter(role=GroupRole.OWNER).first().user
    invitation, _ = services.invite(
        group=group,
        purpose=GroupInvitation.Purpose.MEMBER,
        email=user.email,
        role=role,
        invited_by=owner,
    )
    services.accept_member_invitation(invitation=invitation, user=user)


def share(
    group: Group, organisation: Organisation, owner: User, sharing: str = Sharing.SUMMARY
) -> GroupLink:
    """The group invites `owner` (an owner of `organisation`), who shares it at `sharing`."""
    group_owner = group.memberships.filter(role=GroupRole.OWNER).first().user
    invitation, _ = services.invite(
        group=group,
        purpose=GroupInvitation.Purpose.ORGANISATION,
        email=owner.email,
        invited_by=group_owner,
    )
    return services.accept_organisation_invitation(
        invitation=invitation, user=owner, organisation=organisation, sharing=sharing
    )


def shared_group(organisation: Organisation, owner: User, sharing: str = Sharing.FULL) -> Group:
    """A new group, owned by someone outside the organisation, that `organisation` shares with."""
    number = next(_numbers)
    email = f"trust-owner{number}@trust.example"
    group_owner = User.objects.create_user(username=email, email=email, password="x")
    group = make_group(group_owner, name=f"Trust {number}")
    share(group, organisation, owner, sharing)
    return group
