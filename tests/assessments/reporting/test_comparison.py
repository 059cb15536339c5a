"""Comparing two assessments: matching by keys, rating changes, score changes and the page."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Assessment, Organisation, Rating
from assessments.reporting.comparison import IMPROVED, NOT_RATED, SAME, WORSE, compare
from tests.assessments.factories import complete, rate, rate_checklist

POORLY, MODERATELY, WELL = Rating.POORLY, Rating.MODERATELY, Rating.WELL
ALL_DOMAINS = ("environment", "content", "service", "policy")


@pytest.fixture
def pair(make_assessment):
    """A (Environment, Content), completed, and B (Environment, Service), rated so that, of the
    matched ratings, one improved, one stayed the same and one got worse."""
    a = make_assessment(domains=("environment", "content"), title="Review 2025")
    b = make_assessment(domains=("environment", "service"), title="Review 2026")
    first_statement = a.checklist_answers.order_by("statement__position")[0].statement.key
    a_ratings = {
        "environment-understand": POORLY,
        "environment-know": MODERATELY,
        "environment-learn": WELL,
        "content-understand": MODERATELY,
    }
    b_ratings = {
        "environment-understand": MODERATELY,
        "environment-know": MODERATELY,
        "environment-learn": POORLY,
        "environment-recover": WELL,
        "service-understand": WELL,
    }
    for key, rating in a_ratings.items():
        rate(a, rating, question__key=key)
    for key, rating in b_ratings.items():
        rate(b, rating, question__key=key)
    rate_checklist(a, MODERATELY, statement__key=first_statement)
    rate_checklist(b, WELL, statement__key=first_statement)
    # Completed as it stands, which the service would refuse: A leaves questions unrated.
    completed_at = datetime(2026, 1, 10, 12, tzinfo=UTC)
    Assessment.objects.filter(pk=a.pk).update(status="completed", completed_at=completed_at)
    a.refresh_from_db()
    return a, b


def test_compare_says_improved_same_or_worse_for_each_rating_in_both(pair):
    a, b = pair

    comparison = compare(a, b)

    environment = {item.stage: item for item in comparison.sections[0].items}
    assert comparison.sections[0].title == "Environment"
    assert environment["Understand"].outcome == IMPROVED
    assert environment["Know"].outcome == SAME
    assert environment["Learn"].outcome == WORSE
    assert environment["Recover"].outcome == NOT_RATED
    assert environment["Recover"].outcome_label == "Not compared: not rated in A"
    assert comparison.sections[-1].title == "Self-assessment checklist"
    assert comparison.sections[-1].items[0].outcome == IMPROVED
    assert (comparison.improved, comparison.same, comparison.worse) == (2, 1, 1)


def test_compare_lists_questions_in_only_one_assessment(pair):
    a, b = pair

    comparison = compare(a, b)

    assert {item.section for item in comparison.only_in_a} == {"Content"}
    assert {item.section for item in comparison.only_in_b} == {"Service"}
    assert len(comparison.only_in_a) == len(comparison.only_in_b) == 4
    assert "Content" not in [section.title for section in comparison.sections]


def test_compare_gives_both_scores_and_the_change_in_points(pair):
    a, b = pair

    comparison = compare(a, b)

    # A: 1, 2, 3, 2 and the statement 2 = 10/15. B: 2, 2, 1, 3, 3 and the statement 3 = 14/18.
    assert (comparison.overall.a, comparison.overall.b) == (66.7, 77.8)
    assert comparison.overall.change == 11  # 67% to 78%, as shown
    assert comparison.overall.direction == "up"
    stages = {row.label: row for row in comparison.stages}
    assert list(stages) == ["Understand", "Know", "Learn", "Recover"]
    assert (stages["Understand"].a, stages["Understand"].b) == (50.0, 83.3)
    assert stages["Know"].change == 0 and stages["Know"].direction == "same"
    assert (stages["Learn"].direction, stages["Learn"].points) == ("down", 67)
    assert (stages["Recover"].a, stages["Recover"].change, stages["Recover"].direction) == (
        None,
        None,
        "",
    )
    assert (comparison.checklist.a, comparison.checklist.b) == (66.7, 100.0)


def test_compare_reads_the_same_number_of_queries_for_one_domain_as_for_four(make_assessment):
    small = [make_assessment(domains=("environment",)) for _ in range(2)]
    large = [make_assessment(domains=ALL_DOMAINS) for _ in range(2)]

    with CaptureQueriesContext(connection) as one:
        compare(*small)
    with CaptureQueriesContext(connection) as four:
        compare(*large)

    assert len(four.captured_queries) == len(one.captured_queries)


# --- The page --------------------------------------------------------------------------------


def compare_url(organisation: Organisation, **params) -> str:
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return reverse("assessments:compare", args=[organisation.slug]) + (f"?{query}" if query else "")


def test_compare_page_shows_scores_changes_and_summary(client, viewer, pair):
    a, b = pair
    client.force_login(viewer)

    response = client.get(compare_url(a.organisation, a=a.pk, b=b.pk))

    assert response.status_code == 200
    html = response.content.decode()
    assert "A: Review 2025" in html and "B: Review 2026" in html
    assert "67%" in html and "78%" in html and "Up 11 points" in html
    assert "Down 67 points" in html and "No change" in html
    assert ">Improved</span>" in html and ">Same</span>" in html and ">Worse</span>" in html
    summary = response.context["comparison"]
    assert (summary.improved, summary.same, summary.worse) == (2, 1, 1)
    assert "Only in A: Review 2025" in html and "Only in B: Review 2026" in html


@pytest.mark.parametrize("which", ["a", "b"])
def test_compare_page_of_another_organisations_assessment_is_not_found(
    client, owner, outsider, make_assessment, pair, which
):
    elsewhere = Organisation.objects.get(memberships__user=outsider)
    theirs = make_assessment(organisation=elsewhere, user=outsider, title="Their review")
    a, b = pair
    client.force_login(owner)
    params = {"a": a.pk, "b": b.pk} | {which: theirs.pk}

    assert client.get(compare_url(a.organisation, **params)).status_code == 404


def test_compare_page_of_an_unknown_assessment_is_not_found(client, owner, pair):
    a, _ = pair
    client.force_login(owner)

    assert client.get(compare_url(a.organisation, a=a.pk, b=999999)).status_code == 404


def test_compare_page_of_an_outsider_is_not_found(client, outsider, pair):
    a, b = pair
    client.force_login(outsider)

    assert client.get(compare_url(a.organisation, a=a.pk, b=b.pk)).status_code == 404


def test_compare_page_without_choices_offers_the_latest_and_previous_completed(
    client, viewer, pair
):
    a, b = pair
    client.force_login(viewer)

    response = client.get(compare_url(a.organisation))

    assert response.status_code == 200
    assert response.context["comparison"] is None
    assert "Choose two assessments" in response.content.decode()
    form = response.context["form"]
    assert not form.is_bound
    assert (form["a"].value(), form["b"].value()) == (a.pk, b.pk)


def test_compare_link_of_the_task_list_preselects_the_previous_completed(
    client, viewer, pair, make_assessment
):
    a, b = pair
    make_assessment(title="Newest")
    client.force_login(viewer)
    detail = client.get(reverse("assessments:detail", args=[a.organisation.slug, b.pk]))
    link = compare_url(a.organisation, b=b.pk)
    assert f'href="{link}"' in detail.content.decode()

    response = client.get(link)

    form = response.context["form"]
    assert (form["a"].value(), form["b"].value()) == (a.pk, b.pk)


def test_compare_page_with_the_same_assessment_twice_asks_for_two_different(client, owner, pair):
    a, _ = pair
    client.force_login(owner)

    response = client.get(compare_url(a.organisation, a=a.pk, b=a.pk))

    assert response.status_code == 200
    assert response.context["comparison"] is None
    assert "Choose two different assessments" in response.content.decode()


def test_compare_page_with_one_assessment_says_two_are_needed(client, owner, assessment):
    client.force_login(owner)

    response = client.get(compare_url(assessment.organisation))

    assert "needs at least two assessments to compare" in response.content.decode()


def test_compare_names_the_domains_compared_and_those_in_only_one(pair, make_assessment):
    a, b = pair
    same = make_assessment(domains=("content", "environment"), title="Review 2027")

    different = compare(a, b)
    alike = compare(a, same)

    assert different.domains == ["Environment"]
    assert (different.domains_only_in_a, different.domains_only_in_b) == (["Content"], ["Service"])
    assert not different.same_domains
    assert alike.domains == ["Environment", "Content"] and alike.same_domains


def test_compare_page_states_the_domains_compared_and_warns_when_they_differ(
    client, viewer, pair, make_assessment
):
    a, b = pair
    same = make_assessment(domains=("environment", "content"), title="Review 2027")
    client.force_login(viewer)

    different = client.get(compare_url(a.organisation, a=a.pk, b=b.pk)).content.decode()
    alike = client.get(compare_url(a.organisation, a=a.pk, b=same.pk)).content.decode()

    assert "Environment: the domains both assessments cover." in different
    assert "<li>Only in A (Review 2025): Content</li>" in different
    assert "<li>Only in B (Review 2026): Service</li>" in different
    assert "do not compare like with like" in different
    assert "Environment, Content: both assessments cover the same domains." in alike
    assert "do not compare like with like" not in alike


def test_compare_page_preselects_the_previous_assessment_of_the_same_domains(
    client, viewer, owner, pair, make_assessment
):
    a, b = pair  # A (Environment, Content) completed in January 2026
    narrow = make_assessment(domains=("environment", "service"), title="Check-in")
    complete(narrow, owner)
    later = make_assessment(domains=("environment", "content"), title="Review 2027")
    client.force_login(viewer)

    response = client.get(compare_url(a.organisation, b=later.pk))

    form = response.context["form"]
    assert (form["a"].value(), form["b"].value()) == (a.pk, later.pk)
