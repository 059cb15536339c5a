"""The group dashboard: its rows, statuses, scores, heat map and trend, in a fixed number of
queries whatever the number of organisations."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.groups import queries
from assessments.models import Assessment, Sharing
from assessments.walkthrough import services as walkthrough_services
from tests.assessments.factories import complete, fill
from tests.assessments.groups.factories import share


def test_dashboard_rows_say_status_scores_and_actions(group, full_link, summary_link):
    dashboard = queries.group_dashboard(group.__class__.objects.get(pk=group.pk))

    rows = {row.organisation.name: row for row in dashboard.rows}
    hillside = rows["Hillside Academy"]
    assert hillside.status == queries.COMPLETED
    assert hillside.overall == pytest.approx(66.7)
    assert [column.key for column, _ in hillside.domain_scores] == ["environment", "content"]
    assert hillside.open_actions == hillside.overdue_actions > 0
    assert set(hillside.cell_ratings) == {2}
    assert rows["Oakfield Primary School"].link.sharing == Sharing.SUMMARY
    assert dashboard.not_in_cycle == []
    assert dashboard.trend[-1][2] == pytest.approx(66.7)


def test_status_tells_overdue_in_progress_and_not_started(
    group, make_organisation, make_user, make_assessment, full_link
):
    def school(name: str):
        head = make_user(f"head@{name.lower()}.example")
        return head, make_organisation(head, name=name)

    late_head, late = school("Late")
    old = make_assessment(organisation=late, user=late_head, title="Old")
    complete(old, late_head, on=datetime.now() - timedelta(days=400))
    busy_head, busy = school("Busy")
    make_assessment(organisation=busy, user=busy_head)
    idle_head, idle = school("Idle")
    for head, organisation in [(late_head, late), (busy_head, busy), (idle_head, idle)]:
        share(group, organisation, head)

    dashboard = queries.group_dashboard(group)

    statuses = {row.organisation.name: row.status for row in dashboard.rows}
    assert statuses == {
        "Hillside Academy": queries.COMPLETED,
        "Late": queries.OVERDUE,
        "Busy": queries.IN_PROGRESS,
        "Idle": queries.NOT_STARTED,
    }
    assert [row.organisation.name for row in dashboard.not_in_cycle] == ["Busy", "Idle", "Late"]
    late_row = next(row for row in dashboard.rows if row.organisation.name == "Late")
    assert late_row.why_not_in_cycle.startswith("Review was due on")


def test_a_review_date_that_has_passed_makes_a_recent_completion_overdue(group, full_link):
    Assessment.objects.filter(organisation=full_link.organisation).update(
        next_review_on=timezone.localdate() - timedelta(days=1)
    )

    assert queries.group_dashboard(group).rows[0].status == queries.OVERDUE


def test_trend_is_the_median_of_each_organisations_latest_score_per_quarter(
    group, make_organisation, make_user, make_assessment, full_link
):
    head = make_user("head@well.example")
    well = make_organisation(head, name="Well School")
    assessment = make_assessment(organisation=well, user=head)
    fill(assessment, rating=3)
    complete(assessment, head)
    share(group, well, head)

    trend = queries.group_dashboard(group).trend

    label, day, median = trend[-1]
    assert label.startswith("Q") and day == timezone.localdate()
    assert median == pytest.approx((66.7 + 100) / 2, abs=0.1)


def test_quarters_end_on_the_last_day_of_each_quarter():
    quarters = queries._quarters(date(2026, 5, 10))

    assert quarters[-1] == ("Q2 2026", date(2026, 6, 30))
    assert quarters[-2] == ("Q1 2026", date(2026, 3, 31))
    assert quarters[0] == ("Q3 2024", date(2024, 9, 30))


@pytest.fixture
def add_schools(group, make_organisation, make_user, make_assessment, settings):
    """Add `count` schools to the group, each with a completed assessment and a second one in
    progress (the invitation limits raised: 30 invitations within an hour)."""
    settings.RATE_LIMITS = settings.RATE_LIMITS | {
        "invitation-organisation": (100, 3600),
        "invitation-user": (100, 3600),
    }
    made = []

    def add(count: int) -> None:
        for _ in range(count):
            number = len(made) + 1
            head = make_user(f"head{number}@school{number}.example")
            school = make_organisation(head, name=f"School {number}")
            done = make_assessment(organisation=school, user=head)
            fill(done)
            complete(done, head)
            make_assessment(organisation=school, user=head, title="Next")
            share(group, school, head, Sharing.FULL if number % 2 else Sharing.SUMMARY)
            made.append(school)

    return add


@pytest.mark.parametrize("name", ["group_dashboard", "group_csv"])
def test_group_pages_read_as_many_queries_for_30_organisations_as_for_3(
    client, group, group_viewer, add_schools, name
):
    client.force_login(group_viewer)
    url = reverse(f"assessments:{name}", args=[group.slug])
    add_schools(3)
    client.get(url)  # not counted: the first read
    with CaptureQueriesContext(connection) as three:
        assert client.get(url).status_code == 200
    add_schools(27)

    with CaptureQueriesContext(connection) as thirty:
        response = client.get(url)

    assert response.status_code == 200
    assert "School 30" in response.content.decode()
    assert len(thirty) == len(three)


def test_the_dashboard_reads_a_fixed_number_of_queries(
    group, add_schools, django_assert_num_queries
):
    add_schools(3)

    with django_assert_num_queries(9):
        queries.group_dashboard(group)


def test_a_reopened_assessments_actions_are_not_counted_as_on_the_organisations_dashboard(
    group, full_link, organisation, owner, make_assessment
):
    """As the organisation's own dashboard, actions page and reminders: a reopened plan may
    still change, so its actions wait until it is completed again."""
    later = make_assessment(organisation=organisation, user=owner, title="Second review")
    fill(later, target_date=date(2020, 1, 31))
    complete(later, owner)
    counted = queries.group_dashboard(group).rows[0].open_actions
    walkthrough_services.reopen_assessment(assessment=later, user=owner)

    row = queries.group_dashboard(group).rows[0]

    assert row.open_actions == counted - later.actions.count() > 0
