import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Invitation, Membership, Organisation, Role
from assessments.organisations import services as organisation_services

ORGANISATION_DATA = {
    "name": "Riverside Youth Club",
    "kind": Organisation.Kind.CHARITY,
    "nations": ["scotland", "wales"],
    "age_groups": ["11-13", "14-17"],
    "additional_vulnerabilities": "True",
}


def members_url(organisation: Organisation) -> str:
    return reverse("assessments:members", args=[organisation.slug])


def invite(client, organisation: Organisation, email: str, role: str = Role.EDITOR):
    # The email leaves when the invitation commits; run those callbacks as a real request would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("assessments:member_invite", args=[organisation.slug]),
            {"email": email, "role": role},
        )


def invitation_path(mailoutbox) -> str:
    return re.search(r"https?://[^/\s]+(/invitations/\S+/)", mailoutbox[-1].body).group(1)


# --- Your organisations ----------------------------------------------------------------------


def test_home_lists_organisations_with_roles(client, organisation, outsider, editor):
    Organisation.objects.get(name="Elsewhere Trust").memberships.create(
        user=editor, role=Role.VIEWER
    )
    client.force_login(editor)

    html = client.get(reverse("assessments:home")).content.decode()

    assert "Hillside Academy" in html
    assert "You are editor" in html
    assert "Elsewhere Trust" in html
    assert "You are viewer" in html
    assert f'href="{reverse("assessments:organisation_create")}"' in html


def test_home_with_one_organisation_goes_to_its_dashboard(client, organisation, owner):
    client.force_login(owner)

    response = client.get(reverse("assessments:home"))

    assert response.url == reverse("assessments:dashboard", args=[organisation.slug])


def test_home_without_organisations_offers_to_create_one(client, make_user):
    client.force_login(make_user("new@school.example"))

    html = client.get(reverse("assessments:home")).content.decode()

    assert "You are not a member of an organisation yet." in html
    assert f'href="{reverse("assessments:organisation_create")}">Create an organisation' in html


@pytest.mark.django_db
def test_home_asks_anonymous_users_to_log_in(client):
    response = client.get(reverse("assessments:home"))

    assert response.url == f"{reverse('login')}?next={reverse('assessments:home')}"


def test_switcher_lists_all_organisations_and_marks_the_current_one(
    client, organisation, outsider, editor
):
    elsewhere = Organisation.objects.get(name="Elsewhere Trust")
    elsewhere.memberships.create(user=editor, role=Role.VIEWER)
    client.force_login(editor)

    html = client.get(members_url(elsewhere)).content.decode()

    assert f'href="{organisation.get_absolute_url()}">Hillside Academy</a>' in html
    assert (
        f'href="{elsewhere.get_absolute_url()}" aria-current="true" class="fw-bold">'
        "Elsewhere Trust</a>"
    ) in html


# --- Creating and editing an organisation ----------------------------------------------------


def test_create_organisation_makes_user_owner_and_opens_dashboard(client, make_user):
    user = make_user("new@riverside.example")
    client.force_login(user)

    response = client.post(reverse("assessments:organisation_create"), ORGANISATION_DATA)

    organisation = Organisation.objects.get(name="Riverside Youth Club")
    assert response.url == reverse("assessments:dashboard", args=[organisation.slug])
    assert organisation.kind == Organisation.Kind.CHARITY
    assert organisation.nations == ["scotland", "wales"]
    assert organisation.age_groups == ["11-13", "14-17"]
    assert organisation.additional_vulnerabilities is True
    assert Membership.objects.get(organisation=organisation).role == Role.OWNER


def test_create_organisation_page_asks_without_preselected_answers(client, make_user):
    client.force_login(make_user("new@riverside.example"))

    html = client.get(reverse("assessments:organisation_create")).content.decode()

    assert "checked" not in html
    legends = re.findall(r"<fieldset[^>]*>\s*<legend[^>]*>\s*([^<*]+)", html)
    assert [legend.strip() for legend in legends] == [
        "What type of organisation is it?",
        "Which UK nations do you work in?",
        "Which age groups do you work with?",
        "Do you work with people with additional vulnerabilities?",
    ]
    for field in ("name", "kind", "nations", "age_groups", "additional_vulnerabilities"):
        assert f'id="id_{field}_helptext"' in html


def test_create_organisation_errors_keep_typed_values_and_show_summary(client, make_user):
    client.force_login(make_user("new@riverside.example"))

    response = client.post(
        reverse("assessments:organisation_create"),
        {"name": "Riverside Youth Club", "nations": ["wales"]},
    )

    html = response.content.decode()
    assert not Organisation.objects.filter(name="Riverside Youth Club").exists()
    assert "<title>Error: Create your organisation" in html
    assert "There is a problem" in html
    assert '<a class="alert-link" href="#id_kind_0">Select the type of organisation</a>' in html
    assert 'href="#id_age_groups_0">Select at least one age group</a>' in html
    assert 'href="#id_additional_vulnerabilities_0">' in html
    assert 'href="#id_nations_0"' not in html
    assert 'value="Riverside Youth Club"' in html
    assert re.search(r'value="wales"\s+[^>]*checked', html)


def test_create_organisation_requires_login(client, db):
    response = client.get(reverse("assessments:organisation_create"))

    assert response.url.startswith(reverse("login"))


def test_owner_edits_settings(client, organisation, owner):
    client.force_login(owner)
    url = reverse("assessments:organisation_update", args=[organisation.slug])
    assert 'value="Hillside Academy"' in client.get(url).content.decode()

    response = client.post(url, ORGANISATION_DATA | {"additional_vulnerabilities": "False"})

    organisation.refresh_from_db()
    assert response.url == organisation.get_absolute_url()
    assert organisation.name == "Riverside Youth Club"
    assert organisation.nations == ["scotland", "wales"]
    assert organisation.additional_vulnerabilities is False
    assert organisation.slug == "hillside-academy"


def test_settings_with_errors_keep_the_saved_name_in_title_and_breadcrumb(
    client, organisation, owner
):
    client.force_login(owner)
    url = reverse("assessments:organisation_update", args=[organisation.slug])
    data = ORGANISATION_DATA | {"name": "Renamed but invalid", "nations": ["atlantis"]}

    response = client.post(url, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Settings of Hillside Academy" in html
    breadcrumb = re.search(r'<nav aria-label="[Bb]readcrumb.*?</nav>', html, re.S).group(0)
    assert "Hillside Academy" in breadcrumb
    assert "Renamed but invalid" not in breadcrumb
    assert 'value="Renamed but invalid"' in html  # what was typed stays in the form
    organisation.refresh_from_db()
    assert organisation.name == "Hillside Academy"


@pytest.mark.parametrize(
    ("user_fixture", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)]
)
def test_only_owners_edit_settings(client, organisation, request, user_fixture, status):
    client.force_login(request.getfixturevalue(user_fixture))
    url = reverse("assessments:organisation_update", args=[organisation.slug])

    assert client.get(url).status_code == status
    assert client.post(url, ORGANISATION_DATA).status_code == status
    organisation.refresh_from_db()
    assert organisation.name == "Hillside Academy"


# --- Members ---------------------------------------------------------------------------------


def test_every_member_sees_the_members_with_roles(client, organisation, viewer):
    client.force_login(viewer)

    html = client.get(members_url(organisation)).content.decode()

    assert "owner@hillside.example" in html
    assert "editor@hillside.example" in html
    assert "viewer@hillside.example</td>" not in html  # marked as "(you)"
    assert "viewer@hillside.example <span" in html
    assert "Invite a colleague" not in html
    assert "Change role" not in html


def test_owner_sees_invite_form_and_member_controls(client, organisation, owner):
    client.force_login(owner)

    html = client.get(members_url(organisation)).content.decode()

    assert "Invite a colleague" in html
    assert html.count(">Change role<") == 3
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>\s*Role", html)


def test_outsider_cannot_see_members(client, organisation, outsider):
    client.force_login(outsider)

    assert client.get(members_url(organisation)).status_code == 404


def test_members_page_queries_do_not_grow_with_members(
    client, organisation, owner, make_user, django_assert_num_queries
):
    client.force_login(owner)
    client.get(members_url(organisation))  # not counted: the first read
    with CaptureQueriesContext(connection) as three_members:
        client.get(members_url(organisation))
    for number in range(5):
        organisation.memberships.create(user=make_user(f"member{number}@hillside.example"))

    with django_assert_num_queries(len(three_members)):
        response = client.get(members_url(organisation))

    assert "member4@hillside.example" in response.content.decode()


def test_owner_invites_by_email(client, organisation, owner, mailoutbox):
    client.force_login(owner)

    response = invite(client, organisation, "New.Colleague@Hillside.example", Role.VIEWER)

    assert response.url == members_url(organisation)
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("new.colleague@hillside.example", Role.VIEWER)
    assert mailoutbox[0].to == ["new.colleague@hillside.example"]
    assert "/invitations/" in mailoutbox[0].body
    html = client.get(members_url(organisation)).content.decode()
    assert "new.colleague@hillside.example" in html
    assert "Invitations waiting to be accepted" in html


def test_invite_errors_keep_typed_values(client, organisation, owner, mailoutbox):
    client.force_login(owner)

    response = invite(client, organisation, "editor@hillside.example", Role.OWNER)

    html = response.content.decode()
    assert "<title>Error: Members of Hillside Academy" in html
    assert 'href="#id_email">editor@hillside.example is already a member' in html
    assert 'value="editor@hillside.example"' in html
    assert re.search(r'value="owner"\s+[^>]*checked', html)
    assert not Invitation.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("user_fixture", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)]
)
def test_only_owners_invite(client, organisation, request, user_fixture, status, mailoutbox):
    client.force_login(request.getfixturevalue(user_fixture))

    assert invite(client, organisation, "new@hillside.example").status_code == status
    assert not Invitation.objects.exists()


def test_owner_changes_a_role(client, organisation, owner, editor):
    client.force_login(owner)
    member = organisation.memberships.get(user=editor)

    response = client.post(
        reverse("assessments:member_role", args=[organisation.slug, member.pk]),
        {"role": Role.VIEWER},
    )

    member.refresh_from_db()
    assert member.role == Role.VIEWER
    assert "editor@hillside.example is now Viewer." in client.get(response.url).content.decode()


def test_editor_cannot_change_roles(client, organisation, editor, viewer):
    client.force_login(editor)
    member = organisation.memberships.get(user=viewer)

    response = client.post(
        reverse("assessments:member_role", args=[organisation.slug, member.pk]),
        {"role": Role.OWNER},
    )

    assert response.status_code == 403
    member.refresh_from_db()
    assert member.role == Role.VIEWER


def test_last_owner_cannot_be_demoted(client, organisation, owner):
    client.force_login(owner)
    member = organisation.memberships.get(user=owner)

    response = client.post(
        reverse("assessments:member_role", args=[organisation.slug, member.pk]),
        {"role": Role.EDITOR},
        follow=True,
    )

    assert "An organisation needs at least one owner." in response.content.decode()
    member.refresh_from_db()
    assert member.role == Role.OWNER


def test_last_owner_cannot_be_removed(client, organisation, owner):
    client.force_login(owner)
    member = organisation.memberships.get(user=owner)

    response = client.post(
        reverse("assessments:member_remove", args=[organisation.slug, member.pk]), follow=True
    )

    assert "An organisation needs at least one owner." in response.content.decode()
    assert organisation.memberships.filter(pk=member.pk, role=Role.OWNER).exists()


def test_owner_removes_a_member_after_confirming(client, organisation, owner, editor):
    client.force_login(owner)
    member = organisation.memberships.get(user=editor)
    url = reverse("assessments:member_remove", args=[organisation.slug, member.pk])

    confirm = client.get(url)
    assert "Remove editor@hillside.example from Hillside Academy?" in confirm.content.decode()
    assert organisation.memberships.filter(pk=member.pk).exists()

    response = client.post(url, follow=True)

    assert not organisation.memberships.filter(pk=member.pk).exists()
    assert "editor@hillside.example has been removed." in response.content.decode()


@pytest.mark.parametrize("action", ["member_role", "member_remove"])
def test_membership_of_another_organisation_is_not_found(
    client, organisation, owner, outsider, action
):
    client.force_login(owner)
    foreign = Membership.objects.get(user=outsider)

    response = client.post(
        reverse(f"assessments:{action}", args=[organisation.slug, foreign.pk]),
        {"role": Role.VIEWER},
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.role == Role.OWNER


# --- Invitations -----------------------------------------------------------------------------


@pytest.fixture
def invitation_url(client, organisation, owner, mailoutbox) -> str:
    """An invitation to join as viewer, sent to new@hillside.example by the owner."""
    client.force_login(owner)
    invite(client, organisation, "new@hillside.example", Role.VIEWER)
    client.logout()
    return invitation_path(mailoutbox)


def test_invitation_offers_anonymous_users_login_and_signup(client, invitation_url):
    html = client.get(invitation_url).content.decode()

    assert "Join Hillside Academy" in html
    assert f'href="{reverse("login")}?next={invitation_url}">Log in</a>' in html
    assert f'href="{reverse("assessments:signup")}?next={invitation_url}">Create an account' in html
    assert "Accept invitation" not in html


def test_invitation_shows_organisation_role_and_invited_address(client, invitation_url, outsider):
    client.force_login(outsider)

    html = client.get(invitation_url).content.decode()

    assert "Hillside Academy" in html
    assert "Viewer" in html
    assert "This invitation was sent to <strong" in html
    assert "new@hillside.example" in html
    assert "Accept invitation</button>" in html


def test_accepting_invitation_adds_membership_and_opens_dashboard(
    client, organisation, invitation_url, outsider
):
    client.force_login(outsider)

    response = client.post(invitation_url)

    assert response.url == reverse("assessments:dashboard", args=[organisation.slug])
    assert organisation.memberships.get(user=outsider).role == Role.VIEWER


def test_invitation_link_works_once(client, organisation, invitation_url, outsider, make_user):
    client.force_login(outsider)
    client.post(invitation_url)
    client.force_login(make_user("another@elsewhere.example"))

    response = client.post(invitation_url)

    assert response.status_code == 410
    assert "This invitation can no longer be used" in response.content.decode()
    assert organisation.memberships.count() == 4


def test_expired_invitation_is_refused(client, organisation, invitation_url, outsider):
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(outsider)

    response = client.post(invitation_url)

    assert response.status_code == 410
    assert not organisation.memberships.filter(user=outsider).exists()


@pytest.mark.django_db
def test_unknown_invitation_is_not_found(client):
    response = client.get(reverse("assessments:accept_invitation", args=["no-such-token"]))

    assert response.status_code == 404
    assert "This invitation link does not work" in response.content.decode()


def test_invitation_for_existing_member_keeps_role(client, organisation, owner, editor):
    _, token = organisation_services.invite_member(
        organisation=organisation, email="x@hillside.example", role=Role.OWNER, invited_by=owner
    )
    client.force_login(editor)

    html = client.get(reverse("assessments:accept_invitation", args=[token])).content.decode()

    assert "You are already editor of Hillside Academy." in html
    assert "Accept invitation" not in html
