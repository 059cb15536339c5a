"""Logic about one object, on the models (no database)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from assessments.models import Assessment, QuestionAnswer


@pytest.mark.parametrize(
    ("completed_at", "due"),
    [
        (datetime(2026, 12, 3, 10, 0, tzinfo=UTC), date(2027, 12, 3)),
        # 23:30 UTC is already the next day in London in summer.
        (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), date(2027, 7, 1)),
        (datetime(2028, 2, 29, 12, 0, tzinfo=UTC), date(2029, 2, 28)),
    ],
)
def test_review_is_due_twelve_months_after_completion(completed_at, due):
    assert Assessment(completed_at=completed_at).review_due == due


def test_assessment_in_progress_has_no_review_date():
    assert Assessment().review_due is None


def test_target_date_has_passed_only_before_today():
    today = timezone.localdate()

    assert QuestionAnswer(target_date=today - timedelta(days=1)).target_date_passed
    assert not QuestionAnswer(target_date=today).target_date_passed
    assert not QuestionAnswer(target_date=None).target_date_passed


def test_question_changed_while_the_previous_wording_is_kept():
    assert QuestionAnswer(previous_question_text="Do people know?").question_changed
    assert not QuestionAnswer().question_changed
