"""Every group test starts from a trust with an owner and a viewer, and two schools that share
with it: Hillside Academy (the `organisation` fixture) its full report, and Oakfield Primary
School only a summary. Both have completed an assessment whose answers, actions and notes hold
MARKER, so a test can look for it in whatever the group sees."""

from datetime import date, datetime

import pytest
from django.contrib.auth.models import User

from assessments.models import (
    Action,
    ActionUpdate,
    Assessment,
    Group,
    GroupLink,
    GroupRole,
    Organisation,
    Sharing,
)
from tests.assessments.factories import complete, fill
from tests.assessments.groups.factories import add_group_member, make_group, share

MARKER = "ZQX-PRIVATE-ANSWER"


@pytest.fixture
def group_owner(make_user) -> User:
    return make_user("head@trust.example", full_name="Hana Head")


@pytest.fixture
def group_viewer(make_user) -> User:
    return make_user("viewer@trust.example", full_name="Vic Viewer")


@pytest.fixture
def nobody(make_user) -> User:
    """Signed in, but a member of no organisation and no group."""
    return make_user("nobody@nowhere.example")


@pytest.fixture
def group(group_owner, group_viewer) -> Group:
    group = make_group(group_owner)
    add_group_member(group, group_viewer, GroupRole.VIEWER)
    return group


@pytest.fixture
def complete_with_marker(make_assessment):
    """Complete an assessment of `organisation` by `user`, every text holding MARKER, with a
    progress note on one of its actions."""

    def make(organisation: Organisation, user: User, *, on: datetime | None = None) -> Assessment:
        assessment = make_assessment(organisation=organisation, user=user, title="Annual review")
        fill(
            assessment,
            current_practice=f"{MARKER} practice",
            next_steps=f"{MARKER} next step",
            action_owner=f"{MARKER} owner",
            target_date=date(2020, 1, 31),
        )
        assessment.checklist_answers.update(comment=f"{MARKER} comment")
        assessment = complete(assessment, user, on=on)
        Assessment.objects.filter(pk=assessment.pk).update(board_findings=f"{MARKER} findings")
        action = Action.objects.filter(assessment=assessment).first()
        ActionUpdate.objects.create(action=action, user=user, status=action.status, note=MARKER)
        return assessment

    return make


@pytest.fixture
def full_link(group, organisation, owner, complete_with_marker) -> GroupLink:
    """Hillside Academy shares its full report, and has completed an assessment."""
    complete_with_marker(organisation, owner)
    return share(group, organisation, owner, Sharing.FULL)


@pytest.fixture
def summary_owner(make_user) -> User:
    return make_user("head@oakfield.example")


@pytest.fixture
def summary_link(group, make_organisation, summary_owner, complete_with_marker) -> GroupLink:
    """Oakfield Primary School shares only a summary, and has completed an assessment."""
    oakfield = make_organisation(summary_owner, name="Oakfield Primary School")
    complete_with_marker(oakfield, summary_owner)
    return share(group, oakfield, summary_owner, Sharing.SUMMARY)
