import pytest

from assessments.models import Assessment, Rating, Section
from assessments.reporting import queries as selectors
from assessments.reporting import scoring
from assessments.walkthrough import services

pytestmark = pytest.mark.django_db

STAGES = ["understand", "know", "learn", "recover"]


def rate(assessment: Assessment, *, domain: str, rating: int) -> None:
    assessment.question_answers.filter(question__domain__key=domain).update(rating=rating)
    services.refresh_section_statuses(assessment)


def test_rated_items_lists_questions_in_walk_through_order_then_the_checklist(assessment):
    rate(assessment, domain="content", rating=Rating.WELL)

    items = selectors.rated_items(assessment)

    questions = [item for item in items if not item.checklist]
    assert [(item.domain, item.stage) for item in questions] == [
        *[("environment", stage) for stage in STAGES],
        *[("content", stage) for stage in STAGES],
    ]
    assert [item.rating for item in questions] == [None] * 4 + [Rating.WELL] * 4
    assert len(items) - len(questions) == assessment.edition.checklist_statements.count()
    assert all(item.checklist for item in items[len(questions) :])


def test_assessment_scores_match_scoring_of_the_rated_items(assessment):
    rate(assessment, domain="environment", rating=Rating.WELL)
    rate(assessment, domain="content", rating=Rating.POORLY)
    assessment.checklist_answers.update(rating=Rating.MODERATELY)

    scores = selectors.assessment_scores([assessment])[assessment.pk]

    expected = scoring.score_items(
        selectors.rated_items(assessment), stages=STAGES, domains=["environment", "content"]
    )
    assert scores == expected
    assert list(scores.by_stage) == STAGES
    assert scores.by_domain == {"environment": 100.0, "content": 33.3}
    assert scores.overall == 66.7


def test_assessment_scores_of_an_unrated_assessment_are_none(assessment):
    scores = selectors.assessment_scores([assessment])[assessment.pk]

    assert scores.overall is None
    assert scores.by_stage == dict.fromkeys(STAGES)
    assert scores.answered == 0


@pytest.mark.parametrize("number", [1, 3])
def test_assessment_scores_read_in_three_queries(
    number, make_assessment, django_assert_num_queries
):
    assessments = [make_assessment(title=f"Review {n}") for n in range(number)]
    for assessment in assessments:
        rate(assessment, domain="environment", rating=Rating.MODERATELY)

    with django_assert_num_queries(3):
        scores = selectors.assessment_scores(assessments)

    assert {pk: value.by_domain["environment"] for pk, value in scores.items()} == {
        assessment.pk: 66.7 for assessment in assessments
    }


def test_section_counts_counts_completed_sections(make_assessment, django_assert_num_queries):
    rated = make_assessment(title="Rated")
    rate(rated, domain="environment", rating=Rating.WELL)
    fresh = make_assessment(title="Fresh", domains=("service",))

    with django_assert_num_queries(1):
        counts = selectors.section_counts([rated, fresh])

    assert counts == {
        rated.pk: selectors.SectionCount(completed=1, total=4),
        fresh.pk: selectors.SectionCount(completed=0, total=3),
    }
    assert rated.sections.get(key="domain-environment").status == Section.Status.COMPLETED


@pytest.mark.parametrize("number", [1, 3])
def test_organisation_assessments_read_in_a_fixed_number_of_queries(
    number, organisation, make_assessment, django_assert_num_queries
):
    for n in range(number):
        rate(make_assessment(title=f"Review {n}"), domain="content", rating=Rating.WELL)

    with django_assert_num_queries(5):
        summaries = selectors.organisation_assessments(organisation)

    assert len(summaries) == number
    assert [stage.key for stage, _ in summaries[0].stages] == STAGES
    assert [score for _, score in summaries[0].stages] == [100.0] * 4
