"""The actions pages in Chromium, on the demo organisation (`seed_demo`): its actions page
(filtered without JavaScript), an action with its update form, and the section page that shows
last time's actions; each passes axe and reflows at 320 pixels."""

import re

import pytest
from playwright.sync_api import Page, expect

from assessments.management.commands.seed_demo import DEMO_OWNER_EMAIL, DEMO_PASSWORD
from assessments.models import Action, Organisation

# The demo organisation, seeded; shared with the report's browser tests.
from tests.e2e.test_report import LATEST, demo  # noqa: F401

PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def demo_owner(page: Page, demo: Organisation, log_in) -> Organisation:  # noqa: F811
    log_in(DEMO_OWNER_EMAIL, DEMO_PASSWORD)
    return demo


def _open_action(organisation: Organisation) -> Action:
    return (
        Action.objects.filter(
            organisation=organisation, status__in=Action.OPEN, assessment__status="completed"
        )
        .order_by("target_date", "pk")
        .first()
    )


def _fits(page: Page) -> None:
    scroll_width, client_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "320"])
def test_actions_page_filters_without_javascript_and_is_accessible(
    page: Page, demo_owner: Organisation, assert_accessible, viewport
):
    page.set_viewport_size(viewport)
    page.goto(f"/orgs/{demo_owner.slug}/actions/")
    expect(page.get_by_role("heading", name="Actions", exact=True)).to_be_visible()
    _fits(page)
    assert_accessible(page)

    page.get_by_label("Status").select_option(label="Overdue")
    page.get_by_role("button", name="Show actions").click()

    expect(page).to_have_url(re.compile(r"status=overdue"))
    rows = page.get_by_role("region", name="Actions of").get_by_role("row")
    overdue = Action.objects.filter(organisation=demo_owner, status__in=Action.OPEN).count()
    assert overdue > 0
    for row in rows.all()[1:]:
        expect(row).to_contain_text("Overdue")
    _fits(page)
    assert_accessible(page)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "320"])
def test_an_action_is_updated_through_its_form_and_the_page_is_accessible(
    page: Page, demo_owner: Organisation, assert_accessible, viewport
):
    page.set_viewport_size(viewport)
    action = _open_action(demo_owner)
    page.goto(f"/orgs/{demo_owner.slug}/actions/{action.pk}/")
    _fits(page)
    assert_accessible(page)

    # A dropped action without a reason: the error summary, and what was typed kept.
    page.get_by_role("group", name="Status").get_by_label("Dropped").check()
    page.get_by_label("Progress note").fill("We talked it over.")
    page.get_by_role("button", name="Save the update").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why the action was dropped")
    expect(page.get_by_label("Progress note")).to_have_value("We talked it over.")
    _fits(page)
    assert_accessible(page)

    page.get_by_label("Why it was dropped").fill("The county runs this now.")
    page.get_by_role("button", name="Save the update").click()

    expect(page.get_by_text("Your update is saved.")).to_be_visible()
    expect(page.locator(".action-history")).to_contain_text("We talked it over.")
    action.refresh_from_db()
    assert (action.status, action.dropped_reason) == ("dropped", "The county runs this now.")


def test_a_section_started_from_the_latest_review_shows_last_time(
    page: Page, demo_owner: Organisation, assert_accessible
):
    page.goto(
        f"/orgs/{demo_owner.slug}/assessments/new/?based_on="
        + str(demo_owner.assessments.get(title=LATEST).pk)
    )
    page.get_by_label("Title").fill("Annual review 2027")
    page.get_by_role("button", name="Start assessment").click()
    page.get_by_role("link", name=re.compile("Environment")).first.click()

    expect(page.get_by_text(f"Last time, in “{LATEST}”").first).to_be_visible()
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        _fits(page)
        assert_accessible(page)
