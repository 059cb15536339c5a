"""Groups in a browser: the group's dashboard, members page and a shared report, accepting an
organisation invitation (choosing a summary), the organisation's groups page, and the
confirmations before removing a member or an organisation. Each page passes axe at 1280 and 320
pixels wide, and at 320 scrolls sideways only inside its labelled regions."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from assessments.groups import services as group_services
from assessments.models import GroupLink, Organisation, Sharing
from assessments.organisations import services as organisation_services
from assessments.walkthrough import services as walkthrough_services
from tests.assessments.factories import complete, fill
from tests.assessments.groups.factories import add_group_member
from tests.e2e.test_reflow import DESKTOP, PHONE, _overflowing, _page_widths

PASSWORD = "a-long-browser-test-password"


def _person(email: str) -> User:
    return User.objects.create_user(username=email, email=email, password=PASSWORD)


def _school(head: User, name: str, edition) -> Organisation:
    school = organisation_services.create_organisation(
        user=head,
        name=name,
        kind=Organisation.Kind.SCHOOL,
        nations=["england"],
        age_groups=["11-13"],
        additional_vulnerabilities=False,
    )
    assessment = walkthrough_services.start_assessment(
        organisation=school,
        user=head,
        title="Annual review",
        domains=list(edition.domains.filter(key__in=["environment", "content"])),
    )
    fill(assessment)
    complete(assessment, head)
    return school


@pytest.fixture
def trust(edition) -> dict:
    """A trust with an owner, and Hillside Academy sharing its full report with it."""
    owner = _person("head@trust.example")
    group = group_services.create_group(user=owner, name="Riverside Learning Trust", kind="trust")
    hillside_head = _person("head@hillside.example")
    hillside = _school(hillside_head, "Hillside Academy", edition)
    invitation, _ = group_services.invite(
        group=group, purpose="organisation", email=hillside_head.email, invited_by=owner
    )
    group_services.accept_organisation_invitation(
        invitation=invitation, user=hillside_head, organisation=hillside, sharing=Sharing.FULL
    )
    return {"group": group, "owner": owner, "hillside": hillside, "edition": edition}


def _check_page(page: Page, assert_accessible: Callable[[Page], None]) -> None:
    """axe at both widths, and no sideways scroll at 320 pixels outside a scroll region."""
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        scroll_width, client_width = _page_widths(page)
        assert scroll_width <= client_width, (page.url, size, _overflowing(page))
        assert_accessible(page)


@pytest.mark.parametrize(
    "path",
    [
        "/groups/",
        "/groups/riverside-learning-trust/",
        "/groups/riverside-learning-trust/members/",
        "/groups/riverside-learning-trust/orgs/hillside-academy/report/",
        "/groups/new/",
        # The confirmation before the group stops seeing an organisation.
        "/groups/riverside-learning-trust/orgs/hillside-academy/remove/",
    ],
)
def test_group_pages_are_accessible_at_both_widths(
    page: Page, trust, log_in, assert_accessible, path
):
    log_in(trust["owner"].email, PASSWORD)

    page.goto(path)

    expect(page.locator("h1")).to_be_visible()
    _check_page(page, assert_accessible)


def test_dashboard_shows_the_heat_map_as_a_table_with_words(page: Page, trust, log_in):
    log_in(trust["owner"].email, PASSWORD)

    page.goto("/groups/riverside-learning-trust/")

    heat = page.get_by_role("region", name="Ratings of each organisation")
    expect(heat.get_by_role("rowheader", name="Hillside Academy")).to_be_visible()
    expect(heat.get_by_role("cell", name="Moderately").first).to_be_attached()
    expect(page.get_by_role("img", name="Median headline score")).to_be_visible()


def test_an_owner_accepts_an_organisation_invitation_choosing_a_summary(
    page: Page, trust, log_in, assert_accessible
):
    head = _person("head@oakfield.example")
    _school(head, "Oakfield Primary School", trust["edition"])
    _, token = group_services.invite(
        group=trust["group"], purpose="organisation", email=head.email, invited_by=trust["owner"]
    )
    log_in(head.email, PASSWORD)

    page.goto(f"/group-invitations/{token}/")
    _check_page(page, assert_accessible)
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Share with Riverside Learning Trust").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    page.get_by_role("group", name="Which organisation").get_by_label(
        "Oakfield Primary School"
    ).check()
    page.get_by_role("group", name="What will it share?").get_by_role(
        "radio", name="Summary:"
    ).check()
    page.get_by_role("button", name="Share with Riverside Learning Trust").click()

    expect(page.get_by_role("heading", name="Groups", exact=True)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("now shares its summary")
    assert GroupLink.objects.get(organisation__name="Oakfield Primary School").sharing == "summary"
    _check_page(page, assert_accessible)
    page.goto("/orgs/oakfield-primary-school/groups/riverside-learning-trust/?withdraw")
    _check_page(page, assert_accessible)


def test_removing_a_member_asks_first_on_an_accessible_page(
    page: Page, trust, log_in, assert_accessible
):
    viewer = _person("governor@trust.example")
    add_group_member(trust["group"], viewer)
    membership = trust["group"].memberships.get(user=viewer)
    log_in(trust["owner"].email, PASSWORD)

    page.goto(f"/groups/riverside-learning-trust/members/{membership.pk}/remove/")

    expect(page.locator("h1")).to_contain_text("Remove")
    _check_page(page, assert_accessible)
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Remove").click()
    expect(page.get_by_role("status")).to_contain_text("has been removed")
    assert not trust["group"].memberships.filter(user=viewer).exists()
