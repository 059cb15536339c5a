"""A new user's whole journey, in Chromium: from the home page to a completed assessment.

Every page the journey visits is checked with axe as it is reached, in its state at that moment
(errors shown, answers filled in, read-only once completed).
"""

import re
import time

import pytest
from django.core import mail
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.usefixtures("edition")

EMAIL = "sam.taylor@hillside.example"
PASSWORD = "a-long-and-unusual-passphrase"
ORGANISATION = "Hillside Academy"
TITLE = "Spring 2027 review"
PRACTICE = "Assemblies each term on spotting risky contacts; slides kept on the shared drive."
NEXT_STEPS = "Add a session on reporting tools for Year 7."
# Environment 3+2+3+1, Policy 4 × 2 and the checklist 8 × 3: 41 of a possible 48.
HEADLINE_SCORE = "85%"


def form(page: Page) -> Locator:
    return page.locator("form[data-section-form]")


def stage(page: Page, name: str) -> Locator:
    """A domain page's stage: its heading labels a region holding that stage's question."""
    return page.get_by_role("region", name=name, exact=True)


def status_of(page: Page, task: str) -> Locator:
    """A task list link; its status tag is its accessible description."""
    return page.get_by_role("link", name=task, exact=True)


def column(page: Page, row: Locator, header: str) -> Locator:
    """The cell of a table row under the column headed `header`."""
    headers = [text.strip() for text in page.get_by_role("columnheader").all_inner_texts()]
    return row.locator(":scope > th, :scope > td").nth(headers.index(header))


def save_later(page: Page) -> None:
    page.get_by_role("button", name="Save and come back later").click()


def save_and_continue(page: Page) -> None:
    page.get_by_role("button", name="Save and continue").click()


def expect_message(page: Page, text: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(text)


def sign_up(page: Page, assert_accessible) -> None:
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("main").get_by_role("link", name="Start a self-assessment").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    assert_accessible(page)
    page.get_by_label("Full name").fill("Sam Taylor")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm your password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    # The address is confirmed by the link emailed to it (the live server runs in this process,
    # so its outbox is this one).
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)
    link = confirmation_link()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm and log in").click()


def confirmation_link() -> str:
    """The path of the confirmation link in the last email sent to EMAIL, waiting for it a little
    (the email leaves once the sign-up's transaction has committed)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for message in reversed(mail.outbox):
            found = re.search(r"https?://[^/\s]+(/accounts/signup/confirm/\S+/)", message.body)
            if message.to == [EMAIL] and found:
                return found.group(1)
        time.sleep(0.1)
    raise AssertionError(f"No confirmation email reached {EMAIL}.")


def create_organisation(page: Page, assert_accessible) -> None:
    """Fill everything but the nations first, to see the error and that nothing typed is lost."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your organisation")
    expect_message(page, "Your account has been created and you are logged in.")
    assert_accessible(page)
    page.get_by_label("Organisation name").fill(ORGANISATION)
    page.get_by_label("School or college").check()
    page.get_by_label("11–13").check()
    page.get_by_label("14–17").check()
    vulnerabilities = page.get_by_role("group", name="additional vulnerabilities")
    vulnerabilities.get_by_label("Yes").check()
    page.get_by_role("button", name="Create organisation").click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    assert_accessible(page)
    expect(page.get_by_label("Organisation name")).to_have_value(ORGANISATION)
    expect(page.get_by_label("School or college")).to_be_checked()
    expect(page.get_by_label("14–17")).to_be_checked()
    expect(vulnerabilities.get_by_label("Yes")).to_be_checked()
    summary.get_by_role("link", name="Select at least one UK nation").click()
    expect(page.get_by_label("England")).to_be_focused()
    page.get_by_label("England").check()
    page.get_by_label("Wales").check()
    page.get_by_role("button", name="Create organisation").click()


def start_assessment(page: Page, assert_accessible) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(ORGANISATION)
    expect_message(page, f"{ORGANISATION} has been created. You are its owner.")
    expect(page.get_by_text("England, Wales")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Start your first assessment").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Start a new assessment")
    assert_accessible(page)
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Environment", exact=True).check()
    page.get_by_label("Policy", exact=True).check()
    page.get_by_role("button", name="Start assessment").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect_message(page, f"You started “{TITLE}”.")
    for task in ["About the people you support (optional)", "Environment", "Policy"]:
        expect(status_of(page, task)).to_have_accessible_description("Not started")
    expect(status_of(page, "Content")).to_have_count(0)
    assert_accessible(page)


def answer_people(page: Page, assert_accessible) -> None:
    page.get_by_role("link", name="About the people you support").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "About the people you support (optional)"
    )
    # Filled in from the organisation's answers.
    expect(page.get_by_label("11–13")).to_be_checked()
    expect(page.get_by_label("Adults", exact=True)).not_to_be_checked()
    assert_accessible(page)

    factors = form(page).get_by_role("group").filter(has_text="Relevant to us?")
    expect(factors).to_have_count(7)
    for factor in factors.all():
        factor.get_by_label("No").check()
    factors.first.get_by_label("Yes").check()
    page.get_by_label("Notes (Vulnerabilities)").fill("Several pupils have an EHC plan.")
    save_later(page)

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect_message(page, "Your answers have been saved.")
    expect(
        status_of(page, "About the people you support (optional)")
    ).to_have_accessible_description("Completed")
    # The people section is optional: progress counts the other three.
    expect(page.get_by_text("0 of 3 required sections completed")).to_be_visible()
    assert_accessible(page)


def start_environment(page: Page, assert_accessible) -> None:
    page.get_by_role("link", name="Environment", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Environment domain")
    assert_accessible(page)
    stage(page, "Understand").get_by_label("Well").check()
    stage(page, "Understand").get_by_label("What you do now").fill(PRACTICE)
    stage(page, "Know").get_by_label("Moderately").check()
    save_later(page)

    expect_message(page, "Your answers have been saved.")
    expect(status_of(page, "Environment")).to_have_accessible_description("In progress")


def log_out_and_back_in(page: Page, assert_accessible) -> None:
    page.locator("summary", has_text="Account").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Log in")).to_be_visible()

    page.get_by_role("main").get_by_role("link", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    assert_accessible(page)
    page.get_by_label("Email address").fill(EMAIL.upper())  # addresses are not case-sensitive
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # With one organisation, "Your organisations" is its dashboard.
    expect(page.get_by_role("heading", level=1)).to_have_text(ORGANISATION)
    # The assessments table (the review status above it also links the one in progress).
    page.get_by_role("rowheader").get_by_role("link", name=TITLE, exact=True).click()
    page.get_by_role("link", name="Environment", exact=True).click()


def finish_environment_after_an_error(page: Page, assert_accessible) -> None:
    """The second sitting: the first sitting's answers are there; a too-long answer is refused
    without losing anything else typed on the page."""
    understand, know = stage(page, "Understand"), stage(page, "Know")
    expect(understand.get_by_label("Well")).to_be_checked()
    expect(understand.get_by_label("What you do now")).to_have_value(PRACTICE)
    expect(know.get_by_label("Moderately")).to_be_checked()

    stage(page, "Learn").get_by_label("Well").check()
    stage(page, "Recover").get_by_label("Poorly").check()
    know.get_by_label("What you will do next").fill(NEXT_STEPS)
    owner = know.get_by_label("Who will do it")
    # Browsers stop typing at maxlength; the server's limit is for clients that do not.
    owner.evaluate("field => field.removeAttribute('maxlength')")
    owner.fill("x" * 201)
    save_and_continue(page)

    expect(page).to_have_title(re.compile(r"^Error: Environment"))
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    assert_accessible(page)
    expect(stage(page, "Learn").get_by_label("Well")).to_be_checked()
    expect(stage(page, "Recover").get_by_label("Poorly")).to_be_checked()
    expect(know.get_by_label("What you will do next")).to_have_value(NEXT_STEPS)
    expect(understand.get_by_label("What you do now")).to_have_value(PRACTICE)
    summary.get_by_role(
        "link", name="Who will do it (Know) must be 200 characters or fewer"
    ).click()
    expect(owner).to_be_focused()
    owner.fill("Head of pastoral care")
    save_and_continue(page)


def answer_policy(page: Page, assert_accessible) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Policy domain")
    expect(page.get_by_text("Section 3 of 4")).to_be_visible()
    assert_accessible(page)
    for name in ["Understand", "Know", "Learn", "Recover"]:
        stage(page, name).get_by_label("Moderately").check()
    save_and_continue(page)


def answer_checklist_but_one(page: Page, assert_accessible) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Self-assessment checklist")
    assert_accessible(page)
    statements = form(page).locator("fieldset")  # a statement's ratings: its guidance is apart
    expect(statements).to_have_count(8)
    for statement in statements.all()[:-1]:
        statement.get_by_label("Well").check()
    save_and_continue(page)


def complete(page: Page, assert_accessible) -> None:
    """Completing with a statement unrated lists it; its link leads to it, then completing works."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.get_by_text(PRACTICE)).to_be_visible()
    expect(page.get_by_text("Head of pastoral care")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Complete assessment").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("You need to answer these")
    expect(summary.get_by_role("link")).to_have_count(1)
    assert_accessible(page)
    summary.get_by_role("link").click()

    last = form(page).locator("fieldset").last
    expect(last.get_by_label("Poorly")).to_be_focused()
    last.get_by_label("Well").check()
    save_and_continue(page)
    page.get_by_role("button", name="Complete assessment").click()


def check_locked(page: Page, assert_accessible) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessment complete")
    assert_accessible(page)
    page.get_by_role("link", name="Back to the task list").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Completed: all 3 required sections")).to_be_visible()
    for task in ["About the people you support (optional)", "Environment", "Policy"]:
        expect(status_of(page, task)).to_have_accessible_description("Completed")
    expect(status_of(page, "Check your answers and complete")).to_have_accessible_description(
        "Completed"
    )
    assert_accessible(page)

    page.get_by_role("link", name="Environment", exact=True).click()
    expect(page.get_by_role("note")).to_contain_text("is locked, so its answers are read-only")
    expect(page.get_by_text(PRACTICE)).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Save"))).to_have_count(0)
    expect(page.get_by_role("radio")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=ORGANISATION).click()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=TITLE))
    expect(column(page, row, "Status")).to_have_text("Completed")
    expect(column(page, row, "Progress")).to_have_text("3 of 3 required sections")
    expect(column(page, row, "Score")).to_have_text(re.compile(r"\d+%"))
    expect(column(page, row, "Score")).to_have_text(HEADLINE_SCORE)
    assert_accessible(page)


def test_new_user_completes_an_assessment_in_two_sittings(page: Page, assert_accessible):
    sign_up(page, assert_accessible)
    create_organisation(page, assert_accessible)
    start_assessment(page, assert_accessible)
    answer_people(page, assert_accessible)
    start_environment(page, assert_accessible)
    log_out_and_back_in(page, assert_accessible)
    finish_environment_after_an_error(page, assert_accessible)
    answer_policy(page, assert_accessible)
    answer_checklist_but_one(page, assert_accessible)
    complete(page, assert_accessible)
    check_locked(page, assert_accessible)
