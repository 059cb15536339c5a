"""Hand-made POSTs to section pages: each is refused and leaves every answer as it was."""

import pytest
from django.urls import reverse

from assessments.models import Activity, Assessment, ChecklistAnswer, FactorAnswer, QuestionAnswer
from framework.services import duplicate_edition
from tests.assessments.factories import assessment_url, rate_everything


def snapshot() -> list:
    """Every answer of every assessment, and the history, as plain values."""
    return [
        list(QuestionAnswer.objects.order_by("pk").values_list()),
        list(FactorAnswer.objects.order_by("pk").values_list()),
        list(ChecklistAnswer.objects.order_by("pk").values_list()),
        list(Assessment.objects.order_by("pk").values_list("age_groups", "status")),
        Activity.objects.count(),
    ]


def environment_post(assessment: Assessment, **extra: str) -> dict:
    """A valid post of the Environment section, rating every question Well."""
    data = {"version": "0", "action": "continue"}
    for answer in assessment.question_answers.filter(question__domain__key="environment"):
        data[f"q{answer.question_id}-rating"] = "3"
    return data | extra


def test_valid_post_is_saved(editor_client, assessment):
    """The baseline the other tests change one thing of."""
    response = editor_client.post(
        assessment_url("domain_section", assessment, "environment"), environment_post(assessment)
    )

    assert response.status_code == 302
    ratings = assessment.question_answers.filter(question__domain__key="environment")
    assert set(ratings.values_list("rating", flat=True)) == {3}


def test_question_of_another_edition_is_refused(editor_client, assessment, edition):
    draft = duplicate_edition(edition=edition)
    foreign = draft.domains.get(key="environment").questions.first()
    before = snapshot()

    response = editor_client.post(
        assessment_url("domain_section", assessment, "environment"),
        environment_post(assessment, **{f"q{foreign.pk}-rating": "1"}),
    )

    assert response.status_code == 400
    assert "This form contained answers that do not belong to this section" in (
        response.content.decode()
    )
    assert snapshot() == before


def test_question_of_a_domain_out_of_scope_is_refused(editor_client, assessment, edition):
    service_question = edition.domains.get(key="service").questions.first()
    before = snapshot()

    response = editor_client.post(
        assessment_url("domain_section", assessment, "environment"),
        environment_post(assessment, **{f"q{service_question.pk}-rating": "1"}),
    )

    assert response.status_code == 400
    assert snapshot() == before


def test_question_of_another_section_is_refused(editor_client, assessment):
    content = assessment.question_answers.filter(question__domain__key="content").first()
    before = snapshot()

    response = editor_client.post(
        assessment_url("domain_section", assessment, "environment"),
        environment_post(assessment, **{f"q{content.question_id}-current_practice": "Sneaky"}),
    )

    assert response.status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize("field", ["s1-rating", "f1-relevant"])
def test_statement_or_factor_on_a_domain_page_is_refused(editor_client, assessment, field):
    before = snapshot()

    response = editor_client.post(
        assessment_url("domain_section", assessment, "environment"),
        environment_post(assessment, **{field: "yes"}),
    )

    assert response.status_code == 400
    assert snapshot() == before


def test_post_to_a_domain_out_of_scope_is_refused(editor_client, assessment, edition):
    service = edition.domains.get(key="service").questions.first()
    before = snapshot()

    response = editor_client.post(
        assessment_url("domain_section", assessment, "service"),
        {"version": "0", f"q{service.pk}-rating": "3"},
    )

    assert response.status_code == 400
    assert "This domain is not in the scope of this assessment" in response.content.decode()
    assert snapshot() == before


def test_rating_four_is_refused_and_the_valid_answers_are_saved(editor_client, assessment):
    know = assessment.question_answers.get(question__key="environment-know")

    response = editor_client.post(
        assessment_url("domain_section", assessment, "environment"),
        environment_post(assessment, **{f"q{know.question_id}-rating": "4"}),
    )

    assert response.status_code == 200
    assert "Choose Poorly, Moderately or Well" in response.content.decode()
    ratings = dict(
        assessment.question_answers.filter(question__domain__key="environment").values_list(
            "question__key", "rating"
        )
    )
    assert ratings.pop("environment-know") is None
    assert set(ratings.values()) == {3}


def test_missing_version_is_refused(editor_client, assessment):
    data = environment_post(assessment)
    del data["version"]
    before = snapshot()

    response = editor_client.post(assessment_url("domain_section", assessment, "environment"), data)

    assert response.status_code == 400
    assert snapshot() == before


def test_assessment_of_another_organisation_is_not_found(
    editor_client, make_assessment, make_organisation, make_user, organisation
):
    stranger = make_user("head@elsewhere.example")
    theirs = make_assessment(organisation=make_organisation(stranger, name="Else"), user=stranger)
    before = snapshot()

    by_our_slug = editor_client.post(
        reverse("assessments:domain_section", args=[organisation.slug, theirs.pk, "environment"]),
        environment_post(theirs),
    )
    by_their_slug = editor_client.post(
        assessment_url("domain_section", theirs, "environment"), environment_post(theirs)
    )

    assert by_our_slug.status_code == 404
    assert by_their_slug.status_code == 404
    assert snapshot() == before


def test_locked_assessment_is_refused(editor_client, assessment, editor):
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.COMPLETED)
    before = snapshot()

    response = editor_client.post(
        assessment_url("domain_section", assessment, "environment"), environment_post(assessment)
    )

    assert response.status_code == 403
    assert "This assessment is completed and locked" in response.content.decode()
    assert snapshot() == before


def test_viewer_post_is_refused(client, viewer, assessment):
    client.force_login(viewer)
    before = snapshot()

    response = client.post(
        assessment_url("domain_section", assessment, "environment"), environment_post(assessment)
    )

    assert response.status_code == 403
    assert snapshot() == before


def test_completing_twice_is_refused(editor_client, assessment, editor):
    rate_everything(assessment, editor)
    editor_client.post(assessment_url("complete", assessment))
    before = snapshot()

    response = editor_client.post(assessment_url("complete", assessment))

    assert response.status_code == 403
    assert snapshot() == before
