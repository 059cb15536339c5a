import pytest
from django.core.exceptions import ValidationError

from assessments.models import Activity, Assessment
from assessments.reviews import services
from tests.assessments.reviews.conftest import days

pytestmark = pytest.mark.django_db

DETAILS = "A pupil shared a harmful video in the Year 9 group chat on 3 March."


def start(organisation, user, **values) -> Assessment:
    return services.start_interim_review(
        organisation=organisation,
        user=user,
        **{"reason": Assessment.Reason.INCIDENT, "details": DETAILS, "title": "After the video"}
        | values,
    )


def test_interim_review_starts_from_the_latest_completed_assessment(
    organisation, editor, make_completed
):
    make_completed("Last year", completed_days_ago=400, domains=("service",))
    latest = make_completed("This year", domains=("environment", "policy"))

    interim = start(organisation, editor)

    assert interim.based_on == latest
    assert interim.kind == Assessment.Kind.INTERIM
    assert interim.interim_reason == Assessment.Reason.INCIDENT
    assert interim.interim_details == DETAILS
    assert interim.title == "After the video"
    assert interim.status == Assessment.Status.IN_PROGRESS
    assert interim.created_by == editor
    assert sorted(interim.domains.values_list("key", flat=True)) == ["environment", "policy"]
    # Its answers are last time's, and every copied section must be confirmed.
    answer = interim.question_answers.first()
    assert answer.next_steps == "Write a staff briefing on reporting routes."
    assert interim.sections.filter(needs_review=True).exists()
    assert interim.activity.get().kind == Activity.Kind.CREATED


def test_interim_review_is_saved_as_interim_when_read_again(organisation, editor):
    interim = start(organisation, editor, reason=Assessment.Reason.POLICY)

    stored = Assessment.objects.get(pk=interim.pk)

    assert stored.kind == Assessment.Kind.INTERIM
    assert stored.get_interim_reason_display() == "A change of policy"


def test_interim_review_without_a_completed_assessment_starts_from_scratch(organisation, editor):
    interim = start(organisation, editor)

    assert interim.based_on is None
    assert sorted(interim.domains.values_list("key", flat=True)) == [
        "content",
        "environment",
        "policy",
        "service",
    ]
    assert not interim.sections.filter(needs_review=True).exists()


def test_interim_review_starts_while_another_assessment_is_in_progress(
    organisation, editor, assessment
):
    interim = start(organisation, editor)

    assert set(organisation.assessments.filter(status=Assessment.Status.IN_PROGRESS)) == {
        assessment,
        interim,
    }


def test_interim_review_with_an_unknown_reason_starts_nothing(organisation, editor):
    with pytest.raises(ValidationError):
        start(organisation, editor, reason="boredom")

    assert not organisation.assessments.exists()


def test_interim_review_of_a_completed_assessment_leaves_its_review_date(
    organisation, editor, make_completed
):
    """The review it starts from is still the one due, until the interim one is completed."""
    latest = make_completed(review_on=days(90))

    start(organisation, editor)

    latest.refresh_from_db()
    assert latest.review_due == days(90)


def test_interim_title_names_the_reason_and_the_month():
    title = services.interim_title(Assessment.Reason.TECHNOLOGY, days(0).replace(month=3, day=5))

    assert title.startswith("Interim review: New technology (March ")


def test_set_reminders_switches_one_membership(organisation, editor, viewer):
    membership = organisation.memberships.get(user=editor)

    services.set_reminders(membership=membership, reminders=False)

    assert list(organisation.memberships.filter(reminders=False)) == [membership]
    services.set_reminders(membership=membership, reminders=True)
    assert not organisation.memberships.filter(reminders=False).exists()
