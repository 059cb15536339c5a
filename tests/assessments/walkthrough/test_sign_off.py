"""The sign-off for the board: recorded by an owner when completing, changed afterwards without
reopening the answers, and never overwritten unseen by another owner."""

from datetime import date, timedelta

from django.test import Client
from django.utils import timezone

from assessments.models import Activity, Assessment, Rating, a_year_after
from assessments.reporting.tasks import state_key
from tests.assessments.factories import assessment_url, complete, rate, rate_checklist

SIGN_OFF = {
    "board_findings": "Filtering is strong; staff training lags behind.",
    "board_plans": "Train every member of staff by July.",
    "board_asks": "Two training days in the summer term.",
    "approved_by": "Priya Shah, Chair of Governors",
}


def login(client: Client, user) -> Client:
    client.force_login(user)
    return client


def date_boxes(name: str, day: date | None) -> dict[str, str]:
    if day is None:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def sign_off_data(*, version: int = 0, approved_on=None, next_review_on=None, **fields) -> dict:
    today = timezone.localdate()
    return {
        **SIGN_OFF,
        **fields,
        **date_boxes("approved_on", approved_on or today),
        **date_boxes("next_review_on", next_review_on or today + timedelta(days=180)),
        "version": str(version),
    }


def ready(assessment: Assessment) -> Assessment:
    """Everything answered, as completing needs."""
    rate(assessment, Rating.WELL)
    rate_checklist(assessment, Rating.MODERATELY)
    assessment.factor_answers.update(relevant=True)
    return assessment


def test_an_owner_records_the_sign_off_when_completing(client, owner, assessment):
    ready(assessment)
    review = timezone.localdate() + timedelta(days=180)

    response = login(client, owner).post(
        assessment_url("complete", assessment), sign_off_data(next_review_on=review)
    )

    assert response.url == assessment_url("completed", assessment)
    assessment.refresh_from_db()
    assert assessment.is_locked
    assert assessment.board_plans == SIGN_OFF["board_plans"]
    assert assessment.approved_by == "Priya Shah, Chair of Governors"
    assert assessment.approved_on == timezone.localdate()
    assert assessment.next_review_on == review == assessment.review_due
    assert assessment.sign_off_version == 1
    kinds = list(assessment.activity.values_list("kind", flat=True))
    assert Activity.Kind.COMPLETED in kinds and Activity.Kind.SIGNED_OFF in kinds


def test_the_check_page_offers_the_sign_off_to_owners_only(client, owner, editor, assessment):
    owner_html = login(client, owner).get(assessment_url("check", assessment)).content.decode()
    editor_html = login(client, editor).get(assessment_url("check", assessment)).content.decode()

    assert "Summary for the board" in owner_html
    assert 'name="approved_by"' in owner_html
    assert "Summary for the board" not in editor_html
    assert "The next review is set for twelve months after completing" in editor_html


def test_an_editor_completes_without_a_sign_off_and_the_review_falls_a_year_on(
    client, editor, assessment
):
    ready(assessment)

    login(client, editor).post(assessment_url("complete", assessment), SIGN_OFF)

    assessment.refresh_from_db()
    assert assessment.is_locked
    assert assessment.approved_by == ""
    assert assessment.next_review_on == a_year_after(timezone.localdate())
    assert not assessment.activity.filter(kind=Activity.Kind.SIGNED_OFF).exists()


def test_a_sign_off_in_error_completes_nothing_and_keeps_what_was_typed(client, owner, assessment):
    ready(assessment)
    data = sign_off_data(next_review_on=timezone.localdate() + timedelta(days=5 * 365))
    data.update(date_boxes("approved_on", None))

    response = login(client, owner).post(assessment_url("complete", assessment), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter the date it was approved" in html
    assert "Date of the next review must be within three years" in html
    assert "Train every member of staff by July." in html
    assessment.refresh_from_db()
    assert not assessment.is_locked
    assert assessment.board_plans == ""


def test_an_approval_cannot_be_dated_in_the_future(client, owner, assessment):
    ready(assessment)
    data = sign_off_data(approved_on=timezone.localdate() + timedelta(days=1))

    response = login(client, owner).post(assessment_url("complete", assessment), data)

    assert "Date approved must be today or in the past" in response.content.decode()
    assessment.refresh_from_db()
    assert not assessment.is_locked


def test_an_owner_changes_the_sign_off_later_without_reopening(client, owner, assessment):
    completed = complete(ready(assessment), owner)
    answers_before = list(completed.question_answers.values_list("rating", "next_steps"))

    response = login(client, owner).post(
        assessment_url("sign_off", completed), sign_off_data(version=completed.sign_off_version)
    )

    assert response.url == assessment_url("report", completed)
    completed.refresh_from_db()
    assert completed.is_locked
    assert completed.board_asks == SIGN_OFF["board_asks"]
    assert completed.sign_off_version == 1
    assert list(completed.question_answers.values_list("rating", "next_steps")) == answers_before
    report = client.get(assessment_url("report", completed)).content.decode()
    assert "Two training days in the summer term." in report
    assert "Priya Shah, Chair of Governors" in report


def test_a_sign_off_saved_meanwhile_by_another_owner_is_never_overwritten(
    client, owner, assessment
):
    completed = complete(ready(assessment), owner)
    opened_at = completed.sign_off_version
    Assessment.objects.filter(pk=completed.pk).update(
        board_findings="Theirs: the filtering review found gaps.", sign_off_version=opened_at + 1
    )

    response = login(client, owner).post(
        assessment_url("sign_off", completed), sign_off_data(version=opened_at)
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Another owner changed the sign-off while you were editing it" in html
    assert "Theirs: the filtering review found gaps." in html
    assert "Filtering is strong; staff training lags behind." in html
    completed.refresh_from_db()
    assert completed.board_findings == "Theirs: the filtering review found gaps."
    # Saving again, having seen theirs, goes through.
    again = client.post(assessment_url("sign_off", completed), sign_off_data(version=opened_at + 1))
    assert again.status_code == 302
    completed.refresh_from_db()
    assert completed.board_findings == SIGN_OFF["board_findings"]


def test_only_owners_reach_the_sign_off_and_only_once_completed(client, owner, editor, assessment):
    assert login(client, editor).get(assessment_url("sign_off", assessment)).status_code == 403
    in_progress = login(client, owner).get(assessment_url("sign_off", assessment))
    assert in_progress.url == assessment_url("check", assessment)
    completed = complete(ready(assessment), owner)
    assert login(client, editor).get(assessment_url("sign_off", completed)).status_code == 403
    assert login(client, owner).get(assessment_url("sign_off", completed)).status_code == 200


def test_a_new_sign_off_means_a_new_pdf(owner, assessment):
    completed = complete(ready(assessment), owner)
    before = state_key(completed)
    Assessment.objects.filter(pk=completed.pk).update(sign_off_version=5)
    completed.refresh_from_db()

    assert state_key(completed) != before
