from datetime import datetime

import pytest

from assessments.models import Activity, display_name
from assessments.reviews import queries
from assessments.walkthrough import services
from tests.assessments.factories import complete
from tests.assessments.reviews.conftest import days

pytestmark = pytest.mark.django_db


def test_review_status_without_a_completed_assessment_has_no_due_date(organisation):
    status = queries.review_status(organisation)

    assert status.latest is None and status.in_progress is None
    assert status.due_on is None
    assert not status.is_overdue and not status.is_due_soon


def test_review_status_counts_the_days_to_a_review_within_30_days(organisation, make_completed):
    make_completed(review_on=days(12))

    status = queries.review_status(organisation)

    assert status.due_on == days(12)
    assert status.is_due_soon and not status.is_overdue
    assert status.days_left == 12


def test_review_status_is_not_due_soon_more_than_30_days_ahead(organisation, make_completed):
    make_completed(review_on=days(31))

    status = queries.review_status(organisation)

    assert not status.is_due_soon and not status.is_overdue


def test_review_status_is_overdue_the_day_after_its_date(organisation, make_completed):
    make_completed(review_on=days(-1))

    assert queries.review_status(organisation).is_overdue


def test_review_status_is_about_the_latest_completed_assessment(organisation, make_completed):
    make_completed("Last year", review_on=days(-100), completed_days_ago=400)
    latest = make_completed("This year", review_on=days(200), completed_days_ago=10)

    status = queries.review_status(organisation)

    assert status.latest == latest
    assert status.due_on == days(200) and not status.is_overdue


def test_review_status_names_the_assessment_in_progress(organisation, make_completed, assessment):
    make_completed(review_on=days(-5))

    status = queries.review_status(organisation)

    assert status.in_progress == assessment
    assert status.is_overdue


def test_review_status_reads_two_queries_however_many_assessments(
    organisation, make_completed, make_assessment, django_assert_num_queries
):
    make_completed("First")
    make_assessment(title="Draft")
    with django_assert_num_queries(2):
        queries.review_status(organisation)
    for n in range(3):
        make_completed(f"More {n}")
        make_assessment(title=f"Draft {n}")

    with django_assert_num_queries(2):
        status = queries.review_status(organisation)

    assert status.latest.title == "More 2"


def test_interim_domains_are_the_latest_assessments_by_key(edition, make_completed):
    latest = make_completed(domains=("environment", "policy"))

    domains = queries.interim_domains(edition, latest)

    assert [domain.key for domain in domains] == ["environment", "policy"]


def test_interim_domains_without_a_completed_assessment_are_all_four(edition):
    domains = queries.interim_domains(edition, None)

    assert [d.key for d in domains] == ["environment", "content", "service", "policy"]


def test_review_log_lists_assessments_newest_first_with_their_lifecycle(
    organisation, make_assessment, owner, editor
):
    older = make_assessment(title="Autumn 2025")
    complete(older, owner, on=datetime(2025, 10, 1, 12))
    services.reopen_assessment(assessment=older, user=owner)
    complete(older, editor)
    newer = make_assessment(title="Spring 2026", user=editor)

    entries = queries.review_log(organisation)

    assert [entry.assessment for entry in entries] == [newer, older]
    assert [event.kind for event in entries[0].events] == [Activity.Kind.CREATED]
    assert [event.kind for event in entries[1].events] == [
        Activity.Kind.COMPLETED,
        Activity.Kind.REOPENED,
        Activity.Kind.COMPLETED,
        Activity.Kind.CREATED,
    ]
    assert entries[1].events[0].user == editor


def test_review_log_leaves_out_changed_answers(organisation, assessment, editor):
    answer = assessment.question_answers.first()
    services.save_section(
        assessment=assessment,
        section_key=f"domain-{answer.question.domain.key}",
        user=editor,
        expected_version=0,
        changes=[(answer, {"rating": 2})],
    )

    (entry,) = queries.review_log(organisation)

    assert [event.kind for event in entry.events] == [Activity.Kind.CREATED]


def test_review_log_reads_two_queries_however_many_assessments(
    organisation, make_completed, django_assert_num_queries
):
    make_completed("First")
    with django_assert_num_queries(2):
        queries.review_log(organisation)
    for n in range(3):
        make_completed(f"More {n}")

    with django_assert_num_queries(2):
        entries = queries.review_log(organisation)
    # Who did what is read with them: naming people reads nothing more.
    with django_assert_num_queries(0):
        names = {display_name(entry.assessment.created_by) for entry in entries}
        names |= {display_name(event.user) for entry in entries for event in entry.events}

    assert len(entries) == 4
    assert names == {"owner@hillside.example"}
