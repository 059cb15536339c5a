"""Comparing assessments on different editions: what cannot be compared is marked and left out
of the rating changes."""

import pytest

from assessments.models import Assessment, Rating
from assessments.reporting.comparison import CHANGED, IMPROVED, SAME, compare
from assessments.walkthrough import services
from tests.assessments.editions.conftest import REWORDED_QUESTION
from tests.assessments.factories import complete, fill, page_queries, rate, rate_checklist


@pytest.fixture
def across(assessment, organisation, owner, newer) -> tuple[Assessment, Assessment]:
    """A: Environment and Content on the first edition, everything Moderately, completed.
    B: Environment on the newer edition, started from A, everything Well but Understand
    (Moderately, as before)."""
    fill(assessment)
    a = complete(assessment, owner)
    b = services.start_assessment(
        organisation=organisation,
        user=owner,
        title="Review 2027",
        domains=list(newer.domains.filter(key="environment")),
        based_on=a,
    )
    rate(b, Rating.WELL)
    rate(b, Rating.MODERATELY, question__key="environment-understand")
    rate_checklist(b, Rating.WELL)
    return a, b


def test_compare_marks_a_reworded_question_as_not_comparable(across):
    comparison = compare(*across)

    environment = {item.stage: item for item in comparison.sections[0].items}
    know = environment["Know"]
    assert know.outcome == CHANGED
    assert know.outcome_label == "Cannot be compared: the question changed between editions"
    assert know.text == REWORDED_QUESTION and know.a_text != REWORDED_QUESTION
    assert environment["Understand"].outcome == SAME
    assert environment["Recover"].outcome == IMPROVED


def test_compare_leaves_what_cannot_be_compared_out_of_the_rating_changes(across):
    comparison = compare(*across)

    # Understand the same; Recover and six unchanged statements improved; Know and
    # recognise-risk reworded.
    assert (comparison.improved, comparison.same, comparison.worse) == (7, 1, 0)
    assert comparison.reworded == 2


def test_compare_marks_items_only_one_edition_has(across, edition, newer):
    comparison = compare(*across)

    only_a = {item.key: item.note for item in comparison.only_in_a}
    only_b = {item.key: item.note for item in comparison.only_in_b}
    old_name = f"{edition.title}, version {edition.version}"
    assert (
        only_a[("q", "environment", "environment-learn")]
        == f"Cannot be compared: only in {old_name}"
    )
    assert only_a[("s", "seek-recovery")] == f"Cannot be compared: only in {old_name}"
    # Content is a domain B does not cover: out of scope, nothing to say about editions.
    assert only_a[("q", "content", "content-know")] == ""
    assert only_b == {
        (
            "q",
            "environment",
            "environment-reflect",
        ): f"Cannot be compared: only in {newer.title}, version 2",
        ("s", "review-checklist"): f"Cannot be compared: only in {newer.title}, version 2",
    }


def test_compare_of_one_edition_marks_nothing(make_assessment):
    a, b = make_assessment(title="One"), make_assessment(title="Two")

    comparison = compare(a, b)

    assert not comparison.editions_differ
    assert comparison.reworded == 0
    assert all(item.comparable for item in comparison.changes)


def test_compare_page_says_the_editions_differ(client, viewer, across):
    a, b = across
    client.force_login(viewer)

    response = client.get(f"/orgs/{a.organisation.slug}/assessments/compare/?a={a.pk}&b={b.pk}")

    page = response.content.decode()
    assert "The editions of the framework differ" in page
    assert "Cannot be compared: the question changed between editions" in page
    assert "Cannot be compared: only in" in page
    assert "2 changed between editions, so not compared" in page


def test_compare_page_reads_the_same_queries_across_editions(
    client, viewer, across, make_assessment
):
    a, b = across
    client.force_login(viewer)
    same = make_assessment(title="Other", edition=a.edition)
    base = f"/orgs/{a.organisation.slug}/assessments/compare/"

    assert page_queries(client, f"{base}?a={a.pk}&b={b.pk}") == page_queries(
        client, f"{base}?a={a.pk}&b={same.pk}"
    )
