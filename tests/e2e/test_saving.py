"""In a real browser, nothing typed on a section page is lost: not to a problem in another
answer, nor to a session that ended in another tab before the save."""

import pytest
from playwright.sync_api import Page, expect

from assessments.models import Assessment, QuestionAnswer

EMAIL = "priya.shah@hillside.example"
PASSWORD = "a-long-and-unusual-passphrase"
EVIDENCE = "Filtering is reviewed each term by the safeguarding lead; reports go to governors."


@pytest.fixture
def assessment(make_assessment) -> Assessment:
    return make_assessment(EMAIL, PASSWORD, title="Spring review")


def answer(assessment: Assessment, stage: str) -> QuestionAnswer:
    return assessment.question_answers.get(question__key=f"environment-{stage}")


def section_path(assessment: Assessment) -> str:
    return f"/orgs/{assessment.organisation.slug}/assessments/{assessment.pk}/domains/environment/"


def test_a_problem_in_one_answer_never_loses_the_others(
    page: Page, assessment: Assessment, log_in, assert_accessible
):
    log_in(EMAIL, PASSWORD)
    page.goto(section_path(assessment))
    understand, know = answer(assessment, "understand"), answer(assessment, "know")
    page.fill(f"#id_q{understand.question_id}-current_practice", EVIDENCE)
    page.fill(f"#id_q{know.question_id}-next_steps", "Move the filter review to the summer term")
    page.fill(f"#id_q{know.question_id}-target_date_0", "31")  # 31 February: no such date
    page.fill(f"#id_q{know.question_id}-target_date_1", "2")
    page.fill(f"#id_q{know.question_id}-target_date_2", "2030")

    page.get_by_role("button", name="Save and come back later").click()

    expect(page.get_by_text("We saved your other answers on this page")).to_be_visible()
    expect(page.locator(f"#id_q{know.question_id}-target_date_0")).to_have_value("31")
    expect(page.locator(f"#id_q{know.question_id}-next_steps")).to_have_value(
        "Move the filter review to the summer term"
    )
    assert_accessible(page)
    page.once("dialog", lambda dialog: dialog.accept())  # "leave with unsaved changes?"
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Spring review"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring review")

    page.goto(section_path(assessment))
    expect(page.locator(f"#id_q{understand.question_id}-current_practice")).to_have_value(EVIDENCE)
    assert answer(assessment, "understand").current_practice == EVIDENCE


def test_answers_typed_while_signed_out_elsewhere_come_back_after_signing_in(
    page: Page, assessment: Assessment, log_in, assert_accessible
):
    log_in(EMAIL, PASSWORD)
    page.goto(section_path(assessment))
    know = answer(assessment, "know")
    page.fill(f"#id_q{know.question_id}-next_steps", EVIDENCE)
    other_tab = page.context.new_page()
    other_tab.goto("/orgs/")
    other_tab.get_by_text("Account").click()
    other_tab.get_by_role("button", name="Log out").click()
    # Signed out there: the tab lands on the home page. It stays open. Closing a tab while its
    # navigation commits can hang Chromium for good (crbug.com/536385539, Playwright #42366).
    expect(
        other_tab.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    ).to_be_visible()
    page.bring_to_front()

    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_text("what you typed is kept")).to_be_visible()
    page.fill("#id_username", EMAIL)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your answers are not saved yet")).to_be_visible()
    expect(page.locator(f"#id_q{know.question_id}-next_steps")).to_have_value(EVIDENCE)
    assert_accessible(page)
    assert answer(assessment, "know").next_steps == ""

    page.get_by_role("button", name="Save and come back later").click()

    expect(page.get_by_text("Your answers have been saved")).to_be_visible()
    assert answer(assessment, "know").next_steps == EVIDENCE
