"""An admin changes the framework the one way the admin allows: duplicate, edit, publish."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from framework.models import Edition

EMAIL = "editor@ukcis.example"
PASSWORD = "a-long-and-unusual-passphrase"
OLD_TEXT = "How are people encouraged to access appropriate recovery services?"
NEW_TEXT = "How are people helped to find and use appropriate recovery services?"


@pytest.fixture
def admin_user(transactional_db) -> User:
    return User.objects.create_superuser(username=EMAIL, email=EMAIL, password=PASSWORD)


def test_admin_duplicates_edits_and_publishes_an_edition(
    page: Page, edition: Edition, admin_user: User, assert_accessible
):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # The published edition is read-only: duplicate it as a draft.
    page.get_by_role("link", name="Editions").first.click()
    page.locator("#result_list").get_by_role("link", name=edition.title).click()
    expect(page.get_by_text("This edition is published and in use")).to_be_visible()
    page.get_by_role("button", name="Duplicate as new draft").click()
    expect(page.get_by_text("Created the draft")).to_be_visible()
    draft_url = page.url
    # Every input of the draft's lists (tabular inlines) has a name, rating guidance included.
    expect(page.get_by_label("Descriptor, row 1", exact=True)).to_have_value(
        re.compile(r"^Little or nothing")
    )
    assert_accessible(page)

    # Change the question in the draft only.
    page.goto("/admin/framework/question/")
    search = page.locator("#changelist-search")
    search.get_by_role("textbox").fill("recovery services")
    search.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=recovery"))
    page.get_by_role("link", name="Draft", exact=True).click()
    results = page.locator("#result_list tbody tr")
    expect(results).to_have_count(1)
    results.get_by_role("link", name=OLD_TEXT).click()
    page.get_by_label("Text:").fill(NEW_TEXT)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    page.goto(draft_url)
    expect(page.get_by_text("This draft is complete")).to_be_visible()
    page.get_by_role("link", name="Publish", exact=True).click()

    # Publishing asks for confirmation, and the key and version label, on its own page.
    expect(page.get_by_role("heading", name="Publish this edition?")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Key").fill(edition.key)
    page.get_by_label("Version label").fill("2.0")
    page.get_by_role("button", name="Yes, publish it").click()
    expect(
        page.get_by_text(f"An edition with the key “{edition.key}” already exists")
    ).to_be_visible()
    expect(page.get_by_label("Version label")).to_have_value("2.0")
    assert_accessible(page)
    page.get_by_label("Key").fill("ukcis-drf-2027")
    page.get_by_role("button", name="Yes, publish it").click()
    expect(
        page.get_by_text(re.compile(r"” is published: new assessments will use it"))
    ).to_be_visible()
    assert Edition.objects.current().key == "ukcis-drf-2027"

    page.goto("/framework/")
    expect(page.get_by_text(NEW_TEXT)).to_be_visible()
    expect(page.get_by_text(OLD_TEXT)).to_have_count(0)
