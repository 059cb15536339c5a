"""The demo's completed four-domain report as a board reads it: on paper in twelve pages or
fewer with no page left mostly empty, its sign-off on the executive summary, people by name and
job title, every rating once and in words, targeted signposting and a short appendix."""

import io
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from pypdf import PdfReader

from assessments.models import Assessment
from assessments.reporting import pdf
from assessments.reporting.report import build_report

MAX_PAGES = 12
# A4 with the print stylesheet's margins (24 mm top, 22 mm bottom), in points.
PAGE_TOP = 841.89 - 24 * 72 / 25.4
PAGE_BOTTOM = 22 * 72 / 25.4
# The headings that start a part: the page before one may end early.
PART_STARTS = ("Executive summary", "Action plan")


@pytest.fixture
def demo(db) -> Assessment:
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    return (
        Assessment.objects.completed()
        .filter(organisation__slug="demo")
        .order_by("-completed_at")
        .first()
    )


@pytest.fixture
def demo_pdf(demo) -> PdfReader:
    return PdfReader(io.BytesIO(pdf.render_report_pdf(build_report(demo))))


def lowest_text(page) -> float:
    """The y of the lowest line of body text on a page (the running footer left out)."""
    ys = []

    def visit(text, cm, tm, font, size):
        y = tm[5] * cm[3] + cm[5]
        if text.strip() and y > PAGE_BOTTOM:
            ys.append(y)

    page.extract_text(visitor_text=visit)
    return min(ys)


def test_the_demo_report_fits_twelve_pages_with_no_page_mostly_empty(demo_pdf):
    pages = demo_pdf.pages
    texts = [page.extract_text() for page in pages]

    assert len(pages) <= MAX_PAGES
    for number, page in enumerate(pages[1:-1], start=2):
        next_text = " ".join(texts[number].split()[:12])
        if any(heading in next_text for heading in PART_STARTS):
            continue  # a new part starts on the next page
        used = (PAGE_TOP - lowest_text(page)) / (PAGE_TOP - PAGE_BOTTOM)
        assert used >= 0.5, f"page {number} is only {used:.0%} used"


def test_the_executive_summary_carries_the_sign_off(demo, demo_pdf):
    summary = next(
        " ".join(page.extract_text().split())
        for page in demo_pdf.pages
        if "Executive summary" in page.extract_text()
        and "Summary for the board" in page.extract_text()
    )

    assert "What we found We are strongest at helping young people" in summary
    assert "What we will do Write an out-of-hours escalation plan" in summary
    assert "What we need from the board Approve two training days" in summary
    assert "Approved" in summary
    assert "By Board of Trustees, Riverside Community Learning Trust on 28 October 2026" in summary
    assert "Next review" in summary and "By 15 October 2027, or sooner" in summary


def test_the_cover_names_people_with_job_titles_never_by_email(demo, demo_pdf):
    cover = " ".join(demo_pdf.pages[0].extract_text().split())
    everything = " ".join(page.extract_text() for page in demo_pdf.pages)

    assert "Alex Morgan (Designated Safeguarding Lead)" in cover
    assert "Priya Shah (Online Safety Coordinator)" in cover
    assert not re.search(r"[\w.]+@[\w.]+", everything)


def test_every_rating_appears_once_and_as_a_word(demo):
    report = build_report(demo)
    html = render_to_string(pdf.TEMPLATE, {"report": report})

    ratings = re.findall(
        r'<span class="rating rating-[^"]+">.*?</span></span> (\w[\w ]*)</span>', html
    )
    items = len(report.checklist) + sum(
        len(block.answers) for part in report.domains for block in part.stages
    )
    assert len(ratings) == items
    assert set(ratings) <= {"Poorly", "Moderately", "Well", "Not rated"}
    # A score is a group's: no chart or table shows one rating as a percentage.
    assert "Score by domain and stage" not in html
    assert "Checklist ratings" not in html


def test_the_signposting_is_targeted_and_the_appendix_lists_members_with_their_sites(demo):
    report = build_report(demo)
    html = render_to_string(pdf.TEMPLATE, {"report": report})
    appendix = html.split('id="members"')[1]

    assert 0 < sum(len(group.resources) for group in report.signposting) <= 6
    for member in report.members:
        assert member.name in appendix or member.name.replace("&", "&amp;") in appendix
    assert "bbc.co.uk" in appendix and "https://www.bbc.co.uk/" in appendix
