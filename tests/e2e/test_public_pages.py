import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.usefixtures("edition")

ENVIRONMENT_UNDERSTAND = (
    "Are people encouraged to understand and manage different types of risk in an "
    "age-appropriate way when they are online?"
)
ENVIRONMENT_RECOVER = "How are people encouraged to access appropriate recovery services?"
CONTENT_UNDERSTAND = (
    "Do your resources help people recognise and differentiate between different types of risks?"
)


def test_stylesheets_load_on_home(page: Page):
    page.goto("/")

    # Browsers give <body> an 8px margin; Bootstrap's reboot sets it to 0.
    expect(page.locator("body")).to_have_css("margin", "0px")
    # site.css colours the header.
    expect(page.locator(".site-header")).to_have_css("background-color", "rgb(243, 246, 250)")


def test_home_shows_framework_and_is_accessible(page: Page, assert_accessible):
    page.goto("/")

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    assert_accessible(page)


def test_framework_shows_verbatim_questions_and_is_accessible(page: Page, assert_accessible):
    page.goto("/framework/")

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text(ENVIRONMENT_UNDERSTAND).first).to_be_visible()
    expect(page.get_by_text(CONTENT_UNDERSTAND).first).to_be_visible()
    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav.get_by_role("link", name="The framework", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    assert_accessible(page)


def test_domain_shows_its_questions_only_and_is_accessible(page: Page, assert_accessible):
    page.goto("/framework/environment/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Environment")
    expect(page.get_by_text(ENVIRONMENT_UNDERSTAND)).to_be_visible()
    expect(page.get_by_text(ENVIRONMENT_RECOVER)).to_be_visible()
    expect(page.get_by_text(CONTENT_UNDERSTAND)).to_have_count(0)
    assert_accessible(page)


def test_resources_lists_members_and_is_accessible(page: Page, assert_accessible):
    page.goto("/resources/")

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("NCA - CEOP", exact=True)).to_be_visible()
    expect(page.get_by_text("Thinkuknow (CEOP Education)")).to_be_visible()
    assert_accessible(page)


def test_resources_filtered_by_stage_shows_matching_only_and_is_accessible(
    page: Page, assert_accessible
):
    page.goto("/resources/?stage=recover")

    expect(page.get_by_label("Stage")).to_have_value("recover")
    expect(page.get_by_text("CEOP Safety Centre", exact=True)).to_be_visible()
    # Thinkuknow and the BBFC's ratings do not help with recovery.
    expect(page.get_by_text("Thinkuknow (CEOP Education)")).to_have_count(0)
    expect(page.get_by_text("BBFC age ratings")).to_have_count(0)
    assert_accessible(page)


def test_about_shows_about_text_and_is_accessible(page: Page, assert_accessible):
    page.goto("/about/")

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(
        page.get_by_text("UKCIS is a collaborative forum between the government", exact=False)
    ).to_be_visible()
    assert_accessible(page)


def test_skip_link_is_first_tab_stop_and_moves_focus_to_main(page: Page):
    page.goto("/")

    page.keyboard.press("Tab")
    skip_link = page.locator(":focus")
    expect(skip_link).to_have_text("Skip to main content")
    expect(skip_link).to_be_visible()
    # Bootstrap's visually-hidden-focusable keeps it a 1px box until focused.
    box = skip_link.bounding_box()
    assert box is not None and box["width"] > 50 and box["height"] > 10

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main-content$"))
    expect(page.locator("main#main-content")).to_be_focused()
