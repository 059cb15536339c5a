"""How the walk-through says when something happened (no database)."""

from datetime import UTC, datetime

import pytest

from assessments.walkthrough.display import when_in_words

# 10:30 in London, where the site's TIME_ZONE is by default.
NOW = datetime(2026, 12, 3, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (datetime(2026, 12, 3, 10, 12, tzinfo=UTC), "today at 10:12"),
        (datetime(2026, 12, 3, 0, 0, tzinfo=UTC), "today at 00:00"),
        (datetime(2026, 12, 2, 16, 5, tzinfo=UTC), "yesterday at 16:05"),
        (datetime(2026, 12, 1, 23, 59, tzinfo=UTC), "1 December 2026"),
        (datetime(2025, 12, 3, 10, 12, tzinfo=UTC), "3 December 2025"),
    ],
)
def test_when_in_words_says_today_yesterday_or_the_date(moment, words):
    assert when_in_words(moment, now=NOW) == words


def test_when_in_words_counts_days_in_local_time():
    """23:30 UTC on 30 June is 00:30 on 1 July in London (summer time)."""
    now = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)

    assert when_in_words(datetime(2026, 6, 30, 23, 30, tzinfo=UTC), now=now) == "today at 00:30"
