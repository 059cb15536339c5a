"""Reviews in Chromium: the interim review form, the review log and the reminders page, each
checked with axe and for reflow at 1280 and 320 pixels wide, on the demo organisation."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments.management.commands.seed_demo import DEMO_OWNER_EMAIL, DEMO_PASSWORD
from assessments.models import Assessment, Organisation
from assessments.reviews.services import interim_title

# The demo organisation, seeded; shared with the report's browser tests.
from tests.e2e.test_report import demo  # noqa: F401

PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
PAGES = {
    "interim review": "reviews/interim/",
    "review log": "reviews/",
    "reminders": "reminders/",
}


@pytest.fixture
def demo_owner(page: Page, demo: Organisation, log_in) -> Organisation:  # noqa: F811
    log_in(DEMO_OWNER_EMAIL, DEMO_PASSWORD)
    return demo


def _fits(page: Page) -> None:
    scroll_width, client_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280", "320"])
@pytest.mark.parametrize("name", list(PAGES), ids=lambda name: name.replace(" ", "-"))
def test_review_page_is_accessible_and_reflows(
    page: Page, demo_owner: Organisation, assert_accessible, name: str, size: dict
):
    page.set_viewport_size(size)
    page.goto(f"/orgs/{demo_owner.slug}/{PAGES[name]}")

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    _fits(page)
    assert_accessible(page)


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280", "320"])
def test_interim_review_form_shows_its_problems_then_starts_the_review(
    page: Page, demo_owner: Organisation, assert_accessible, size: dict
):
    page.set_viewport_size(size)
    page.goto(f"/orgs/{demo_owner.slug}/")
    page.get_by_role("link", name="Start an interim review").click()
    page.get_by_label("What happened?").fill("A parent reported a fake account of a youth worker.")
    page.get_by_role("button", name="Start interim review").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Select why you are starting an interim review")
    expect(page.get_by_label("What happened?")).to_have_value(
        "A parent reported a fake account of a youth worker."
    )
    _fits(page)
    assert_accessible(page)

    page.get_by_role("group", name="Why are you starting an interim review?").get_by_label(
        "An incident"
    ).check()
    page.get_by_role("button", name="Start interim review").click()

    title = interim_title(Assessment.Reason.INCIDENT, timezone.localdate())
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_text("Interim review: An incident", exact=True)).to_be_visible()


def test_dashboard_and_review_log_show_the_review_status(
    page: Page, demo_owner: Organisation, assert_accessible
):
    page.goto(f"/orgs/{demo_owner.slug}/")
    reviews = page.get_by_role("region", name="Reviews")

    expect(reviews).to_contain_text("Next review due")
    reviews.get_by_role("link", name="Review log").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Review log")
    expect(page.get_by_role("heading", name="Annual review 2026")).to_be_visible()


def test_reminders_can_be_switched_off(page: Page, demo_owner: Organisation):
    page.goto(f"/orgs/{demo_owner.slug}/reminders/")
    page.get_by_label(f"Email me reminders about {demo_owner.name}").uncheck()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Reminders are off")).to_have_count(2)
    expect(page.get_by_label(f"Email me reminders about {demo_owner.name}")).not_to_be_checked()
