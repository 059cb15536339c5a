import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Organisation, Rating, Section
from assessments.reporting import queries as selectors
from assessments.reporting import scoring
from tests.assessments.factories import rate

pytestmark = pytest.mark.django_db

STAGES = ["understand", "know", "learn", "recover"]
ALL_DOMAINS = ("environment", "content", "service", "policy")


def test_rated_items_lists_questions_in_walk_through_order_then_the_checklist(assessment):
    rate(assessment, Rating.WELL, question__domain__key="content")

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
    rate(assessment, Rating.WELL, question__domain__key="environment")
    rate(assessment, Rating.POORLY, question__domain__key="content")
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


def test_assessment_scores_queries_do_not_grow_with_assessments(
    make_assessment, django_assert_num_queries
):
    assessments = [make_assessment(title=f"Review {n}") for n in range(3)]
    for assessment in assessments:
        rate(assessment, Rating.MODERATELY, question__domain__key="environment")
    with CaptureQueriesContext(connection) as one_assessment:
        selectors.assessment_scores(assessments[:1])

    with django_assert_num_queries(len(one_assessment)):
        scores = selectors.assessment_scores(assessments)

    assert {pk: value.by_domain["environment"] for pk, value in scores.items()} == {
        assessment.pk: 66.7 for assessment in assessments
    }


def test_assessment_scores_queries_do_not_grow_with_domains(
    make_assessment, django_assert_num_queries
):
    one, four = make_assessment(domains=("environment",)), make_assessment(domains=ALL_DOMAINS)
    rate(one, Rating.MODERATELY)
    rate(four, Rating.MODERATELY)
    with CaptureQueriesContext(connection) as one_domain:
        selectors.assessment_scores([one])

    with django_assert_num_queries(len(one_domain)):
        scores = selectors.assessment_scores([four])

    assert scores[four.pk].by_domain == dict.fromkeys(ALL_DOMAINS, 66.7)


def test_section_counts_counts_completed_sections(make_assessment, django_assert_num_queries):
    rated = make_assessment(title="Rated")
    rate(rated, Rating.WELL, question__domain__key="environment")
    fresh = make_assessment(title="Fresh", domains=("service",))
    with CaptureQueriesContext(connection) as one_assessment:
        selectors.section_counts([rated])

    with django_assert_num_queries(len(one_assessment)):
        counts = selectors.section_counts([rated, fresh])

    assert counts == {
        # Required sections only: the people section is optional.
        rated.pk: selectors.SectionCount(completed=1, total=3),
        fresh.pk: selectors.SectionCount(completed=0, total=2),
    }
    assert rated.sections.get(key="domain-environment").status == Section.Status.COMPLETED


def test_organisation_assessments_queries_do_not_grow_with_assessments(
    organisation, make_assessment, django_assert_num_queries
):
    rate(make_assessment(title="Review 0"), Rating.WELL, question__domain__key="content")
    with CaptureQueriesContext(connection) as one_assessment:
        selectors.organisation_assessments(organisation)
    for n in (1, 2):
        rate(make_assessment(title=f"Review {n}"), Rating.WELL, question__domain__key="content")

    with django_assert_num_queries(len(one_assessment)):
        summaries = selectors.organisation_assessments(organisation)

    assert len(summaries) == 3
    for summary in summaries:
        assert [stage.key for stage, _ in summary.stages] == STAGES
        assert [score for _, score in summary.stages] == [100.0] * 4


def test_organisation_assessments_queries_do_not_grow_with_domains(
    organisation, outsider, make_assessment, django_assert_num_queries
):
    elsewhere = Organisation.objects.get(memberships__user=outsider)
    rate(make_assessment(domains=("environment",)), Rating.WELL)
    rate(make_assessment(organisation=elsewhere, user=outsider, domains=ALL_DOMAINS), Rating.WELL)
    with CaptureQueriesContext(connection) as one_domain:
        selectors.organisation_assessments(organisation)

    with django_assert_num_queries(len(one_domain)):
        summaries = selectors.organisation_assessments(elsewhere)

    assert len(summaries) == 1
    assert [score for _, score in summaries[0].stages] == [100.0] * 4
