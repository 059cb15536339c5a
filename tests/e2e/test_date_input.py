"""By when is three boxes, Day, Month and Year: a half-typed date is kept and explained."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments.models import Assessment

EMAIL = "ana.silva@riverside.example"
PASSWORD = "a-long-and-unusual-passphrase"


@pytest.fixture
def assessment(make_assessment) -> Assessment:
    return make_assessment(EMAIL, PASSWORD, title="Autumn review")


def test_by_when_half_typed_is_kept_explained_and_then_saved(
    page: Page, assessment: Assessment, log_in, assert_accessible
):
    know = assessment.question_answers.get(question__key="environment-know")
    box = f"#id_q{know.question_id}-target_date"
    year = str(timezone.localdate().year + 1)
    log_in(EMAIL, PASSWORD)
    page.goto(
        f"/orgs/{assessment.organisation.slug}/assessments/{assessment.pk}/domains/environment/"
    )

    page.locator(f"{box}_0").fill("31")
    page.locator(f"{box}_2").fill(year)
    page.get_by_role("button", name="Save and come back later").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("By when (Know) must include a month")
    link = summary.get_by_role("link", name="By when (Know) must include a month")
    expect(link).to_have_attribute("href", f"{box}_1")
    expect(page.locator(f"{box}_1")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"{box}_0")).to_have_value("31")
    expect(page.locator(f"{box}_0")).not_to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    page.locator(f"{box}_1").fill("3")
    page.get_by_role("button", name="Save and come back later").click()

    expect(page.get_by_text("Your answers have been saved")).to_be_visible()
    know.refresh_from_db()
    assert know.target_date.isoformat() == f"{year}-03-31"
