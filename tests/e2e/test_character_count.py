"""In a real browser, each answer box with a limit counts down the characters left as people
type, and tells screen readers politely once they pause; a long answer saved before the limit
was lowered says how far over it is."""

import pytest
from playwright.sync_api import Page, expect

from assessments.models import Assessment
from assessments.walkthrough.forms import CURRENT_PRACTICE_LIMIT, NEXT_STEPS_LIMIT

EMAIL = "priya.shah@hillside.example"
PASSWORD = "a-long-and-unusual-passphrase"


@pytest.fixture
def assessment(make_assessment) -> Assessment:
    return make_assessment(EMAIL, PASSWORD, title="Spring review")


def section_path(assessment: Assessment) -> str:
    return f"/orgs/{assessment.organisation.slug}/assessments/{assessment.pk}/domains/environment/"


def test_answer_boxes_count_down_and_announce_the_count(
    page: Page, assessment: Assessment, log_in, assert_accessible
):
    know = assessment.question_answers.get(question__key="environment-know")
    know.current_practice = "x" * (CURRENT_PRACTICE_LIMIT + 5)  # saved under an older limit
    know.save()
    log_in(EMAIL, PASSWORD)
    page.goto(section_path(assessment))
    box = f"#id_q{know.question_id}-next_steps"

    expect(page.locator(f"{box}_count")).to_have_text(
        f"You have {NEXT_STEPS_LIMIT:,} characters remaining"
    )
    expect(page.locator(f"#id_q{know.question_id}-current_practice_count")).to_have_text(
        "You have 5 characters too many"
    )
    page.locator(box).press_sequentially("Ten chars\n")  # a line break counts as one

    expect(page.locator(f"{box}_count")).to_have_text(
        f"You have {NEXT_STEPS_LIMIT - 10:,} characters remaining"
    )
    expect(page.locator(f"{box}_count")).to_have_attribute("aria-hidden", "true")
    status = page.locator(f"{box}_count_status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text(f"You have {NEXT_STEPS_LIMIT - 10:,} characters remaining")
    assert_accessible(page)
