import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import storage
from assessments.models import (
    Assessment,
    Invitation,
    Membership,
    Organisation,
    PdfRender,
    Role,
)
from assessments.organisations import services as organisation_services
from tests.assessments.factories import complete

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
        user = make_user(f"member{number}@hillside.example", full_name=f"Member {number}")
        organisation.memberships.create(user=user)
        organisation_services.invite_member(
            organisation=organisation,
            email=f"invitee{number}@example.com",
            role=Role.VIEWER,
            invited_by=owner,
        )

    with django_assert_num_queries(len(three_members)):
        response = client.get(members_url(organisation))

    assert "Member 4" in response.content.decode()


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
    assert "Invitations not accepted yet" in html


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


def test_invitation_shows_organisation_role_and_invited_address(client, invitation_url, invitee):
    client.force_login(invitee)

    html = client.get(invitation_url).content.decode()

    assert "Hillside Academy" in html
    assert "Viewer" in html
    assert "new@hillside.example" in html
    assert "Accept invitation</button>" in html


def test_invitation_for_another_address_says_which_partly_hidden_and_cannot_be_accepted(
    client, organisation, invitation_url, outsider
):
    client.force_login(outsider)

    page = client.get(invitation_url).content.decode()
    response = client.post(invitation_url)

    assert "This invitation is for another email address" in page
    assert 'It was sent to <strong class="text-break">n•••@hillside.example</strong>' in page
    assert "new@hillside.example" not in page
    assert "Accept invitation</button>" not in page
    assert f'<input type="hidden" name="next" value="{invitation_url}">' in page
    assert "This invitation is for another email address" in response.content.decode()
    assert not organisation.memberships.filter(user=outsider).exists()
    assert Invitation.objects.get().is_usable


def test_invitation_hides_the_address_from_anonymous_holders_of_the_link(client, invitation_url):
    html = client.get(invitation_url).content.decode()

    assert "n•••@hillside.example" in html
    assert "new@hillside.example" not in html


def test_accepting_invitation_adds_membership_and_opens_dashboard(
    client, organisation, invitation_url, invitee
):
    client.force_login(invitee)

    response = client.post(invitation_url)

    assert response.url == reverse("assessments:dashboard", args=[organisation.slug])
    assert organisation.memberships.get(user=invitee).role == Role.VIEWER


def test_invitation_link_works_once(client, organisation, invitation_url, invitee, make_user):
    client.force_login(invitee)
    client.post(invitation_url)
    client.force_login(make_user("another@elsewhere.example"))

    response = client.post(invitation_url)

    assert response.status_code == 410
    assert "This invitation can no longer be used" in response.content.decode()
    assert organisation.memberships.count() == 4


def test_expired_invitation_is_refused(client, organisation, invitation_url, invitee):
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(invitee)

    response = client.post(invitation_url)

    assert response.status_code == 410
    assert not organisation.memberships.filter(user=invitee).exists()


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


def test_members_page_shows_names_and_job_titles_falling_back_to_email(
    client, organisation, owner, make_user
):
    organisation.memberships.create(
        user=make_user("jo@hillside.example", full_name="Jo Bloggs", job_title="Head of Year 9"),
        role=Role.VIEWER,
    )
    client.force_login(owner)

    html = client.get(members_url(organisation)).content.decode()

    assert re.search(
        r"Jo Bloggs\s*<br><span[^>]*>Head of Year 9</span>\s*"
        r"<br><span[^>]*>jo@hillside.example</span>",
        html,
    )
    assert '>Change role<span class="visually-hidden"> of Jo Bloggs</span>' in html
    # Accounts from before names were asked for show their email address, once.
    assert re.search(r'<td class="text-break">\s*editor@hillside.example\s*</td>', html)


def test_get_of_the_invite_url_goes_to_the_members_page(client, organisation, owner):
    client.force_login(owner)

    response = client.get(reverse("assessments:member_invite", args=[organisation.slug]))

    assert response.status_code == 302
    assert response.url == members_url(organisation)


# --- Leaving, and deleting the organisation -------------------------------------------------


def test_sole_owner_is_not_offered_leave(client, organisation, owner):
    client.force_login(owner)
    own = organisation.memberships.get(user=owner)
    leave_url = reverse("assessments:member_remove", args=[organisation.slug, own.pk])

    html = client.get(members_url(organisation)).content.decode()
    confirm = client.get(leave_url).content.decode()

    assert f'href="{leave_url}"' not in html
    assert "You are the only owner. To leave, make someone else an owner first." in html
    assert "You cannot leave Hillside Academy yet" in confirm
    assert "Leave the organisation</button>" not in confirm


def test_owner_with_another_owner_is_offered_leave(client, organisation, owner, editor):
    organisation.memberships.filter(user=editor).update(role=Role.OWNER)
    client.force_login(owner)
    own = organisation.memberships.get(user=owner)
    leave_url = reverse("assessments:member_remove", args=[organisation.slug, own.pk])

    html = client.get(members_url(organisation)).content.decode()

    assert f'href="{leave_url}">Leave' in html
    assert "Leave the organisation</button>" in client.get(leave_url).content.decode()


def delete_url(organisation: Organisation) -> str:
    return reverse("assessments:organisation_delete", args=[organisation.slug])


def test_settings_page_links_to_deleting_the_organisation(client, organisation, owner):
    client.force_login(owner)

    html = client.get(reverse("assessments:organisation_update", args=[organisation.slug]))

    assert f'href="{delete_url(organisation)}">Delete Hillside Academy</a>' in html.content.decode()


def test_delete_confirmation_names_what_will_be_deleted(
    client, organisation, owner, make_assessment, mailoutbox
):
    make_assessment(title="Spring review")
    make_assessment(title="Autumn review")
    organisation_services.invite_member(
        organisation=organisation, email="new@hillside.example", role=Role.VIEWER, invited_by=owner
    )
    client.force_login(owner)

    html = " ".join(client.get(delete_url(organisation)).content.decode().split())

    assert "Are you sure you want to delete Hillside Academy?" in html
    assert "2 assessments, with their answers and history" in html
    assert "the stored PDF reports of its assessments" in html
    assert "the access of 3 members, you included" in html
    assert "1 invitation waiting to be accepted" in html
    assert "Delete organisation</button>" in html
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_owner_deletes_the_organisation_with_its_rows_and_stored_pdfs(
    client, organisation, owner, assessment, django_capture_on_commit_callbacks
):
    completed = complete(assessment, owner)
    name = storage.save_pdf(name="reports/stored.pdf", content=b"%PDF-1.7 stored report")
    PdfRender.objects.create(
        assessment=completed, state_key="k", status=PdfRender.Status.DONE, file_name=name
    )
    stored = Path(default_storage.path(name))
    organisation_services.invite_member(
        organisation=organisation, email="new@hillside.example", role=Role.VIEWER, invited_by=owner
    )
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(delete_url(organisation), follow=True)

    assert response.redirect_chain[-1][0] == reverse("assessments:home")
    assert "Hillside Academy has been deleted." in response.content.decode()
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    assert not Assessment.objects.filter(pk=completed.pk).exists()
    assert not Membership.objects.filter(organisation_id=organisation.pk).exists()
    assert not Invitation.objects.filter(organisation_id=organisation.pk).exists()
    assert not stored.exists()
    assert User.objects.filter(pk=owner.pk).exists()


@pytest.mark.parametrize(
    ("user_fixture", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)]
)
def test_only_owners_delete_the_organisation(client, organisation, request, user_fixture, status):
    client.force_login(request.getfixturevalue(user_fixture))

    assert client.get(delete_url(organisation)).status_code == status
    assert client.post(delete_url(organisation)).status_code == status
    assert Organisation.objects.filter(pk=organisation.pk).exists()


# --- Revoking, re-sending and declining invitations -----------------------------------------


@pytest.fixture
def pending(organisation, owner, mailoutbox) -> tuple[Invitation, str]:
    """An invitation to new@hillside.example, as viewer, and the path of its link."""
    invitation, token = organisation_services.invite_member(
        organisation=organisation, email="new@hillside.example", role=Role.VIEWER, invited_by=owner
    )
    return invitation, reverse("assessments:accept_invitation", args=[token])


def invitation_action(client, action: str, invitation: Invitation):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse(
                f"assessments:invitation_{action}",
                args=[invitation.organisation.slug, invitation.pk],
            ),
            follow=True,
        )


def test_owner_sees_resend_and_revoke_buttons_for_an_invitation(client, owner, pending):
    invitation, _ = pending
    client.force_login(owner)

    html = client.get(members_url(invitation.organisation)).content.decode()

    for action in ("resend", "revoke"):
        url = reverse(f"assessments:invitation_{action}", args=["hillside-academy", invitation.pk])
        assert re.search(rf'<form method="post" action="{url}"', html)
    assert 'Re-send<span class="visually-hidden"> to new@hillside.example</span>' in html
    assert "Waiting</strong>" in html


def test_owner_revokes_an_invitation_and_its_link_stops_working(client, owner, pending):
    invitation, link = pending
    client.force_login(owner)

    response = invitation_action(client, "revoke", invitation)

    html = response.content.decode()
    assert "The invitation to new@hillside.example has been revoked." in html
    assert "There are no invitations waiting." in html
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    page = client.get(link)
    assert page.status_code == 410
    assert "This invitation has been withdrawn" in page.content.decode()
    assert client.post(link).status_code == 410
    assert not invitation.organisation.memberships.filter(user__email="new@hillside.example")


def test_owner_resends_an_invitation_with_a_fresh_link(client, owner, pending, mailoutbox):
    invitation, old_link = pending
    client.force_login(owner)

    response = invitation_action(client, "resend", invitation)

    assert "The invitation has been emailed to new@hillside.example again." in (
        response.content.decode()
    )
    assert len(mailoutbox) == 1
    new_link = invitation_path(mailoutbox)
    assert new_link != old_link
    assert Invitation.objects.get().pk == invitation.pk
    assert client.get(old_link).status_code == 404
    assert client.get(new_link).status_code == 200


@pytest.mark.parametrize("action", ["resend", "revoke"])
@pytest.mark.parametrize(
    ("user_fixture", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)]
)
def test_only_owners_revoke_or_resend(
    client, pending, request, user_fixture, status, action, mailoutbox
):
    invitation, link = pending
    client.force_login(request.getfixturevalue(user_fixture))

    response = invitation_action(client, action, invitation)

    assert response.status_code == status
    assert mailoutbox == []
    invitation.refresh_from_db()
    assert invitation.is_usable
    assert client.get(link).status_code == 200


@pytest.mark.parametrize("action", ["resend", "revoke"])
def test_invitation_of_another_organisation_is_not_found(client, owner, outsider, action):
    elsewhere = Organisation.objects.get(memberships__user=outsider)
    theirs, _ = organisation_services.invite_member(
        organisation=elsewhere, email="x@elsewhere.example", role=Role.EDITOR, invited_by=outsider
    )
    client.force_login(owner)

    response = client.post(
        reverse(f"assessments:invitation_{action}", args=["hillside-academy", theirs.pk])
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_usable


def test_invitation_page_offers_to_decline(client, pending):
    _, link = pending

    html = client.get(link).content.decode()

    decline = reverse("assessments:decline_invitation", args=[link.split("/")[2]])
    assert f'<form method="post" action="{decline}">' in html
    assert "Decline invitation</button>" in html


def test_invitee_declines_without_an_account(client, owner, pending):
    invitation, link = pending
    token = link.split("/")[2]

    response = client.post(reverse("assessments:decline_invitation", args=[token]), follow=True)

    assert response.redirect_chain[-1][0] == link
    assert response.status_code == 410
    assert "This invitation has been declined" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    client.force_login(owner)
    members = client.get(members_url(invitation.organisation)).content.decode()
    assert "Declined</strong>" in members
    assert "Invite again<span" in members


def test_declined_invitation_cannot_be_accepted(client, organisation, pending, invitee):
    invitation, link = pending
    client.post(reverse("assessments:decline_invitation", args=[link.split("/")[2]]))
    client.force_login(invitee)

    response = client.post(link)

    assert response.status_code == 410
    assert not organisation.memberships.filter(user=invitee).exists()


def test_get_of_the_decline_url_goes_to_the_invitation(client, pending):
    invitation, link = pending

    response = client.get(reverse("assessments:decline_invitation", args=[link.split("/")[2]]))

    assert response.url == link
    invitation.refresh_from_db()
    assert invitation.is_usable


def test_declining_an_unknown_invitation_is_not_found(client, db):
    response = client.post(reverse("assessments:decline_invitation", args=["no-such-token"]))

    assert response.status_code == 404


# --- Signing up from an invitation -----------------------------------------------------------


def test_invitation_links_to_signup_without_the_email_address(client, pending):
    _, link = pending

    html = client.get(link).content.decode()

    assert f'href="{reverse("assessments:signup")}?next={link}">Create an account' in html
    assert "new%40hillside.example" not in html
    assert "?email=" not in html


def test_signup_from_an_invitation_fixes_the_email_and_names_the_organisation(client, pending):
    _, link = pending

    html = client.get(reverse("assessments:signup"), {"next": link}).content.decode()

    assert "Create an account to join Hillside Academy" in html
    assert "invited to join Hillside Academy as viewer" in html
    assert re.search(r'<p class="mb-1 text-break" id="id_email">new@hillside.example</p>', html)
    assert 'name="email"' not in html
    assert f'<input type="hidden" name="next" value="{link}">' in html


def test_signup_from_an_invitation_ignores_a_tampered_email_and_returns_to_it(
    client, organisation, pending
):
    _, link = pending

    response = client.post(
        reverse("assessments:signup"),
        {
            "full_name": "Nia New",
            "email": "attacker@evil.example",
            "password1": "correct-horse-battery-staple",
            "password2": "correct-horse-battery-staple",
            "next": link,
        },
    )

    assert response.url == link
    user = User.objects.get(profile__full_name="Nia New")
    assert (user.username, user.email) == ("new@hillside.example", "new@hillside.example")
    assert not User.objects.filter(email="attacker@evil.example").exists()
    accepted = client.post(link)
    assert accepted.url == reverse("assessments:dashboard", args=[organisation.slug])
    assert organisation.memberships.get(user=user).role == Role.VIEWER


def test_signup_from_an_unusable_invitation_is_an_ordinary_signup(client, pending):
    invitation, link = pending
    organisation_services.revoke_invitation(invitation=invitation)

    html = client.get(reverse("assessments:signup"), {"next": link}).content.decode()

    assert '<h1 class="mb-3">Create an account</h1>' in html
    assert 'name="email"' in html
