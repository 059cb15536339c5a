"""Moving an assessment in progress to a newer edition of the framework: the task list's notice,
the page that previews the move (axe at desktop and phone widths, no sideways scroll on a
phone) and the move itself."""

import re

import pytest
from playwright.sync_api import Page, expect

from assessments.models import Assessment
from assessments.walkthrough import services as walkthrough_services
from framework.models import Edition
from tests.assessments.factories import complete, fill, publish_rewording

EMAIL, PASSWORD = "owner@hillside.example", "a-long-enough-password"
REWORDED = "Do people know who can help them, and how to reach them?"
PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def filled(make_assessment, edition) -> Assessment:
    """An assessment of Environment, every answer given, and a newer edition that rewords its
    Know question."""
    assessment = make_assessment(EMAIL, PASSWORD)
    fill(assessment)
    publish_rewording(edition, question_key="environment-know", text=REWORDED)
    return assessment


def url(assessment: Assessment, rest: str = "") -> str:
    return f"/orgs/{assessment.organisation.slug}/assessments/{assessment.pk}/{rest}"


def _scrolls_sideways(page: Page) -> bool:
    width, viewport = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    return width > viewport


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280", "320"])
def test_move_page_previews_the_move_accessibly(
    page: Page, filled, log_in, assert_accessible, size
):
    log_in(EMAIL, PASSWORD)
    page.set_viewport_size(size)

    page.goto(url(filled))
    notice = page.get_by_role("note").filter(has_text="A newer edition of the framework")
    expect(notice).to_be_visible()
    assert_accessible(page)
    notice.get_by_role("link", name="See what moving would do").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Move to a newer edition of the framework"
    )
    expect(page.get_by_role("heading", name="Answers that will need review")).to_be_visible()
    expect(page.get_by_text(REWORDED)).to_be_visible()
    assert not _scrolls_sideways(page)
    assert_accessible(page)


def test_moving_returns_to_the_task_list_with_sections_to_review(
    page: Page, filled, log_in, assert_accessible
):
    log_in(EMAIL, PASSWORD)
    page.goto(url(filled, "edition/"))

    page.get_by_role("button", name=re.compile(r"^Move to version")).click()

    expect(page).to_have_url(re.compile(re.escape(url(filled)) + "$"))
    expect(page.get_by_role("status")).to_contain_text(f"“{filled.title}” now uses")
    environment = page.get_by_role("link", name="Environment", exact=True)
    expect(environment).to_have_accessible_description("Review needed")
    expect(page.get_by_role("heading", name=re.compile("^A newer edition"))).to_have_count(0)
    assert_accessible(page)


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280", "320"])
def test_compare_across_editions_marks_what_cannot_be_compared_accessibly(
    page: Page, filled, log_in, assert_accessible, size
):
    owner = filled.created_by
    earlier = complete(filled, owner)
    later = walkthrough_services.start_assessment(
        organisation=filled.organisation,
        user=owner,
        title="Autumn review",
        domains=list(Edition.objects.current().domains.filter(key="environment")),
        based_on=earlier,
    )
    log_in(EMAIL, PASSWORD)
    page.set_viewport_size(size)

    page.goto(f"/orgs/{filled.organisation.slug}/assessments/compare/?a={earlier.pk}&b={later.pk}")

    expect(page.get_by_role("heading", name="The editions of the framework differ")).to_be_visible()
    expect(
        page.get_by_text("Cannot be compared: the question changed between editions")
    ).to_be_visible()
    assert not _scrolls_sideways(page)
    assert_accessible(page)
