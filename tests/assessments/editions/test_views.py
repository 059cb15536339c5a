"""The page that moves an assessment to a newer edition, the task list's notice and the history."""

import pytest
from django.template.loader import render_to_string

from assessments.editions.services import move_to_edition
from assessments.models import Activity, Assessment
from tests.assessments.editions.conftest import NEW_STATEMENT, REWORDED_QUESTION
from tests.assessments.factories import assessment_url, complete, fill, page_queries


@pytest.fixture
def filled(assessment) -> Assessment:
    fill(assessment)
    return assessment


def test_owner_sees_what_the_move_would_do(client, owner, filled, newer):
    client.force_login(owner)

    response = client.get(assessment_url("move_edition", filled))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Move to a newer edition of the framework" in page
    assert f"now: “Know: {REWORDED_QUESTION}”" in page
    assert "Learn: " in page and "Write a staff briefing on reporting routes." in page
    assert NEW_STATEMENT in page
    assert "The new edition no longer has Content" in page
    assert 'name="edition"' in page and "Move to version 2" in page


def test_preview_lists_exactly_what_the_move_does(client, owner, filled, newer):
    client.force_login(owner)
    preview = client.get(assessment_url("move_edition", filled)).context["summary"]

    response = client.post(
        assessment_url("move_edition", filled), {"edition": newer.pk}, follow=True
    )

    assert response.redirect_chain == [(assessment_url("detail", filled), 302)]
    filled.refresh_from_db()
    assert filled.edition == newer
    removed = filled.activity.filter(kind=Activity.Kind.MOVED).exclude(field_name="edition")
    assert {entry.item_key for entry in removed} == {
        "environment-learn",
        "content-understand",
        "content-know",
        "content-learn",
        "content-recover",
        "seek-recovery",
    }
    assert len(preview.removed) == 6
    message = str(next(iter(response.context["messages"])))
    assert message.startswith(f"“{filled.title}” now uses")
    assert all(f"“{item.section} – {item.text}”" in message for item in preview.removed)


@pytest.mark.parametrize("who", ["editor", "viewer"])
def test_only_owners_may_see_or_make_the_move(client, request, who, filled, newer):
    client.force_login(request.getfixturevalue(who))

    assert client.get(assessment_url("move_edition", filled)).status_code == 403
    assert (
        client.post(assessment_url("move_edition", filled), {"edition": newer.pk}).status_code
        == 403
    )
    filled.refresh_from_db()
    assert filled.edition != newer


def test_outsider_cannot_find_the_page(client, outsider, filled, newer):
    client.force_login(outsider)

    assert client.get(assessment_url("move_edition", filled)).status_code == 404


def test_move_to_an_edition_other_than_the_one_previewed_moves_nothing(
    client, owner, filled, edition, newer
):
    client.force_login(owner)

    response = client.post(assessment_url("move_edition", filled), {"edition": edition.pk})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "Another edition of the framework was published" in response.content.decode()
    filled.refresh_from_db()
    assert filled.edition == edition


def test_completed_assessment_page_says_it_cannot_move(client, owner, filled, edition, newer):
    complete(filled, owner)
    client.force_login(owner)

    page = client.get(assessment_url("move_edition", filled)).content.decode()
    response = client.post(assessment_url("move_edition", filled), {"edition": newer.pk})

    assert "This assessment is completed" in page and "Move to version" not in page
    assert response.status_code == 200
    assert "This assessment is completed" in response.content.decode()
    filled.refresh_from_db()
    assert filled.edition == edition


def test_page_without_a_newer_edition_says_there_is_nothing_to_move(client, owner, filled):
    client.force_login(owner)

    page = client.get(assessment_url("move_edition", filled)).content.decode()
    response = client.post(assessment_url("move_edition", filled), {"edition": "1"})

    assert "uses the latest edition of the framework, so there is nothing to move" in page
    assert response.status_code == 200
    assert "There is no newer edition" in response.content.decode()


def test_move_with_a_malformed_edition_is_refused_without_an_error(client, owner, filled, newer):
    client.force_login(owner)

    response = client.post(assessment_url("move_edition", filled), {"edition": "x" * 5000})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_task_list_tells_the_owner_a_newer_edition_was_published(client, owner, filled, newer):
    client.force_login(owner)

    page = client.get(assessment_url("detail", filled)).content.decode()

    assert f"A newer edition of the framework ({newer.title}, version 2) was published" in page
    assert assessment_url("move_edition", filled) in page


@pytest.mark.parametrize("who", ["editor", "viewer"])
def test_task_list_does_not_offer_the_move_to_others(client, request, who, filled, newer):
    client.force_login(request.getfixturevalue(who))

    page = client.get(assessment_url("detail", filled)).content.decode()

    assert "A newer edition of the framework" not in page


def test_task_list_of_a_completed_assessment_does_not_offer_the_move(client, owner, filled, newer):
    complete(filled, owner)
    client.force_login(owner)

    page = client.get(assessment_url("detail", filled)).content.decode()

    assert "A newer edition of the framework" not in page


def test_task_list_on_the_latest_edition_has_no_notice(client, owner, filled):
    client.force_login(owner)

    assert "A newer edition" not in client.get(assessment_url("detail", filled)).content.decode()


def test_history_shows_the_removed_answers_and_the_move(client, owner, filled, newer):
    client.force_login(owner)
    client.post(assessment_url("move_edition", filled), {"edition": newer.pk})

    page = client.get(assessment_url("history", filled)).content.decode()

    assert "Moved to a newer edition" in page
    assert "Write a staff briefing on reporting routes." in page
    assert f"{newer.title}, version 2" in page


def test_preview_reads_the_same_queries_for_one_domain_as_for_three(
    client, owner, make_assessment, newer
):
    one = make_assessment(domains=("environment",), edition=newer.based_on)
    three = make_assessment(domains=("environment", "service", "policy"), edition=newer.based_on)
    fill(one)
    fill(three)
    client.force_login(owner)

    assert page_queries(client, assessment_url("move_edition", one)) == page_queries(
        client, assessment_url("move_edition", three)
    )


def test_activity_entry_says_what_a_move_removed(owner, filled, newer):
    move_to_edition(assessment=filled, edition=newer, user=owner)
    entries = filled.activity.filter(kind=Activity.Kind.MOVED).select_related("user__profile")
    move = entries.get(field_name="edition")
    rating = entries.get(item_key="environment-learn", field_name="rating")

    def sentence(entry) -> str:
        html = render_to_string("assessments/_activity_entry.html", {"entry": entry})
        return " ".join(html.split())

    assert f"moved the assessment from {move.old_value} to {move.new_value}" in sentence(move)
    assert "which no longer has ‘Environment – Learn:" in sentence(rating)
    assert "its rating was “Moderately” (kept here)" in sentence(rating)
