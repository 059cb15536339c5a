"""`manage.py send_reminders`: who is reminded of what, once, through the task queue."""

import io
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import connection
from django.tasks import task_backends
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Action, Assessment, Organisation, Reminder, Role
from assessments.reviews import services
from tests.assessments.reviews.conftest import days, one_action

pytestmark = pytest.mark.django_db

SITE = "https://resilience.example.org"
DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def run(django_capture_on_commit_callbacks) -> Callable[..., str]:
    """Run the command as the daily timer does, its transactions committed; return its output."""

    def send(*args: str) -> str:
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", *args, stdout=out)
        return out.getvalue()

    return send


def recipients(mailoutbox) -> list[str]:
    return sorted(address for message in mailoutbox for address in message.to)


def test_review_due_in_30_days_reminds_owners_and_editors(run, mailoutbox, make_completed):
    make_completed(review_on=days(30))

    output = run()

    assert recipients(mailoutbox) == ["editor@hillside.example", "owner@hillside.example"]
    assert mailoutbox[0].subject == "Reminders for Hillside Academy: review due soon"
    assert "Review due soon: the review of “Annual review”" in mailoutbox[0].body
    assert "Queued 2 reminders in 2 emails." in output
    assert set(Reminder.objects.values_list("kind", flat=True)) == {Reminder.Kind.REVIEW_DUE}


def test_running_twice_sends_each_reminder_once(run, mailoutbox, make_completed):
    make_completed(review_on=days(3))
    run()

    output = run()

    assert len(mailoutbox) == 2
    assert Reminder.objects.count() == 2
    assert "Queued 0 reminders in 0 emails." in output


def test_review_more_than_30_days_ahead_is_not_reminded(run, mailoutbox, make_completed):
    make_completed(review_on=days(31))

    run()

    assert mailoutbox == []


def test_review_overdue_is_a_reminder_of_its_own(run, mailoutbox, make_completed):
    assessment = make_completed(review_on=days(5))
    run()
    Assessment.objects.filter(pk=assessment.pk).update(next_review_on=days(-1))

    run()

    assert len(mailoutbox) == 4
    overdue = mailoutbox[-1]
    assert overdue.subject == "Reminders for Hillside Academy: review overdue"
    assert "REVIEW OVERDUE: the review of “Annual review” was due on" in overdue.body
    assert Reminder.objects.filter(kind=Reminder.Kind.REVIEW_OVERDUE).count() == 2


def test_a_changed_review_date_is_a_new_reminder(run, mailoutbox, make_completed):
    assessment = make_completed(review_on=days(10))
    run()
    Assessment.objects.filter(pk=assessment.pk).update(next_review_on=days(20))

    run()
    run()

    assert len(mailoutbox) == 4
    assert set(Reminder.objects.values_list("due_on", flat=True)) == {days(10), days(20)}


def test_members_who_switched_reminders_off_get_none(
    run, mailoutbox, make_completed, organisation, editor
):
    organisation.memberships.filter(user=editor).update(reminders=False)
    make_completed(review_on=days(-10))

    run()

    assert recipients(mailoutbox) == ["owner@hillside.example"]


def test_people_no_longer_members_get_none(
    run, mailoutbox, make_completed, organisation, editor, outsider
):
    organisation.memberships.filter(user=editor).delete()
    make_completed(review_on=days(-10))

    run()

    assert recipients(mailoutbox) == ["owner@hillside.example"]


def test_review_is_about_the_latest_completed_assessment_only(run, mailoutbox, make_completed):
    make_completed("Last year", review_on=days(-30), completed_days_ago=400)
    make_completed("This year", review_on=days(300), completed_days_ago=60)

    run()

    assert mailoutbox == []


def test_review_reminder_names_the_review_in_progress(
    run, mailoutbox, make_completed, make_assessment
):
    make_completed(review_on=days(-3))
    make_assessment(title="Spring 2027 review")

    run()

    assert "A review is in progress: “Spring 2027 review”" in mailoutbox[0].body


def test_action_due_in_7_days_reminds_its_owner_when_a_member(
    run, mailoutbox, make_completed, viewer
):
    one_action(make_completed(), owner=viewer, owner_name="", target_date=days(7))

    run()

    (message,) = mailoutbox
    assert message.to == ["viewer@hillside.example"]
    assert message.subject == "Reminders for Hillside Academy: 1 action due soon"
    assert "Write a staff briefing on reporting routes." in message.body
    assert "Owner: you." in message.body


def test_action_of_someone_outside_reminds_the_owners(run, mailoutbox, make_completed):
    action = one_action(make_completed(), owner_name="Jo Bloggs", target_date=days(-2))

    run()

    (message,) = mailoutbox
    assert message.to == ["owner@hillside.example"]
    assert message.subject == "Reminders for Hillside Academy: 1 action overdue"
    assert "ACTIONS OVERDUE" in message.body
    assert "Owner: Jo Bloggs (not a member)." in message.body
    assert Reminder.objects.get().subject == f"action:{action.pk}"


def test_action_of_a_former_member_reminds_the_owners(
    run, mailoutbox, make_completed, organisation, editor
):
    one_action(make_completed(), owner=editor, owner_name="", target_date=days(1))
    organisation.memberships.filter(user=editor).delete()

    run()

    assert recipients(mailoutbox) == ["owner@hillside.example"]
    assert "(no longer a member)" in mailoutbox[0].body


def test_action_owner_who_switched_reminders_off_is_not_replaced_by_the_owners(
    run, mailoutbox, make_completed, organisation, editor
):
    one_action(make_completed(), owner=editor, owner_name="", target_date=days(1))
    organisation.memberships.filter(user=editor).update(reminders=False)

    run()

    assert mailoutbox == []


@pytest.mark.parametrize("status", [Action.Status.DONE, Action.Status.DROPPED])
def test_actions_done_or_dropped_are_not_reminded(run, mailoutbox, make_completed, status):
    one_action(make_completed(), target_date=days(-5), status=status)

    run()

    assert mailoutbox == []


def test_actions_of_a_reopened_assessment_wait_until_it_is_completed_again(
    run, mailoutbox, make_completed, owner
):
    assessment = make_completed()
    one_action(assessment, target_date=days(-5))
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.IN_PROGRESS)

    run()

    assert mailoutbox == []


def test_one_email_per_person_lists_every_organisation(
    run, mailoutbox, make_completed, make_organisation, owner
):
    other = make_organisation(owner, name="Riverside Trust", kind=Organisation.Kind.CHARITY)
    make_completed(review_on=days(-1))
    make_completed("Their review", review_on=days(2), organisation=other)

    run()

    to_owner = [message for message in mailoutbox if message.to == [owner.email]]
    assert len(to_owner) == 1
    assert to_owner[0].subject == ("Reminders for 2 organisations: review overdue, review due soon")
    assert "Hillside Academy" in to_owner[0].body and "Riverside Trust" in to_owner[0].body


def test_email_links_to_the_dashboard_the_action_and_the_reminder_setting(
    run, mailoutbox, make_completed, organisation
):
    assessment = make_completed(review_on=days(-1))
    action = one_action(assessment, owner_name="Jo Bloggs", target_date=days(-1))

    run()

    body = next(m for m in mailoutbox if m.to == ["owner@hillside.example"]).body
    slug = organisation.slug
    assert f"{SITE}{reverse('assessments:dashboard', args=[slug])}\n" in body
    assert f"{SITE}{reverse('assessments:action', args=[slug, action.pk])}\n" in body
    assert f"{SITE}{reverse('assessments:reminders', args=[slug])}\n" in body
    assert "To switch them off" in body


def test_dry_run_prints_what_it_would_send_and_sends_nothing(run, mailoutbox, make_completed):
    make_completed(review_on=days(-1))

    output = run("--dry-run")

    assert mailoutbox == []
    assert not Reminder.objects.exists()
    assert "Would send to owner@hillside.example: Reminders for Hillside Academy" in output
    assert "Review overdue: review of “Annual review” of Hillside Academy" in output
    assert "Dry run: would send 2 reminders in 2 emails." in output


def test_a_real_run_prints_addresses_only_when_asked(run, make_completed):
    make_completed(review_on=days(-1))

    assert "@" not in run()


@override_settings(TASKS=DUMMY_TASKS)
def test_emails_are_queued_for_the_task_worker(run, mailoutbox, make_completed):
    task_backends["default"].clear()
    make_completed(review_on=days(-1))

    run()

    assert mailoutbox == []
    queued = task_backends["default"].results
    assert [result.task.name for result in queued] == ["send_email", "send_email"]


def test_nothing_is_queued_or_recorded_until_the_transaction_commits(
    make_completed, mailoutbox, django_capture_on_commit_callbacks
):
    make_completed(review_on=days(-1))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.send_reminders(today=days(0))

    assert len(callbacks) == 2
    assert mailoutbox == []


def test_reminders_read_the_same_queries_for_one_organisation_as_for_many(
    make_completed, make_organisation, make_user
):
    def counted() -> int:
        with CaptureQueriesContext(connection) as captured:
            digests = services.reminders_due(today=days(0))
        assert digests
        return len(captured.captured_queries)

    one_action(make_completed(review_on=days(-1)), owner_name="Jo", target_date=days(-1))
    one = counted()
    for n in range(4):
        owner = make_user(f"owner{n}@school.example")
        other = make_organisation(owner, name=f"School {n}")
        other.memberships.create(user=make_user(f"editor{n}@school.example"), role=Role.EDITOR)
        assessment = make_completed(
            f"Review {n}", review_on=days(n - 2), organisation=other, user=owner
        )
        Action.objects.filter(assessment=assessment).update(target_date=days(n))

    assert counted() == one
