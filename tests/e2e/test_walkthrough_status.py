"""Honest status in Chromium: a task list with copied sections to review, an optional people
section and target dates that have passed; completing, and the confirmation page. Each page is
checked with axe."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments.models import Assessment, Organisation, Rating, a_year_after
from assessments.organisations import services as organisation_services
from assessments.walkthrough import services
from framework.models import Edition

EMAIL = "priya.shah@hillside.example"
PASSWORD = "a-long-and-unusual-passphrase"
LAST_YEAR = "Spring 2020"
THIS_YEAR = "Spring 2021"


@pytest.fixture
def organisation(edition: Edition) -> Organisation:
    user = User.objects.create_user(username=EMAIL, email=EMAIL, password=PASSWORD)
    organisation_services.update_profile(user=user, full_name="Priya Shah", job_title="")
    return organisation_services.create_organisation(
        user=user,
        name="Hillside Academy",
        kind=Organisation.Kind.SCHOOL,
        nations=["england"],
        age_groups=["11-13"],
        additional_vulnerabilities=False,
    )


def start(organisation: Organisation, title: str, **kwargs) -> Assessment:
    edition = Edition.objects.current()
    return services.start_assessment(
        organisation=organisation,
        user=organisation.memberships.get().user,
        title=title,
        domains=list(edition.domains.filter(key__in=["environment", "policy"])),
        **kwargs,
    )


def rate_all(assessment: Assessment) -> None:
    """Every question and statement rated Moderately; the optional people section left alone."""
    assessment.question_answers.update(
        rating=Rating.MODERATELY, next_steps="Brief staff.", target_date=date(2020, 3, 31)
    )
    assessment.checklist_answers.update(rating=Rating.MODERATELY)
    services.refresh_section_statuses(assessment)


def url(assessment: Assessment, page: str = "") -> str:
    return f"/orgs/{assessment.organisation.slug}/assessments/{assessment.pk}/{page}"


def test_task_list_shows_review_needed_and_the_optional_section(
    page: Page, organisation, log_in, assert_accessible
):
    previous = start(organisation, LAST_YEAR)
    rate_all(previous)
    services.complete_assessment(assessment=previous, user=previous.created_by)
    copied = start(organisation, THIS_YEAR, based_on=previous)
    log_in(EMAIL, PASSWORD)

    page.goto(url(copied))

    expect(page.get_by_role("heading", level=1)).to_have_text(THIS_YEAR)
    expect(page.get_by_text("0 of 3 required sections completed")).to_be_visible()
    people = page.get_by_role("link", name="About the people you support (optional)")
    expect(people).to_have_accessible_description("Not started")
    for task in ["Environment", "Policy", "Self-assessment checklist"]:
        link = page.get_by_role("link", name=task, exact=True)
        expect(link).to_have_accessible_description("Review needed")
    expect(page.get_by_role("note")).to_contain_text(f"started from “{LAST_YEAR}”")
    expect(page.get_by_text("The target date 31 March 2020 has passed")).to_have_count(8)
    expect(page.get_by_text("Priya Shah started the assessment")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Check your answers and complete").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    page.get_by_role("button", name="Complete assessment").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("You need to check these")
    expect(summary.get_by_role("link")).to_have_count(3)
    assert_accessible(page)


def test_completing_shows_the_confirmation_page(
    page: Page, organisation, log_in, assert_accessible
):
    assessment = start(organisation, THIS_YEAR)
    rate_all(assessment)
    log_in(EMAIL, PASSWORD)

    page.goto(url(assessment, "complete/"))  # a GET goes to the page with the button

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    page.get_by_role("button", name="Complete assessment").click()

    expect(page).to_have_url(re.compile(re.escape(url(assessment, "completed/")) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessment complete")
    expect(page.get_by_text("by Priya Shah")).to_be_visible()
    expect(page.get_by_role("link", name="View the report")).to_be_visible()
    expect(page.get_by_role("link", name="Download the report as a PDF")).to_be_visible()
    # The owner completed with the sign-off's default next review: twelve months on.
    review = a_year_after(timezone.localdate()).strftime("%-d %B %Y")
    expect(page.get_by_role("heading", name=f"Review it by {review}")).to_be_visible()
    expect(page.get_by_role("link", name="Record the sign-off")).to_be_visible()
    expect(page.get_by_role("link", name="Start a new assessment from this one")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Back to the task list").click()
    expect(page.get_by_text("Completed: all 3 required sections")).to_be_visible()
    assert_accessible(page)
