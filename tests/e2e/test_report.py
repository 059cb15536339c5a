"""The demo organisation's reports, dashboard and comparison in Chromium, and their downloads.

`seed_demo` gives the organisation `demo` two annual reviews a year apart and a check-in in
progress. Tests run with DEBUG off, so the demo users get their known password only with
--allow-known-password.
"""

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone
from django.utils.text import slugify
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from assessments.management.commands.seed_demo import (
    DEMO_OWNER_EMAIL,
    DEMO_PASSWORD,
    DEMO_SLUG,
)
from assessments.models import Assessment, Membership, Organisation, PdfRender, Role

# Rendering a PDF takes a second or two, far more on a busy machine (ms).
PDF_TIMEOUT = 120_000
LATEST = "Annual review 2026"
PREVIOUS = "Annual review 2025"
DRAFT_TITLE = "Spring term check-in"
# A next step of "Annual review 2026" in assessments/data/demo.yaml.
ACTION = "Check every signposted link each term and record the check."
REPORT_SECTIONS = ["Executive summary", "Action plan", "Signposted support", "About this report"]
VIEWER_EMAIL = "casey.brown@riverside.example"
VIEWER_PASSWORD = "a-long-and-unusual-passphrase"


@pytest.fixture
def demo(edition, settings) -> Organisation:
    """The demo organisation, with no PDF stored or queued yet: its completions would queue
    two renders, which these tests do not need (the PDF tests ask for theirs)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    call_command("seed_demo", "--allow-known-password", stdout=io.StringIO())
    PdfRender.objects.all().delete()
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    return Organisation.objects.get(slug=DEMO_SLUG)


def assessment(organisation: Organisation, title: str) -> Assessment:
    return organisation.assessments.get(title=title)


def report_url(item: Assessment) -> str:
    return f"/orgs/{item.organisation.slug}/assessments/{item.pk}/report/"


def words(text: str) -> str:
    """Text with every run of whitespace (line breaks included) as one space."""
    return " ".join(text.split())


def expect_report(page: Page, organisation: Organisation, item: Assessment) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(item.title)
    report = page.locator("article.report")
    expect(report.locator(".cover-organisation")).to_have_text(organisation.name)
    for name in REPORT_SECTIONS:
        expect(report.get_by_role("region", name=name, exact=True)).to_be_visible()


def test_completed_report_shows_charts_and_sections_and_is_accessible(
    page: Page, demo: Organisation, assert_accessible, log_in
):
    latest = assessment(demo, LATEST)
    log_in(DEMO_OWNER_EMAIL, DEMO_PASSWORD)
    page.goto(report_url(latest))

    expect_report(page, demo, latest)
    expect(page.get_by_text("Draft — not yet completed")).to_have_count(0)
    # One chart, of scores by stage: single ratings are words, never charted.
    charts = page.locator("article.report svg[role=img]")
    expect(charts).to_have_count(1)
    for chart in charts.all():
        chart.scroll_into_view_if_needed()
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 150 and box["height"] > 80, box
    assert_accessible(page)


def test_report_pdf_downloads_with_its_text(page: Page, demo: Organisation, log_in, tmp_path: Path):
    latest = assessment(demo, LATEST)
    log_in(DEMO_OWNER_EMAIL, DEMO_PASSWORD)
    page.goto(report_url(latest))

    with page.expect_download(timeout=PDF_TIMEOUT) as info:
        page.get_by_role("link", name="Download PDF").click(timeout=PDF_TIMEOUT)
    download = info.value
    completed_on = timezone.localdate(latest.completed_at)
    assert completed_on == date(2026, 10, 15)
    # The organisation's name, slugified (not its URL slug), then the title and completion date.
    assert download.suggested_filename == (
        f"{slugify(demo.name)}-{slugify(latest.title)}-{completed_on.isoformat()}.pdf"
    )
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    reader = PdfReader(path)
    pages = len(reader.pages)
    assert pages > 3
    text = words("\n".join(p.extract_text() for p in reader.pages))
    assert demo.name in text
    assert f"Page 1 of {pages}" in text
    statements = list(latest.edition.checklist_statements.values_list("text", flat=True))
    assert len(statements) == 8
    unspaced = "".join(text.split())  # a statement may wrap at any line
    for statement in statements:
        assert "".join(statement.split()) in unspaced, statement
    assert ACTION in text


def test_report_pdf_is_prepared_by_the_worker_while_a_page_waits_for_it(
    page: Page, demo: Organisation, assert_accessible, log_in, settings, tmp_path: Path
):
    """With the production queue, the link shows an accessible page that refreshes itself
    (no JavaScript needed) until the worker has stored the PDF; then the download starts."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    draft = assessment(demo, DRAFT_TITLE)
    log_in(DEMO_OWNER_EMAIL, DEMO_PASSWORD)
    page.goto(report_url(draft))

    page.get_by_role("link", name="Download PDF").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Preparing your PDF")
    expect(page.get_by_role("status")).to_contain_text("checks again every few seconds")
    expect(page.get_by_role("link", name="read the report on screen")).to_be_visible()
    # axe flags any timed refresh (WCAG 2.2.1, which allows one the reader can turn off): the
    # page is checked in full once the reader has turned it off.
    page.get_by_role("link", name="Stop checking automatically").click()
    expect(page.get_by_role("status")).to_contain_text("Check again in a moment")
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    assert_accessible(page)
    page.goto(report_url(draft).replace("report/", "report.pdf"))  # checking automatically
    with page.expect_download(timeout=PDF_TIMEOUT) as info:
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "-v", "0")
    path = tmp_path / "draft.pdf"
    info.value.save_as(path)
    text = words("\n".join(p.extract_text() for p in PdfReader(path).pages))
    assert "Draft — not yet completed" in text
    assert DRAFT_TITLE in text
    # Leave the page that refreshes itself, so that no refresh is under way when the browser
    # closes the page (Chromium can hang closing a page mid-navigation, crbug.com/536385539).
    page.goto(report_url(draft))


def test_draft_report_is_marked_draft_and_is_accessible(
    page: Page, demo: Organisation, assert_accessible, log_in
):
    draft = assessment(demo, DRAFT_TITLE)
    assert not draft.is_locked
    log_in(DEMO_OWNER_EMAIL, DEMO_PASSWORD)
    page.goto(report_url(draft))

    expect_report(page, demo, draft)
    banner = page.get_by_role("note")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Draft — not yet completed")
    assert_accessible(page)


def test_dashboard_trend_and_comparison_are_accessible(
    page: Page, demo: Organisation, assert_accessible, log_in
):
    previous, latest = assessment(demo, PREVIOUS), assessment(demo, LATEST)
    log_in(DEMO_OWNER_EMAIL, DEMO_PASSWORD)
    page.goto(f"/orgs/{demo.slug}/")

    expect(page.get_by_role("heading", level=1)).to_have_text(demo.name)
    trend = page.locator(".trend-chart svg[role=img]")
    expect(trend).to_be_visible()
    box = trend.bounding_box()
    assert box is not None and box["width"] > 150 and box["height"] > 80, box
    assert_accessible(page)

    page.get_by_role("link", name=f"Compare with previous ({PREVIOUS}) for {LATEST}").click()

    expect(page).to_have_url(re.compile(rf"\?a={previous.pk}&b={latest.pk}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare assessments")
    summary = page.get_by_role("list", name="Summary of rating changes")
    expect(summary).to_contain_text("improved")
    expect(summary).to_contain_text("the same")
    expect(summary).to_contain_text("worse")
    changes = page.locator("td .badge")
    for outcome in ("Improved", "Same", "Worse"):
        expect(changes.filter(has_text=re.compile(rf"^{outcome}$")).first).to_be_visible()
    assert_accessible(page)


def test_viewer_reads_report_and_downloads_json(
    page: Page, demo: Organisation, assert_accessible, log_in, tmp_path: Path
):
    latest = assessment(demo, LATEST)
    viewer = User.objects.create_user(
        username=VIEWER_EMAIL, email=VIEWER_EMAIL, password=VIEWER_PASSWORD
    )
    Membership.objects.create(user=viewer, organisation=demo, role=Role.VIEWER)
    log_in(VIEWER_EMAIL, VIEWER_PASSWORD)

    page.goto(report_url(latest))
    expect_report(page, demo, latest)
    expect(page.locator("article.report svg[role=img]")).to_have_count(1)
    assert_accessible(page)

    page.goto(f"/orgs/{demo.slug}/")
    expect(page.get_by_text("Your role:")).to_contain_text("Viewer")
    with page.expect_download() as info:
        page.get_by_role("link", name=f"JSON of {LATEST}").click()
    download = info.value
    assert download.suggested_filename.startswith(f"{demo.slug}-{slugify(LATEST)}-")
    assert download.suggested_filename.endswith(".json")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "digital-resilience-assessment"
    assert data["organisation"]["slug"] == demo.slug
    assert data["assessment"]["title"] == LATEST
    assert len(data["checklist"]) == 8
    assert all(answer["rating"] for answer in data["checklist"])
    assert len(data["questions"]) == latest.question_answers.count() > 0
    assert ACTION in [answer["next_steps"] for answer in data["questions"]]
