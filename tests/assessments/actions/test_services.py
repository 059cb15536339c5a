"""Following up actions: updates (status, notes, owner, target date, dropping), conflicts, and
how completing, reopening and completing again keep actions in step with the answers."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments.actions import services
from assessments.models import Action, ActionUpdate, QuestionAnswer
from assessments.walkthrough import services as walkthrough_services
from tests.assessments.actions.conftest import set_owner
from tests.assessments.factories import complete, fill


def update(action: Action, user, version: int, **values) -> ActionUpdate | None:
    """Update the action as the form does: every field given, unchanged unless in `values`."""
    current = {
        "status": action.status,
        "owner": action.owner,
        "owner_name": action.owner_name,
        "target_date": action.target_date,
    }
    return services.update_action(action=action, user=user, version=version, **current | values)


def test_completing_makes_an_action_of_every_next_step(completed):
    actions = Action.objects.filter(assessment=completed)

    assert actions.count() == 8
    assert {(a.status, a.owner_id, a.owner_name, a.target_date) for a in actions} == {
        (Action.Status.NOT_STARTED, None, "Jo Bloggs, Safeguarding Lead", date(2027, 3, 31))
    }


def test_completing_makes_the_member_named_by_full_name_or_email_the_owner(
    assessment, owner, editor, make_user, organisation
):
    priya = make_user("priya@hillside.example", full_name="Priya Shah")
    organisation.memberships.create(user=priya)
    fill(assessment)
    owners = {
        "environment-understand": "Priya Shah, Youth Programme Lead",
        "environment-know": "PRIYA SHAH",
        "environment-learn": "editor@hillside.example",
        "environment-recover": "Priyanka Shah",
    }
    for key, text in owners.items():
        assessment.question_answers.filter(question__key=key).update(action_owner=text)

    complete(assessment, owner)

    actions = {
        a.answer.question.key: (a.owner_id, a.owner_name)
        for a in Action.objects.filter(assessment=assessment).select_related("answer__question")
    }
    assert actions["environment-understand"] == (priya.pk, "")
    assert actions["environment-know"] == (priya.pk, "")
    assert actions["environment-learn"] == (editor.pk, "")
    assert actions["environment-recover"] == (None, "Priyanka Shah")


def test_an_update_records_the_status_note_and_what_changed_in_words(action, editor):
    updated = update(
        action,
        editor,
        0,
        status=Action.Status.IN_PROGRESS,
        note="Drafted the briefing.",
        owner=editor,
        owner_name="",
        target_date=date(2027, 4, 30),
    )

    action.refresh_from_db()
    assert (action.status, action.owner, action.owner_name) == ("in-progress", editor, "")
    assert (action.target_date, action.version, action.updated_by) == (date(2027, 4, 30), 1, editor)
    assert updated.note == "Drafted the briefing." and updated.user == editor
    assert updated.changes.splitlines() == [
        "Status: Not started → In progress",
        "Owner: Jo Bloggs, Safeguarding Lead → editor@hillside.example",
        "Target date: 31 March 2027 → 30 April 2027",
    ]


def test_a_note_alone_is_an_update_and_a_save_with_no_change_is_none(action, editor):
    assert update(action, editor, 0) is None
    noted = update(action, editor, 0, note="Booked the room.")

    assert noted.changes == "" and noted.note == "Booked the room."
    assert ActionUpdate.objects.filter(action=action).count() == 1
    action.refresh_from_db()
    assert action.version == 1


def test_an_update_from_an_old_version_is_a_conflict_that_saves_nothing(action, editor, owner):
    update(action, owner, 0, status=Action.Status.DONE, note="Done it.")

    with pytest.raises(services.ActionChanged) as raised:
        update(action, editor, 0, status=Action.Status.IN_PROGRESS, note="Mine")

    assert raised.value.action.status == Action.Status.DONE
    assert list(ActionUpdate.objects.values_list("note", flat=True)) == ["Done it."]


def test_dropping_needs_a_reason(action, editor):
    with pytest.raises(ValidationError) as raised:
        update(action, editor, 0, status=Action.Status.DROPPED)

    assert raised.value.code == "reason"
    action.refresh_from_db()
    assert action.status == Action.Status.NOT_STARTED


def test_a_dropped_action_keeps_its_reason_until_it_is_taken_up_again(action, editor):
    update(
        action,
        editor,
        0,
        status=Action.Status.DROPPED,
        dropped_reason="The county runs it now.",
        owner_name=action.owner_name,
        target_date=action.target_date,
    )
    action.refresh_from_db()
    assert action.dropped_reason == "The county runs it now."

    update(
        action,
        editor,
        1,
        status=Action.Status.IN_PROGRESS,
        owner_name=action.owner_name,
        target_date=action.target_date,
    )

    action.refresh_from_db()
    assert (action.status, action.dropped_reason) == (Action.Status.IN_PROGRESS, "")


def test_the_owner_is_a_member_or_a_name_never_both(action, editor):
    with pytest.raises(ValidationError) as raised:
        update(
            action,
            editor,
            0,
            status=action.status,
            owner=editor,
            owner_name="Sam Lewis",
        )

    assert raised.value.code == "owners"


def test_the_owner_must_be_a_member_of_the_organisation(action, editor, outsider):
    with pytest.raises(ValidationError) as raised:
        update(action, editor, 0, status=action.status, owner=outsider, owner_name="")

    assert raised.value.code == "not-a-member"


def test_nobody_may_own_an_action(action, editor):
    updated = update(action, editor, 0, owner_name="", target_date=None)

    action.refresh_from_db()
    assert (action.owner_id, action.owner_name, action.target_date) == (None, "", None)
    assert "Owner: Jo Bloggs, Safeguarding Lead → Nobody yet" in updated.changes


def test_updating_an_action_leaves_the_locked_answer_as_it_was(action, editor):
    update(
        action,
        editor,
        0,
        status=Action.Status.DONE,
        owner=editor,
        owner_name="",
        target_date=date(2027, 1, 31),
    )

    answer = QuestionAnswer.objects.get(pk=action.answer_id)
    assert (answer.action_owner, answer.target_date) == (
        "Jo Bloggs, Safeguarding Lead",
        date(2027, 3, 31),
    )
    assert answer.next_steps == "Write a staff briefing on reporting routes."


def test_an_action_of_a_reopened_assessment_cannot_be_updated(action, completed, owner):
    walkthrough_services.reopen_assessment(assessment=completed, user=owner)

    with pytest.raises(ValidationError) as raised:
        update(action, owner, 0, status="done")

    assert raised.value.code == "reopened"


def _reopen_change_complete(assessment, owner, editor, **changes):
    walkthrough_services.reopen_assessment(assessment=assessment, user=owner)
    for key, values in changes.items():
        assessment.question_answers.filter(question__key=key.replace("_", "-")).update(**values)
    walkthrough_services.complete_assessment(assessment=assessment, user=owner)


def test_completing_again_follows_the_answers_of_actions_nobody_updated(completed, owner, editor):
    later = timezone.localdate() + timedelta(days=60)

    _reopen_change_complete(
        completed,
        owner,
        editor,
        environment_know={"action_owner": "editor@hillside.example", "target_date": later},
        environment_learn={"next_steps": ""},
        content_know={"next_steps": "A new plan."},
    )

    actions = {
        a.answer.question.key: a
        for a in Action.objects.filter(assessment=completed).select_related("answer__question")
    }
    assert (actions["environment-know"].owner, actions["environment-know"].target_date) == (
        editor,
        later,
    )
    assert actions["environment-know"].owner_name == ""
    assert "environment-learn" not in actions  # no history: deleted
    assert actions["content-know"].status == Action.Status.NOT_STARTED
    assert len(actions) == 7


def test_completing_again_keeps_updated_actions_and_drops_those_taken_out_of_the_plan(
    completed, action, owner, editor
):
    update(action, editor, 0, status="in-progress", note="Started.")
    kept = Action.objects.get(assessment=completed, answer__question__key="content-know")
    update(kept, editor, 0, status="in-progress")

    _reopen_change_complete(
        completed,
        owner,
        editor,
        environment_understand={"next_steps": "  "},
        content_know={"action_owner": "Someone else", "target_date": None},
    )

    action.refresh_from_db()
    assert action.status == Action.Status.DROPPED
    assert action.dropped_reason == services.REMOVED_FROM_PLAN
    assert action.updates.last().changes == "Status: In progress → Dropped"
    kept.refresh_from_db()
    assert (kept.owner_name, kept.target_date) == (
        "Jo Bloggs, Safeguarding Lead",
        date(2027, 3, 31),
    )


def test_a_next_step_written_again_brings_its_dropped_action_back(completed, action, owner, editor):
    update(action, editor, 0, status="in-progress")
    _reopen_change_complete(completed, owner, editor, environment_understand={"next_steps": ""})

    _reopen_change_complete(
        completed, owner, editor, environment_understand={"next_steps": "Back again."}
    )

    action.refresh_from_db()
    assert (action.status, action.dropped_reason) == (Action.Status.NOT_STARTED, "")
    assert action.updates.last().note == services.BACK_IN_PLAN


def test_match_member_ignores_a_name_two_members_share(organisation, make_user):
    for email in ("a@hillside.example", "b@hillside.example"):
        organisation.memberships.create(user=make_user(email, full_name="Sam Lewis"))

    assert services.match_member("Sam Lewis", organisation.memberships.all()) is None


def test_the_owner_who_left_stays_the_owner_until_changed(action, editor, organisation):
    set_owner(action, editor)
    organisation.memberships.filter(user=editor).delete()

    updated = update(action, editor, 0, status="in-progress")

    assert updated.changes == "Status: Not started → In progress"
