import csv
import io
import re
from datetime import datetime

import pytest
from django.urls import reverse

from assessments.models import Assessment, Membership
from assessments.reviews import services
from assessments.walkthrough import services as walkthrough_services
from tests.assessments.factories import assessment_url, complete, page_queries
from tests.assessments.reviews.conftest import days

pytestmark = pytest.mark.django_db


def url(name: str, organisation) -> str:
    return reverse(f"assessments:{name}", args=[organisation.slug])


# --- Interim review ------------------------------------------------------------------------


def test_interim_form_says_it_starts_from_the_latest_completed_assessment(
    editor_client, organisation, make_completed
):
    make_completed("Annual review 2026")

    content = editor_client.get(url("interim_review", organisation)).content.decode()

    assert "starts from your latest completed assessment, “Annual review 2026”" in content
    assert "<legend" in content and "Why are you starting an interim review?" in content
    assert "Up to 1,000 characters." in content


def test_interim_form_says_it_starts_from_scratch_without_a_completed_assessment(
    editor_client, organisation
):
    content = editor_client.get(url("interim_review", organisation)).content.decode()

    assert "has no completed assessment yet, so the review starts from scratch" in content


def test_interim_form_warns_of_an_assessment_in_progress(editor_client, organisation, assessment):
    content = editor_client.get(url("interim_review", organisation)).content.decode()

    assert "An assessment is already in progress" in content
    assert assessment_url("detail", assessment) in content


def test_starting_an_interim_review_goes_to_its_task_list(
    editor_client, organisation, editor, make_completed
):
    latest = make_completed()

    response = editor_client.post(
        url("interim_review", organisation),
        {"reason": "technology", "details": "We gave every pupil a tablet.", "title": ""},
        follow=True,
    )

    interim = organisation.assessments.get(kind=Assessment.Kind.INTERIM)
    assert response.redirect_chain == [(assessment_url("detail", interim), 302)]
    assert interim.based_on == latest and interim.created_by == editor
    assert interim.interim_details == "We gave every pupil a tablet."
    # Without a title, the reason and the month make one.
    assert interim.title == f"Interim review: New technology ({days(0):%B %Y})"
    content = response.content.decode()
    assert "You started the interim review" in content
    assert "Interim review: New technology" in content  # the task list's line


def test_interim_form_with_problems_keeps_what_was_typed(editor_client, organisation):
    response = editor_client.post(
        url("interim_review", organisation),
        {"details": "x" * 1001, "title": "Our own\ntitle"},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "Select why you are starting an interim review" in content
    assert "What happened must be 1,000 characters or fewer" in content
    assert "x" * 1001 in content
    assert not organisation.assessments.exists()


def test_interim_form_needs_what_happened_and_keeps_the_reason(editor_client, organisation):
    response = editor_client.post(
        url("interim_review", organisation), {"reason": "incident", "details": "  "}
    )

    content = response.content.decode()
    assert "Enter what happened" in content
    assert re.search(r'value="incident"[^>]*checked', content)


def test_interim_form_refuses_a_title_of_several_lines(editor_client, organisation):
    response = editor_client.post(
        url("interim_review", organisation),
        {"reason": "incident", "details": "A report", "title": "Two\nlines"},
    )

    assert response.status_code == 200
    assert "Two\nlines" in response.content.decode()
    assert not organisation.assessments.exists()


def test_interim_form_refuses_an_unknown_reason(editor_client, organisation):
    response = editor_client.post(
        url("interim_review", organisation), {"reason": "boredom", "details": "A report"}
    )

    assert response.status_code == 200
    assert "Select a reason from the list" in response.content.decode()


def test_report_context_names_the_interim_reason_and_what_happened(
    client, viewer, organisation, editor
):
    interim = services.start_interim_review(
        organisation=organisation,
        user=editor,
        reason="incident",
        details="A pupil shared a harmful video.",
        title="After the video",
    )
    client.force_login(viewer)

    content = client.get(assessment_url("report", interim)).content.decode()

    assert "Interim review: An incident" in content
    assert "A pupil shared a harmful video." in content


# --- Reminders -----------------------------------------------------------------------------


def test_reminders_page_shows_the_members_own_setting(client, viewer, organisation):
    Membership.objects.filter(user=viewer).update(reminders=False)
    client.force_login(viewer)

    content = client.get(url("reminders", organisation)).content.decode()

    assert "Reminders are <strong>off</strong> for you." in content
    assert "As a viewer, you get reminders only about actions you own." in content
    assert 'name="reminders" id="id_reminders">' in content  # unchecked


def test_switching_reminders_off_and_on(client, viewer, organisation):
    client.force_login(viewer)

    response = client.post(url("reminders", organisation), {}, follow=True)

    membership = organisation.memberships.get(user=viewer)
    assert response.redirect_chain == [(url("reminders", organisation), 302)]
    assert not membership.reminders
    assert "Reminders are off: you will no longer get reminder emails" in (
        response.content.decode()
    )
    client.post(url("reminders", organisation), {"reminders": "on"})
    membership.refresh_from_db()
    assert membership.reminders


def test_switching_reminders_changes_only_ones_own(client, owner, editor, organisation):
    client.force_login(owner)

    client.post(url("reminders", organisation), {})

    assert list(organisation.memberships.filter(reminders=False).values_list("user", flat=True))
    assert organisation.memberships.get(user=editor).reminders


# --- Review log ----------------------------------------------------------------------------


@pytest.fixture
def history(organisation, owner, editor, make_assessment) -> list[Assessment]:
    """A scheduled review completed, reopened, completed again and signed off; then an
    interim review in progress."""
    scheduled = make_assessment(title="Annual review 2025")
    complete(scheduled, owner, on=datetime(2025, 10, 1, 12))
    walkthrough_services.reopen_assessment(assessment=scheduled, user=owner)
    scheduled = complete(scheduled, editor)
    walkthrough_services.record_sign_off(
        assessment=scheduled,
        user=owner,
        values={"approved_by": "Board of governors", "board_findings": "Good progress"},
        version=scheduled.sign_off_version,
    )
    interim = services.start_interim_review(
        organisation=organisation,
        user=editor,
        reason="incident",
        details='=HYPERLINK("http://evil.example")',
        title="After the incident",
    )
    return [scheduled, interim]


def test_review_log_lists_every_assessment_and_its_lifecycle(client, viewer, history):
    scheduled, interim = history
    client.force_login(viewer)

    content = client.get(url("review_log", scheduled.organisation)).content.decode()

    assert content.index("After the incident") < content.index("Annual review 2025")
    assert "Interim review" in content and "An incident" in content
    assert "=HYPERLINK(&quot;http://evil." in content
    for event in ["Started the assessment", "Completed the assessment", "Reopened the assessment"]:
        assert event in content
    assert "Recorded the sign-off" in content
    assert "By Board of governors" in content
    assert "Start an interim review" not in content  # a viewer's page


def test_review_log_csv_has_a_row_per_event_guarded_against_formulas(
    client, viewer, history, organisation
):
    client.force_login(viewer)

    response = client.get(url("review_log_csv", organisation))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="{organisation.slug}-review-log-'
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][:6] == ["Assessment", "Type", "Reason", "What happened", "Status", "Event"]
    assert rows[1][:6] == [
        "After the incident",
        "Interim review",
        "An incident",
        '\'=HYPERLINK("http://evil.example")',
        "In progress",
        "Started the assessment",
    ]
    events = [row[5] for row in rows[2:]]
    assert events == [
        "Recorded the sign-off",
        "Completed the assessment",
        "Reopened the assessment",
        "Completed the assessment",
        "Started the assessment",
    ]
    assert {row[8] for row in rows[2:]} == {"Board of governors"}


@pytest.mark.parametrize("name", ["review_log", "review_log_csv"])
def test_review_log_reads_the_same_queries_for_one_assessment_as_for_many(
    client, viewer, organisation, make_completed, name
):
    client.force_login(viewer)
    make_completed("First")
    page_queries(client, url(name, organisation))  # not counted: the first read
    one = page_queries(client, url(name, organisation))
    for n in range(3):
        make_completed(f"More {n}")
    services.start_interim_review(
        organisation=organisation, user=viewer, reason="other", details="x", title="Interim"
    )

    assert page_queries(client, url(name, organisation)) == one


# --- Dashboard -----------------------------------------------------------------------------


def dashboard(client, user, organisation) -> str:
    client.force_login(user)
    return client.get(url("dashboard", organisation)).content.decode()


def test_dashboard_without_a_completed_assessment_says_so(client, viewer, organisation):
    content = dashboard(client, viewer, organisation)

    assert "No completed assessment yet" in content
    assert "Next review due" not in content


def test_dashboard_shows_the_next_review_date(client, viewer, organisation, make_completed):
    make_completed(review_on=days(100))

    content = dashboard(client, viewer, organisation)

    assert f'Next review due <time datetime="{days(100):%Y-%m-%d}">' in content
    assert "due in" not in content


def test_dashboard_counts_the_days_to_a_review_due_soon(
    client, viewer, organisation, make_completed
):
    make_completed(review_on=days(9))

    assert "(due in 9 days)" in dashboard(client, viewer, organisation)


def test_dashboard_flags_an_overdue_review_in_words(client, viewer, organisation, make_completed):
    make_completed(review_on=days(-3))

    content = dashboard(client, viewer, organisation)

    assert f'Review overdue since <time datetime="{days(-3):%Y-%m-%d}">' in content


def test_dashboard_shows_a_review_in_progress_rather_than_overdue(
    client, viewer, organisation, make_completed, make_assessment
):
    make_completed(review_on=days(-3))
    draft = make_assessment(title="Spring 2027 review")

    content = dashboard(client, viewer, organisation)

    assert "Review in progress:" in content and "Spring 2027 review" in content
    assert assessment_url("detail", draft) in content
    assert "Review overdue since" not in content
    assert "The review was due on" in content


def test_dashboard_offers_an_interim_review_to_owners_and_editors_only(
    client, owner, editor, viewer, organisation
):
    link = url("interim_review", organisation)

    assert link in dashboard(client, owner, organisation)
    assert link in dashboard(client, editor, organisation)
    assert link not in dashboard(client, viewer, organisation)
    assert url("review_log", organisation) in dashboard(client, viewer, organisation)


def test_dashboard_review_status_reads_the_same_queries_for_one_assessment_as_for_many(
    client, viewer, organisation, make_completed
):
    client.force_login(viewer)
    make_completed("First", review_on=days(-1))
    page_queries(client, url("dashboard", organisation))  # not counted: the first read
    one = page_queries(client, url("dashboard", organisation))
    for n in range(3):
        make_completed(f"More {n}", review_on=days(-1))

    assert page_queries(client, url("dashboard", organisation)) == one
