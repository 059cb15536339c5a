"""Actions in the JSON export and import: status, owner, target date and updates go with the
assessment; files from before actions were tracked still import."""

import copy
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from assessments.actions import services
from assessments.exports import json_export, json_import
from assessments.models import Action, ActionUpdate


@pytest.fixture
def followed_up(completed, action, editor):
    services.update_action(
        action=action,
        user=editor,
        version=0,
        status=Action.Status.DROPPED,
        owner=editor,
        owner_name="",
        target_date=date(2027, 5, 31),
        note="Talked it over.",
        dropped_reason="The county runs it now.",
    )
    return completed


def test_the_export_carries_each_actions_status_owner_date_and_updates(followed_up):
    data = json_export.export_assessment(followed_up)

    assert len(data["actions"]) == 8
    row = next(row for row in data["actions"] if row["status"] == "dropped")
    assert row == {
        "domain": "environment",
        "question": "environment-understand",
        "status": "dropped",
        "owner": "editor@hillside.example",
        "owner_name": "",
        "target_date": "2027-05-31",
        "dropped_reason": "The county runs it now.",
    }
    [update] = data["action_updates"]
    assert (update["user"], update["status"], update["note"]) == (
        "editor@hillside.example",
        "dropped",
        "Talked it over.",
    )


def test_an_exported_assessment_imports_with_its_actions(followed_up, organisation, editor):
    data = json_export.export_assessment(followed_up)

    imported = json_import.import_assessment(data=data, organisation=organisation)

    actions = Action.objects.filter(assessment=imported)
    dropped = actions.get(status="dropped")
    assert actions.count() == 8
    assert (dropped.owner, dropped.target_date, dropped.dropped_reason) == (
        editor,
        date(2027, 5, 31),
        "The county runs it now.",
    )
    assert list(ActionUpdate.objects.filter(action=dropped).values_list("note", flat=True)) == [
        "Talked it over."
    ]
    again = json_export.export_assessment(imported)
    assert again["actions"] == data["actions"]
    assert again["action_updates"] == data["action_updates"]


def test_an_owner_who_is_not_a_member_here_is_named_instead(
    followed_up, make_organisation, outsider
):
    elsewhere = make_organisation(outsider, name="Elsewhere School")
    data = json_export.export_assessment(followed_up)

    imported = json_import.import_assessment(data=data, organisation=elsewhere)

    dropped = Action.objects.get(assessment=imported, status="dropped")
    assert (dropped.owner, dropped.owner_name) == (None, "editor@hillside.example")


def test_a_completed_file_from_before_actions_gets_them_as_completing_makes_them(
    followed_up, organisation
):
    data = json_export.export_assessment(followed_up)
    del data["actions"], data["action_updates"]

    imported = json_import.import_assessment(data=data, organisation=organisation)

    assert set(Action.objects.filter(assessment=imported).values_list("status", flat=True)) == {
        Action.Status.NOT_STARTED
    }
    assert Action.objects.filter(assessment=imported).count() == 8


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda data: data["actions"][0].update(status="finished"), "actions[0].status"),
        (lambda data: data["actions"][0].update(owner_name="x" * 201), "actions[0].owner_name"),
        (
            lambda data: data["actions"][0].update(target_date="0999-01-01"),
            "actions[0].target_date",
        ),
        (lambda data: data["action_updates"][0].update(at="yesterday"), "action_updates[0].at"),
        (lambda data: data["actions"].append(dict(data["actions"][0])), "more than once"),
        (
            lambda data: data["questions"][0].update(next_steps=""),
            "for questions with no next step",
        ),
    ],
)
def test_an_action_the_site_cannot_hold_is_refused_with_why(
    followed_up, organisation, change, problem
):
    data = copy.deepcopy(json_export.export_assessment(followed_up))
    change(data)

    with pytest.raises(ValidationError) as raised:
        json_import.import_assessment(data=data, organisation=organisation)

    assert any(problem in message for message in raised.value.messages), raised.value.messages
    assert Action.objects.count() == 8
