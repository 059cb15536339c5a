"""Scoring is pure arithmetic over ratings: these tests need no database."""

import pytest

from assessments.reporting.scoring import Rated, change, rating_counts, score, score_items

POORLY, MODERATELY, WELL = 1, 2, 3
STAGES = ["understand", "know", "learn", "recover"]
DOMAINS = ["environment", "content"]


def question(rating: int | None, stage: str = "understand", domain: str = "environment") -> Rated:
    return Rated(rating=rating, stage=stage, domain=domain)


def statement(rating: int | None) -> Rated:
    return Rated(rating=rating, checklist=True)


def test_score_all_well_is_100():
    assert score([WELL, WELL, WELL]) == 100.0


def test_score_all_poorly_is_a_third():
    assert score([POORLY, POORLY]) == 33.3


def test_score_all_moderately_is_two_thirds():
    assert score([MODERATELY] * 5) == 66.7


def test_score_mixed_ratings_is_the_share_of_the_best_possible():
    # (1 + 2 + 3 + 3) / (3 * 4) = 9 / 12
    assert score([POORLY, MODERATELY, WELL, WELL]) == 75.0


def test_score_leaves_unanswered_items_out():
    assert score([WELL, None, None]) == 100.0
    assert score([POORLY, MODERATELY, None]) == score([POORLY, MODERATELY]) == 50.0


def test_score_of_nothing_is_none_not_zero():
    assert score([]) is None
    assert score([None, None]) is None


@pytest.mark.parametrize("bad", [0, 4, -1, "3"])
def test_score_rejects_an_invalid_rating(bad):
    with pytest.raises(ValueError, match="Ratings must be 1, 2 or 3"):
        score([WELL, bad])


def test_score_accepts_a_generator():
    assert score(rating for rating in [WELL, POORLY]) == 66.7


def test_score_items_groups_by_stage_domain_and_checklist():
    items = [
        question(WELL, "understand", "environment"),
        question(POORLY, "recover", "environment"),
        question(MODERATELY, "understand", "content"),
        question(POORLY, "recover", "content"),
        statement(WELL),
        statement(MODERATELY),
    ]

    scores = score_items(items, stages=STAGES, domains=DOMAINS)

    # Every rating counts towards the headline: (3 + 1 + 2 + 1 + 3 + 2) / 18 = 12 / 18.
    assert scores.overall == 66.7
    assert scores.by_stage == {"understand": 83.3, "know": None, "learn": None, "recover": 33.3}
    # (3 + 1) / 6 and (2 + 1) / 6: checklist statements belong to no domain.
    assert scores.by_domain == {"environment": 66.7, "content": 50.0}
    assert scores.checklist == 83.3
    assert scores.counts == {POORLY: 2, MODERATELY: 2, WELL: 2}
    assert (scores.answered, scores.total) == (6, 6)


def test_score_items_keeps_the_order_of_the_groups_asked_for():
    scores = score_items([question(WELL)], stages=["recover", "understand"], domains=DOMAINS[::-1])

    assert list(scores.by_stage) == ["recover", "understand"]
    assert list(scores.by_domain) == ["content", "environment"]


def test_score_items_gives_groups_with_no_ratings_none():
    items = [question(None, "know", "content"), question(WELL, "understand", "environment")]

    scores = score_items(items, stages=STAGES, domains=DOMAINS)

    assert scores.by_stage["know"] is None
    assert scores.by_stage["learn"] is None
    assert scores.by_domain["content"] is None
    assert scores.checklist is None
    assert scores.overall == 100.0


def test_score_items_never_counts_unanswered_as_poorly():
    items = [question(WELL), question(None), statement(WELL), statement(None)]

    scores = score_items(items, stages=STAGES, domains=DOMAINS)

    assert scores.overall == 100.0
    assert scores.counts == {POORLY: 0, MODERATELY: 0, WELL: 2}
    assert (scores.answered, scores.total) == (2, 4)


def test_score_items_of_nothing_has_no_scores():
    scores = score_items([], stages=STAGES, domains=DOMAINS)

    assert scores.overall is None
    assert scores.checklist is None
    assert set(scores.by_stage.values()) == {None}
    assert set(scores.by_domain.values()) == {None}
    assert scores.counts == {POORLY: 0, MODERATELY: 0, WELL: 0}


def test_score_items_reports_only_the_groups_asked_for():
    scores = score_items([question(WELL, "know", "policy")])

    assert scores.by_stage == {}
    assert scores.by_domain == {}
    assert scores.overall == 100.0


def test_score_items_rejects_an_invalid_rating():
    with pytest.raises(ValueError):
        score_items([question(WELL), statement(5)])


def test_rating_counts_counts_each_rating_and_skips_unanswered():
    assert rating_counts([WELL, POORLY, WELL, None, MODERATELY, WELL]) == {1: 1, 2: 1, 3: 3}


def test_rating_counts_lists_every_rating_even_when_unused():
    assert rating_counts([]) == {1: 0, 2: 0, 3: 0}
    assert list(rating_counts([WELL])) == [POORLY, MODERATELY, WELL]


def test_change_is_the_difference_in_percentage_points():
    assert change(50.0, 75.0) == 25
    assert change(83.3, 66.7) == -16  # 83% to 67%, as shown
    assert change(40.0, 40.0) == 0
    assert change(58.3, 91.7) == 34  # not 33.4: the change people see between 58% and 92%


def test_change_is_none_when_either_score_is_missing():
    assert change(None, 50.0) is None
    assert change(50.0, None) is None
    assert change(None, None) is None
