"""The group's pages: creating, inviting, accepting an organisation invitation, the dashboard,
the CSV, and the organisation's side."""

import csv
import io

from django.urls import reverse

from assessments.groups import services
from assessments.models import GroupInvitation, GroupLink, GroupRole, Sharing
from tests.assessments.groups.conftest import MARKER


def test_creating_a_group_goes_to_its_members_page(client, owner):
    client.force_login(owner)

    response = client.post(
        reverse("assessments:group_create"), {"name": "Fen Trust", "kind": "trust"}
    )

    assert response.status_code == 302
    assert response.url == reverse("assessments:group_members", args=["fen-trust"])


def test_a_group_form_with_errors_keeps_what_was_typed(client, owner):
    client.force_login(owner)

    response = client.post(reverse("assessments:group_create"), {"name": "Fen Trust"})

    body = response.content.decode()
    assert "There is a problem" in body and "Select the type of group" in body
    assert 'value="Fen Trust"' in body


def test_inviting_a_person_needs_a_role(client, group, group_owner):
    client.force_login(group_owner)

    response = client.post(
        reverse("assessments:group_invite", args=[group.slug]),
        {"purpose": "member", "email": "new@trust.example"},
    )

    assert response.status_code == 200
    assert "Select the role of the person you are inviting" in response.content.decode()
    assert not GroupInvitation.objects.filter(email="new@trust.example").exists()


def test_accepting_an_organisation_invitation_shares_the_chosen_organisation(
    client, group, group_owner, organisation, owner
):
    _, token = services.invite(
        group=group, purpose="organisation", email=owner.email, invited_by=group_owner
    )
    client.force_login(owner)
    url = reverse("assessments:group_invitation", args=[token])
    page = client.get(url).content.decode()
    assert "Hillside Academy" in page and "<legend" in page

    response = client.post(url, {"organisation": organisation.slug, "sharing": "summary"})

    assert response.status_code == 302
    link = GroupLink.objects.get(group=group)
    assert (link.organisation, link.sharing) == (organisation, Sharing.SUMMARY)


def test_accepting_without_choosing_says_what_is_missing(
    client, group, group_owner, organisation, owner
):
    _, token = services.invite(
        group=group, purpose="organisation", email=owner.email, invited_by=group_owner
    )
    client.force_login(owner)

    response = client.post(reverse("assessments:group_invitation", args=[token]), {})

    body = response.content.decode()
    assert "Select the organisation to share" in body
    assert "Select what to share with the group" in body
    assert not GroupLink.objects.exists()


def test_the_dashboard_lists_organisations_and_links_only_full_reports(
    client, group, group_viewer, full_link, summary_link
):
    client.force_login(group_viewer)

    body = client.get(reverse("assessments:group_dashboard", args=[group.slug])).content.decode()

    assert "Oakfield Primary School" in body and "Hillside Academy" in body
    assert reverse("assessments:group_report", args=[group.slug, "hillside-academy"]) in body
    assert "oakfield-primary-school/report" not in body
    assert "Heat map" in body and 'id="group-trend-title"' in body
    assert MARKER not in body


def test_the_csv_has_a_row_per_organisation_and_no_text(
    client, group, group_viewer, full_link, summary_link
):
    client.force_login(group_viewer)

    response = client.get(reverse("assessments:group_csv", args=[group.slug]))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Organisation", "Shares", "Status"]
    assert [row[0] for row in rows[1:]] == ["Hillside Academy", "Oakfield Primary School"]
    assert MARKER not in response.content.decode()


def test_the_csv_guards_against_formulas(client, group, group_viewer, full_link):
    full_link.organisation.name = "=HYPERLINK(1)"
    full_link.organisation.save()
    client.force_login(group_viewer)

    response = client.get(reverse("assessments:group_csv", args=[group.slug]))

    assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")


def test_the_organisation_owner_changes_sharing_from_the_groups_page(
    client, group, full_link, owner
):
    client.force_login(owner)

    response = client.post(
        reverse("assessments:organisation_groups", args=[full_link.organisation.slug]),
        {"group": group.slug, "sharing": "summary"},
    )

    assert response.status_code == 302
    assert GroupLink.objects.get(pk=full_link.pk).sharing == Sharing.SUMMARY
    report = reverse("assessments:group_report", args=[group.slug, "hillside-academy"])
    client.force_login(group.memberships.first().user)
    assert client.get(report).status_code == 404


def test_withdrawing_asks_to_confirm_first(client, group, full_link, owner):
    client.force_login(owner)
    url = reverse("assessments:organisation_group", args=["hillside-academy", group.slug])

    page = client.get(url + "?withdraw").content.decode()

    assert "Stop sharing with" in page
    assert GroupLink.objects.filter(pk=full_link.pk).exists()


def test_the_header_links_to_the_groups_of_a_group_member(client, group_viewer, group):
    client.force_login(group_viewer)

    body = client.get(reverse("assessments:profile")).content.decode()

    assert reverse("assessments:group_list") in body


def test_home_of_someone_only_in_one_group_goes_to_its_dashboard(client, group, group_viewer):
    client.force_login(group_viewer)

    response = client.get(reverse("assessments:home"))

    assert response.url == reverse("assessments:group_dashboard", args=[group.slug])


def test_home_lists_groups_beside_organisations(client, group, organisation, owner):
    group.memberships.create(user=owner, role=GroupRole.VIEWER)
    client.force_login(owner)

    html = client.get(reverse("assessments:home")).content.decode()

    assert "Hillside Academy" in html
    assert "Your groups" in html
    assert f'href="{reverse("assessments:group_dashboard", args=[group.slug])}"' in html
    assert "You are group viewer" in html
