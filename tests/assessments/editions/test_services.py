"""Moving an assessment in progress to a newer edition: answers follow by stable key."""

import pytest
from django.core.exceptions import ValidationError

from assessments.actions import services as action_services
from assessments.editions.queries import move_preview, newer_edition
from assessments.editions.services import move_to_edition
from assessments.models import Action, Activity, Assessment, Rating, Section
from assessments.walkthrough import services as walkthrough_services
from framework.models import Edition
from framework.services import duplicate_edition
from tests.assessments.editions.conftest import (
    NEW_FACTOR,
    NEW_QUESTION,
    NEW_STATEMENT,
    REWORDED_QUESTION,
    REWORDED_STATEMENT,
)
from tests.assessments.factories import complete, fill, rate, rate_checklist


@pytest.fixture
def filled(assessment) -> Assessment:
    """The assessment of Environment and Content, every answer given (see `fill`)."""
    fill(assessment)
    return assessment


def question_answer(assessment: Assessment, key: str):
    return assessment.question_answers.select_related("question__domain").get(question__key=key)


def test_newer_edition_is_the_published_edition_after_the_assessments(assessment, newer):
    assert newer_edition(assessment) == newer


def test_newer_edition_is_none_on_the_latest_edition(assessment):
    assert newer_edition(assessment) is None


def test_newer_edition_ignores_a_draft(assessment, edition):
    duplicate_edition(edition=edition)

    assert newer_edition(assessment) is None


def test_move_carries_answers_over_by_key_to_the_new_editions_rows(filled, owner, newer):
    move_to_edition(assessment=filled, edition=newer, user=owner)

    filled.refresh_from_db()
    assert filled.edition == newer
    understand = question_answer(filled, "environment-understand")
    assert understand.question.domain.edition == newer
    assert (understand.rating, understand.current_practice, understand.action_owner) == (
        Rating.MODERATELY,
        "We run a session each term.",
        "Jo Bloggs, Safeguarding Lead",
    )
    assert understand.previous_question_text == ""
    statement = filled.checklist_answers.get(statement__key="appropriate-access")
    assert (statement.statement.edition, statement.comment) == (newer, "Covered at induction.")
    isolation = filled.factor_answers.get(factor__key="isolation")
    assert isolation.factor.edition == newer
    assert isolation.note == "Rural members meet online between sessions."


def test_move_leaves_no_answer_on_the_old_edition(filled, owner, edition, newer):
    move_to_edition(assessment=filled, edition=newer, user=owner)

    assert not filled.question_answers.filter(question__domain__edition=edition).exists()
    assert not filled.checklist_answers.filter(statement__edition=edition).exists()
    assert not filled.factor_answers.filter(factor__edition=edition).exists()


def test_move_flags_reworded_answers_for_review(filled, owner, edition, newer):
    before = edition.domains.get(key="environment").questions.get(key="environment-know").text

    summary = move_to_edition(assessment=filled, edition=newer, user=owner)

    know = question_answer(filled, "environment-know")
    assert (know.rating, know.question.text) == (Rating.MODERATELY, REWORDED_QUESTION)
    assert know.previous_question_text == before
    flagged = set(filled.sections.filter(needs_review=True).values_list("key", flat=True))
    assert flagged == {"domain-environment", "checklist", "people"}
    assert [item.new_text for item in summary.flagged] == [
        "Isolation, online or offline",
        f"Know: {REWORDED_QUESTION}",
        REWORDED_STATEMENT,
    ]


def test_move_blocks_completing_until_the_reworded_answers_are_confirmed(filled, owner, newer):
    move_to_edition(assessment=filled, edition=newer, user=owner)
    rate(filled, Rating.WELL, rating__isnull=True)
    rate_checklist(filled, Rating.WELL, rating__isnull=True)

    with pytest.raises(ValidationError) as refused:
        walkthrough_services.complete_assessment(assessment=filled, user=owner)
    assert any("Environment" in message for message in refused.value.messages)

    for key in ("people", "domain-environment", "checklist"):
        walkthrough_services.confirm_section_review(assessment=filled, section_key=key, user=owner)
    walkthrough_services.complete_assessment(assessment=filled, user=owner)
    filled.refresh_from_db()
    assert filled.is_locked
    assert question_answer(filled, "environment-know").previous_question_text == ""


def test_move_does_not_flag_an_unanswered_reworded_question(assessment, owner, newer):
    move_to_edition(assessment=assessment, edition=newer, user=owner)

    assert not assessment.sections.filter(needs_review=True).exists()
    assert question_answer(assessment, "environment-know").previous_question_text == ""


def test_move_keeps_removed_answers_in_the_history_with_what_was_answered(
    filled, owner, edition, newer
):
    old_learn = edition.domains.get(key="environment").questions.get(key="environment-learn")

    summary = move_to_edition(assessment=filled, edition=newer, user=owner)

    assert not filled.question_answers.filter(question__key="environment-learn").exists()
    learn = Activity.objects.filter(
        assessment=filled, kind=Activity.Kind.MOVED, item_key="environment-learn"
    )
    assert {entry.item for entry in learn} == {f"Environment – Learn: {old_learn.text}"}
    assert {entry.field_name: entry.old_value for entry in learn} == {
        "rating": "Moderately",
        "current_practice": "We run a session each term.",
        "next_steps": "Write a staff briefing on reporting routes.",
        "action_owner": "Jo Bloggs, Safeguarding Lead",
        "target_date": "2027-03-31",
    }
    assert {entry.user for entry in learn} == {owner}
    removed = [(item.section, item.text) for item in summary.removed]
    assert ("Environment", f"Learn: {old_learn.text}") in removed
    assert any(
        text.startswith("Isolation") is False and section == "Self-assessment checklist"
        for section, text in removed
    )


def test_move_drops_a_removed_domain_keeping_its_answers_in_the_history(filled, owner, newer):
    summary = move_to_edition(assessment=filled, edition=newer, user=owner)

    assert list(filled.domains.values_list("key", flat=True)) == ["environment"]
    assert filled.domains.get().edition == newer
    assert not filled.question_answers.filter(question__domain__key="content").exists()
    keys = {entry.item_key for entry in filled.activity.filter(kind=Activity.Kind.MOVED)}
    assert {"content-understand", "content-know", "content-learn", "content-recover"} <= keys
    assert summary.domains_removed == ["Content"]


def test_move_rekeys_the_sections_for_the_task_list(filled, owner, newer):
    move_to_edition(assessment=filled, edition=newer, user=owner)

    keys = list(Section.objects.filter(assessment=filled).values_list("key", flat=True))
    assert sorted(keys) == ["checklist", "domain-environment", "people"]


def test_move_gives_new_items_blank_answers(filled, owner, newer):
    summary = move_to_edition(assessment=filled, edition=newer, user=owner)

    reflect = question_answer(filled, "environment-reflect")
    assert (reflect.rating, reflect.current_practice, reflect.next_steps) == (None, "", "")
    statement = filled.checklist_answers.get(statement__key="review-checklist")
    assert (statement.rating, statement.comment) == (None, "")
    caring = filled.factor_answers.get(factor__key="caring")
    assert (caring.relevant, caring.note) == (None, "")
    assert {item.text for item in summary.new} == {
        NEW_FACTOR,
        f"Learn: {NEW_QUESTION}",
        NEW_STATEMENT,
    }
    # A section with a new item to rate is no longer complete.
    assert filled.sections.get(key="domain-environment").status == Section.Status.IN_PROGRESS


def test_move_is_recorded_once_in_the_history(filled, owner, edition, newer):
    move_to_edition(assessment=filled, edition=newer, user=owner)

    entry = filled.activity.filter(kind=Activity.Kind.MOVED, field_name="edition").get()
    assert (entry.old_value, entry.new_value) == (
        f"{edition.title}, version {edition.version}",
        f"{newer.title}, version 2",
    )


def test_preview_says_what_the_move_does(filled, owner, newer):
    preview = move_preview(filled, newer)

    assert move_to_edition(assessment=filled, edition=newer, user=owner) == preview


def test_preview_changes_nothing(filled, edition, newer):
    move_preview(filled, newer)

    filled.refresh_from_db()
    assert filled.edition == edition
    assert not filled.activity.filter(kind=Activity.Kind.MOVED).exists()


def test_move_refuses_a_completed_assessment(filled, owner, edition, newer):
    complete(filled, owner)

    with pytest.raises(ValidationError, match="completed"):
        move_to_edition(assessment=filled, edition=newer, user=owner)
    filled.refresh_from_db()
    assert filled.edition == edition


def test_move_refuses_a_draft_edition(filled, owner, edition):
    draft = duplicate_edition(edition=edition)

    with pytest.raises(ValidationError, match="draft"):
        move_to_edition(assessment=filled, edition=draft, user=owner)


def on(edition: Edition, organisation, owner) -> Assessment:
    """An assessment of Environment on `edition`."""
    return walkthrough_services.start_assessment(
        organisation=organisation,
        user=owner,
        title="Autumn review",
        domains=list(edition.domains.filter(key="environment")),
        edition=edition,
    )


def test_move_refuses_an_older_edition(organisation, owner, edition, newer):
    on_newer = on(newer, organisation, owner)

    with pytest.raises(ValidationError, match="older"):
        move_to_edition(assessment=on_newer, edition=edition, user=owner)
    assert Assessment.objects.get(pk=on_newer.pk).edition == newer


def test_moving_twice_to_the_same_edition_is_refused_and_changes_nothing(filled, owner, newer):
    move_to_edition(assessment=filled, edition=newer, user=owner)
    history = filled.activity.count()

    with pytest.raises(ValidationError, match="already uses"):
        move_to_edition(assessment=filled, edition=newer, user=owner)
    assert filled.activity.count() == history


def test_move_refuses_when_no_domain_in_scope_remains(make_assessment, owner, newer):
    content_only = make_assessment(domains=("content",), edition=newer.based_on)

    with pytest.raises(ValidationError, match="None of this assessment"):
        move_to_edition(assessment=content_only, edition=newer, user=owner)
    assert content_only.question_answers.count() == 4


def test_move_keeps_the_action_of_a_reopened_assessment_with_its_answer(filled, owner, newer):
    complete(filled, owner)
    walkthrough_services.reopen_assessment(assessment=filled, user=owner)
    action = Action.objects.get(answer__question__key="environment-understand")

    move_to_edition(assessment=filled, edition=newer, user=owner)

    action.refresh_from_db()
    assert action.answer.question.domain.edition == newer


def test_move_raises_every_sections_version(filled, owner, newer):
    versions = dict(filled.sections.values_list("key", "version"))

    move_to_edition(assessment=filled, edition=newer, user=owner)

    for key, version in filled.sections.values_list("key", "version"):
        assert version == versions[key] + 1


def test_newer_edition_is_not_offered_for_one_published_before(organisation, owner, newer):
    on_newer = on(newer, organisation, owner)

    assert newer_edition(on_newer) is None
    assert Edition.objects.current() == newer


def test_move_keeps_the_updates_of_a_removed_answers_action_in_the_history(filled, owner, newer):
    complete(filled, owner)
    action = Action.objects.get(answer__question__key="environment-learn")  # removed in `newer`
    action_services.update_action(
        action=action,
        user=owner,
        version=action.version,
        status=Action.Status.IN_PROGRESS,
        owner=None,
        owner_name=action.owner_name,
        target_date=action.target_date,
        note="Circle piloted at the Riverside hub.",
    )
    walkthrough_services.reopen_assessment(assessment=filled, user=owner)

    move_to_edition(assessment=filled, edition=newer, user=owner)

    kept = filled.activity.get(kind=Activity.Kind.MOVED, field_name="action_update")
    assert kept.old_value == (
        "Circle piloted at the Riverside hub. — Status: Not started → In progress"
    )
    assert kept.field.startswith("Action update of ")
    assert not Action.objects.filter(pk=action.pk).exists()
