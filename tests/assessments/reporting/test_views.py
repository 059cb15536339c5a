"""The report page: every section from the one context builder, for any member, in a fixed
number of queries."""

import pytest

from assessments.models import Rating
from assessments.organisations import services as organisation_services
from tests.assessments.factories import assessment_url, fill, page_queries

ALL_DOMAINS = ("environment", "content", "service", "policy")


def test_report_shows_the_cover_and_context(client, viewer, completed):
    client.force_login(viewer)

    response = client.get(assessment_url("report", completed))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Hillside Academy" in page
    assert "Spring review" in page
    edition = completed.edition
    assert f"{edition.title}, version {edition.version}" in page
    assert completed.completed_at.strftime("%-d %B %Y") in page
    # A board paper names people, never by email: the owner has no name on a profile.
    assert "Prepared by" in page and "A member (no name on their profile)" in page
    assert "owner@hillside.example" not in page
    assert "Environment domain" in page and "Content domain" in page
    assert "11–13, 14–17" in page
    assert "Rural members meet online between sessions." in page
    assert "Draft — not yet completed" not in page


def test_report_shows_every_checklist_statement_with_its_rating(client, viewer, completed):
    client.force_login(viewer)

    response = client.get(assessment_url("report", completed))

    report = response.context["report"]
    assert len(report.checklist) == 8
    page = response.content.decode()
    for answer in report.checklist:
        block = page.split(f'id="checklist-{answer.statement.key}"', 1)[1].split("</li>", 1)[0]
        assert answer.statement.text in block
        assert f'<span class="rating rating-{answer.rating}">' in block
        assert f"</span> {answer.get_rating_display()}</span>" in block
    assert "Covered at induction." in page


def test_report_shows_summary_actions_and_signposting(client, viewer, completed):
    client.force_login(viewer)

    response = client.get(assessment_url("report", completed))

    report = response.context["report"]
    page = response.content.decode()
    assert "Executive summary" in page
    assert '<p class="headline-value">' in page
    assert "Strongest areas" in page and "Most urgent priorities" in page
    assert "Write a staff briefing on reporting routes." in page
    assert "Jo Bloggs, Safeguarding Lead" in page
    resource = report.signposting[0].resources[0]
    assert resource.title in page
    assert f'<a href="{resource.url}"' in page
    assert "How scores are calculated" in page
    assert 'aria-labelledby="chart-stages-title"' in page
    # Single ratings are never charted as numbers: no heat map, no separate checklist chart.
    assert "chart-heat-map" not in page and "chart-checklist" not in page
    assert "<caption>Score by stage</caption>" in page
    assert "Sign-off" not in page or "Record the sign-off" not in page  # viewers cannot


def test_report_of_a_draft_says_so_and_shows_unrated_items_as_not_rated(client, viewer, assessment):
    assessment.question_answers.filter(question__key="environment-understand").update(
        rating=Rating.WELL
    )
    client.force_login(viewer)

    response = client.get(assessment_url("report", assessment))

    page = response.content.decode()
    assert "Draft — not yet completed" in page
    assert "1 of 16 items are rated" in page
    assert '<span class="rating rating-none">' in page
    assert "</span> Not rated</span>" in page
    assert "1 of 2 rated" in page


def test_report_shows_pasted_html_as_text(client, owner, assessment):
    assessment.question_answers.update(current_practice="<script>alert(1)</script>")
    client.force_login(owner)

    page = client.get(assessment_url("report", assessment)).content.decode()

    # Long runs get zero-width spaces to break at (reporting/text.py): read without them.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.replace("\u200b", "")
    assert "<script>alert(1)</script>" not in page


def test_report_is_not_found_for_another_organisation(client, outsider, completed):
    client.force_login(outsider)

    assert client.get(assessment_url("report", completed)).status_code == 404
    assert client.get(assessment_url("report_pdf", completed)).status_code == 404


def test_task_list_links_to_the_report_and_its_pdf(client, viewer, assessment):
    client.force_login(viewer)

    page = client.get(assessment.get_absolute_url()).content.decode()

    assert f'href="{assessment_url("report", assessment)}">View report' in page
    assert f'href="{assessment_url("report_pdf", assessment)}">Download PDF' in page


@pytest.fixture
def one_and_four(make_assessment):
    """Two drafts (so the PDF is rendered every time), of one and of four domains."""
    assessments = []
    for domains in [("environment",), ALL_DOMAINS]:
        assessment = make_assessment(domains=domains)
        fill(assessment)
        assessments.append(assessment)
    return assessments


@pytest.mark.parametrize("name", ["report", "report_pdf"])
def test_report_queries_do_not_grow_with_domains(client, viewer, one_and_four, name):
    one, four = one_and_four
    client.force_login(viewer)
    # The session's first read is not counted, nor what is read once per process; each PDF is
    # counted on its first request, which renders it (the tests' tasks run inline).
    for assessment in (one, four):
        page_queries(client, assessment_url("report", assessment))
    if name == "report":
        page_queries(client, assessment_url(name, one))
    one_domain = page_queries(client, assessment_url(name, one))

    assert page_queries(client, assessment_url(name, four)) == one_domain


def test_report_page_lists_participants_with_names_and_job_titles(
    client, viewer, owner, assessment
):
    organisation_services.update_profile(
        user=owner, full_name="Olu Owner", job_title="Designated Safeguarding Lead"
    )
    client.force_login(viewer)

    html = client.get(assessment_url("report", assessment)).content.decode()

    assert "Olu Owner (Designated Safeguarding Lead)" in html
