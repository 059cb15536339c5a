"""People, invitations and the header menus, in Chromium: the profile and password pages, deleting
an organisation, declining an invitation and signing up from one, each checked with axe; and the
header menus with the keyboard (Escape, one open at a time) and the mouse (a click outside)."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Locator, Page, expect

from assessments.models import Organisation, Role
from assessments.organisations import services

PASSWORD = "a-long-and-unusual-passphrase"
OWNER_EMAIL = "olu.owner@hillside.example"


@pytest.fixture
def owner(transactional_db) -> User:
    user = services.create_account(
        email=OWNER_EMAIL,
        password=PASSWORD,
        full_name="Olu Owner",
        job_title="Designated Safeguarding Lead",
    )
    services.create_organisation(
        user=user,
        name="Hillside Academy",
        kind=Organisation.Kind.SCHOOL,
        nations=["england"],
        age_groups=["11-13"],
        additional_vulnerabilities=False,
    )
    return user


def invite(owner: User, email: str) -> str:
    """Invite `email` to the owner's organisation as editor; the path of the invitation's link."""
    _, token = services.invite_member(
        organisation=owner.memberships.get().organisation,
        email=email,
        role=Role.EDITOR,
        invited_by=owner,
    )
    return f"/invitations/{token}/"


def log_out(page: Page) -> None:
    page.locator("summary", has_text="Account").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Log in")).to_be_visible()


def test_profile_password_delete_and_invitation_pages_work_and_are_accessible(
    page: Page, owner: User, log_in, assert_accessible
):
    declined_link = invite(owner, "not.interested@example.com")
    joining_link = invite(owner, "nia.new@example.com")
    log_in(OWNER_EMAIL, PASSWORD)

    # The profile, from the account menu: an error keeps what was typed.
    page.locator("summary", has_text="Account").click()
    page.get_by_role("link", name="Your profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    assert_accessible(page)
    page.get_by_label("Full name").fill("")
    page.get_by_label("Job title").fill("Head of Year 9")
    page.get_by_role("button", name="Save your details").click()
    expect(page).to_have_title(re.compile(r"^Error: Your profile"))
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_label("Job title")).to_have_value("Head of Year 9")
    assert_accessible(page)
    page.get_by_label("Full name").fill("Olu Owner-Smith")
    page.get_by_role("button", name="Save your details").click()
    expect(page.get_by_role("status")).to_contain_text("Your name and job title have been saved.")

    page.get_by_role("link", name="Change your password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    assert_accessible(page)

    # The members page with its invitations, then the organisation's deletion, confirmed.
    page.goto("/orgs/hillside-academy/members/")
    expect(page.get_by_role("cell", name=re.compile(r"^Olu Owner-Smith \(you\)"))).to_be_visible()
    revoke = page.get_by_role("button", name="Revoke the invitation to nia.new@example.com")
    expect(revoke).to_be_visible()
    assert_accessible(page)
    page.goto("/orgs/hillside-academy/settings/")
    page.get_by_role("link", name="Delete Hillside Academy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to delete Hillside Academy?"
    )
    expect(page.get_by_text("2 invitations waiting to be accepted")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    log_out(page)

    # Declining, without an account.
    page.goto(declined_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Hillside Academy")
    assert_accessible(page)
    page.get_by_role("button", name="Decline invitation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This invitation has been declined")
    assert_accessible(page)

    # Signing up from an invitation: the address is the invited one, and fixed.
    page.goto(joining_link)
    page.get_by_role("main").get_by_role("link", name="Create an account").click()
    expect(page).not_to_have_url(re.compile(r"nia\.new|%40"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Create an account to join Hillside Academy"
    )
    expect(page.locator("#id_email")).to_have_text("nia.new@example.com")
    expect(page.locator("input[name=email]")).to_have_count(0)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter your full name")
    assert_accessible(page)
    page.get_by_label("Full name").fill("Nia New")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm your password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(re.escape(joining_link) + "$"))
    page.get_by_role("button", name="Accept invitation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hillside Academy")
    assert User.objects.get(email="nia.new@example.com").profile.full_name == "Nia New"


def is_open(menu: Locator) -> bool:
    return menu.evaluate("details => details.open")


def test_header_menus_close_on_escape_and_outside_click_and_open_one_at_a_time(
    page: Page, owner: User, log_in
):
    log_in(OWNER_EMAIL, PASSWORD)
    organisations = page.locator("details[data-menu]").first
    account = page.locator("details[data-menu]").last
    account_summary = account.locator("summary")

    # Escape closes the open menu and puts focus back on its summary.
    account_summary.focus()
    page.keyboard.press("Enter")
    expect(account.get_by_role("link", name="Your profile")).to_be_visible()
    page.keyboard.press("Tab")
    expect(account.get_by_role("link", name="Your profile")).to_be_focused()
    page.keyboard.press("Escape")
    expect(account.get_by_role("link", name="Your profile")).to_be_hidden()
    expect(account_summary).to_be_focused()

    # Opening one menu closes the other.
    organisations.locator("summary").focus()
    page.keyboard.press("Enter")
    assert is_open(organisations)
    account_summary.focus()
    page.keyboard.press("Enter")
    expect(account.get_by_role("button", name="Log out")).to_be_visible()
    expect(organisations.get_by_role("link", name="Create an organisation")).to_be_hidden()
    assert not is_open(organisations)

    # A click outside closes it.
    page.get_by_role("heading", level=1).click()
    expect(account.get_by_role("button", name="Log out")).to_be_hidden()


def test_lockout_and_an_invitation_for_another_address_are_clear_and_accessible(
    page: Page, owner: User, log_in, assert_accessible
):
    link = invite(owner, "nia.new@example.com")
    services.create_account(email="sam@elsewhere.example", password=PASSWORD, full_name="Sam")

    # Signed in with another address: the page says which address, partly hidden, and offers to
    # log out, back to the invitation.
    log_in("sam@elsewhere.example", PASSWORD)
    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text("n•••@example.com")
    expect(page.get_by_role("button", name="Accept invitation")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("main").get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(re.escape(link) + "$"))

    # Five wrong passwords: the lockout page, in the site's layout.
    for attempt in range(5):
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill(OWNER_EMAIL)
        page.get_by_label("Password").fill(f"wrong-{attempt}")
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed attempts to log in")
    assert_accessible(page)
