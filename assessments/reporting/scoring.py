"""Scores from ratings: pure functions, no database.

A score is the share of the best possible rating: each rating counts Poorly = 1, Moderately = 2,
Well = 3, and the score is the sum of the ratings given divided by 3 for each rating given,
shown as a percentage from 0 to 100. Unanswered items are left out (never counted as Poorly),
and a group with no ratings has no score (None), not 0%.

The headline score takes every rating of the assessment: the stage questions of the domains in
scope and the checklist statements. Stage and domain scores take the questions of that stage or
domain.
"""

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

BEST = 3
RATING_LABELS = {1: "Poorly", 2: "Moderately", 3: "Well"}


@dataclass(frozen=True)
class Rated:
    """One rated item: a question (with its stage and domain) or a checklist statement."""

    rating: int | None
    stage: str = ""
    domain: str = ""
    checklist: bool = False


@dataclass
class Scores:
    overall: float | None
    by_stage: dict[str, float | None] = field(default_factory=dict)
    by_domain: dict[str, float | None] = field(default_factory=dict)
    checklist: float | None = None
    counts: dict[int, int] = field(default_factory=dict)
    answered: int = 0
    total: int = 0


def score(ratings: Iterable[int | None]) -> float | None:
    """The share of the best possible rating, as a percentage; None when nothing is rated."""
    given = [rating for rating in ratings if rating is not None]
    if not given:
        return None
    if any(rating not in RATING_LABELS for rating in given):
        raise ValueError(f"Ratings must be 1, 2 or 3, not {given}.")
    return round(100 * sum(given) / (BEST * len(given)), 1)


def score_items(
    items: Iterable[Rated], *, stages: Iterable[str] = (), domains: Iterable[str] = ()
) -> Scores:
    """Headline, per-stage, per-domain and checklist scores of a set of rated items.

    `stages` and `domains` name the groups to report, in order, even those with no ratings.
    """
    items = list(items)
    questions = [item for item in items if not item.checklist]
    return Scores(
        overall=score(item.rating for item in items),
        by_stage={
            key: score(item.rating for item in questions if item.stage == key) for key in stages
        },
        by_domain={
            key: score(item.rating for item in questions if item.domain == key) for key in domains
        },
        checklist=score(item.rating for item in items if item.checklist),
        counts=rating_counts(item.rating for item in items),
        answered=sum(1 for item in items if item.rating is not None),
        total=len(items),
    )


def rating_counts(ratings: Iterable[int | None]) -> dict[int, int]:
    """How many items were rated Poorly (1), Moderately (2) and Well (3)."""
    counted = Counter(rating for rating in ratings if rating is not None)
    return {rating: counted.get(rating, 0) for rating in RATING_LABELS}


def whole(value: float) -> int:
    """A score as people read it: a whole percentage, rounded half up (62.5 reads 63%)."""
    return math.floor(value + 0.5)


def change(before: float | None, after: float | None) -> int | None:
    """The change in whole percentage points between two scores as they are shown, so that
    "58% to 92%" reads +34; None when either score is missing."""
    if before is None or after is None:
        return None
    return whole(after) - whole(before)
