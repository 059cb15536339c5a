"""The actions pages: the organisation's list (filters, order, done and dropped), one action
(read-only for viewers, the update form for editors), the CSV of every action, and the
dashboard's "Your actions"."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Action, ActionUpdate, QuestionAnswer
from tests.assessments.actions.conftest import action_url, actions_url, set_owner


def keys(response) -> list[str]:
    """The question keys of the listed actions, in the order listed."""
    return [action.answer.question.key for action in response.context["page"].object_list]


def set_dates(completed, **dates) -> None:
    for key, target in dates.items():
        Action.objects.filter(
            assessment=completed, answer__question__key=key.replace("_", "-")
        ).update(target_date=target)


def test_the_list_shows_overdue_actions_first_then_by_target_date(viewer_client, completed):
    today = timezone.localdate()
    set_dates(
        completed,
        environment_understand=today + timedelta(days=5),
        environment_know=today - timedelta(days=3),
        environment_learn=None,
        content_know=today - timedelta(days=10),
    )

    response = viewer_client.get(actions_url(completed.organisation))

    assert response.status_code == 200
    assert keys(response)[:3] == ["content-know", "environment-know", "environment-understand"]
    assert keys(response)[-1] == "environment-learn"
    assert "Overdue" in response.content.decode()


def test_done_and_dropped_actions_show_only_when_asked(viewer_client, completed):
    Action.objects.filter(assessment=completed, answer__question__key="content-know").update(
        status=Action.Status.DONE
    )
    url = actions_url(completed.organisation)

    assert "content-know" not in keys(viewer_client.get(url))
    assert "content-know" in keys(viewer_client.get(url, {"closed": "on"}))
    assert keys(viewer_client.get(url, {"status": "done"})) == ["content-know"]


def test_actions_of_an_assessment_in_progress_are_not_listed(viewer_client, assessment):
    answer = assessment.question_answers.first()
    Action.objects.create(
        organisation=assessment.organisation, assessment=assessment, answer=answer
    )

    response = viewer_client.get(actions_url(assessment.organisation))

    assert keys(response) == []
    assert "No open actions" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "expected"),
    [("me", ["environment-know"]), ("member", ["environment-learn"]), ("nobody", ["content-know"])],
)
def test_the_owner_filter(client, completed, viewer, editor, who, expected):
    for key, user, name in [
        ("environment-know", viewer, ""),
        ("environment-learn", editor, ""),
        ("content-know", None, ""),
    ]:
        set_owner(Action.objects.get(assessment=completed, answer__question__key=key), user, name)
    client.force_login(viewer)
    value = {"me": "me", "member": str(editor.pk), "nobody": "nobody"}[who]

    response = client.get(actions_url(completed.organisation), {"owner": value})

    assert keys(response) == expected


def test_the_owner_filter_for_someone_outside(viewer_client, completed, editor):
    for action in Action.objects.filter(assessment=completed).exclude(
        answer__question__key="content-recover"
    ):
        set_owner(action, editor)

    response = viewer_client.get(actions_url(completed.organisation), {"owner": "outside"})

    assert keys(response) == ["content-recover"]


def test_the_domain_and_assessment_filters(viewer_client, completed):
    url = actions_url(completed.organisation)

    by_domain = keys(viewer_client.get(url, {"domain": "content"}))
    by_assessment = keys(viewer_client.get(url, {"assessment": str(completed.pk)}))

    assert sorted(by_domain) == [
        "content-know",
        "content-learn",
        "content-recover",
        "content-understand",
    ]
    assert len(by_assessment) == 8


@pytest.mark.parametrize(
    "query",
    [
        {"owner": "someone"},
        {"status": "<script>"},
        {"domain": "nope"},
        {"assessment": "99999999"},
        {"assessment": "x"},
        {"page": "-1"},
        {"page": "9999"},
        {"closed": "maybe"},
    ],
)
def test_bad_filter_values_are_left_out_with_a_message_never_an_error(
    viewer_client, completed, query
):
    response = viewer_client.get(actions_url(completed.organisation), query)

    assert response.status_code == 200
    assert len(keys(response)) == 8
    if set(query) & {"owner", "status", "domain", "assessment"}:
        assert "There is a problem" in response.content.decode()


def test_the_list_is_paginated_keeping_the_filters(viewer_client, completed, make_assessment):
    from tests.assessments.factories import complete, fill

    for number in range(6):
        other = make_assessment(
            domains=("environment", "content", "service", "policy"), title=f"Review {number}"
        )
        fill(other)
        complete(other, completed.organisation.memberships.get(role="owner").user)

    response = viewer_client.get(actions_url(completed.organisation), {"closed": "on"})

    assert response.context["page"].paginator.count == 8 + 6 * 16
    assert len(keys(response)) == 50
    assert "?closed=on&amp;page=2" in response.content.decode()


def test_a_viewer_reads_an_action_without_a_form(viewer_client, action):
    response = viewer_client.get(action_url(action))

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"] is None
    assert "Write a staff briefing on reporting routes." in page
    assert "Jo Bloggs, Safeguarding Lead" in page
    assert "Owners and editors of Hillside Academy update it." in page


def test_a_viewer_cannot_post_an_update(viewer_client, action, update_data):
    response = viewer_client.post(action_url(action), update_data(action, status="done"))

    assert response.status_code == 403
    assert not ActionUpdate.objects.exists()


def test_an_editor_updates_an_action_and_sees_it_in_the_history(
    editor_client, action, editor, update_data
):
    later = timezone.localdate() + timedelta(days=40)
    data = update_data(
        action,
        status="in-progress",
        note="Drafted it.",
        owner=editor.pk,
        owner_name="",
        target_date=later,
    )

    response = editor_client.post(action_url(action), data)

    assert response.status_code == 302 and response.url == action_url(action)
    action.refresh_from_db()
    assert (action.status, action.owner, action.target_date) == ("in-progress", editor, later)
    page = editor_client.get(action_url(action)).content.decode()
    assert "Drafted it." in page and "Status: Not started → In progress" in page
    answer = QuestionAnswer.objects.get(pk=action.answer_id)
    assert answer.action_owner == "Jo Bloggs, Safeguarding Lead"


def test_the_form_offers_the_organisations_members_as_owners(
    editor_client, action, owner, editor, viewer, outsider
):
    choices = dict(editor_client.get(action_url(action)).context["form"].fields["owner"].choices)

    assert set(choices) == {"", str(owner.pk), str(editor.pk), str(viewer.pk)}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"status": "dropped"}, "dropped_reason", "Say why the action was dropped"),
        ({"status": ""}, "status", "Choose the action's status"),
        ({"status": "finished"}, "status", "Choose the action's status"),
        ({"owner": "999999", "owner_name": ""}, "owner", "Choose a member from the list"),
        ({"target_date": ("31", "2", "2027")}, "target_date", "Target date must be a real date"),
        ({"target_date": ("1", "1", "2020")}, "target_date", "must be today or in the future"),
        ({"note": "x" * 1001}, "note", "1,000 characters or fewer"),
    ],
)
def test_an_invalid_update_says_why_and_keeps_what_was_typed(
    editor_client, action, update_data, changes, field, message
):
    data = update_data(action, note="Typed this.") | update_data(action, **changes)
    if "note" not in changes:
        data["note"] = "Typed this."

    response = editor_client.post(action_url(action), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    assert "There is a problem" in response.content.decode()
    assert form["note"].value() == data["note"]
    assert not ActionUpdate.objects.exists()


def test_a_member_and_a_name_together_are_refused(editor_client, action, editor, update_data):
    data = update_data(action, owner=editor.pk, owner_name="Sam Lewis")

    response = editor_client.post(action_url(action), data)

    assert response.context["form"].errors["owner_name"] == [
        "Choose a member or name someone outside the organisation, not both"
    ]


def test_an_update_made_meanwhile_is_shown_and_nothing_is_overwritten(
    editor_client, action, owner, update_data
):
    from assessments.actions import services

    stale = update_data(action, status="done", note="My note.")
    services.update_action(
        action=action,
        user=owner,
        version=0,
        status="in-progress",
        owner=None,
        owner_name="Their owner",
        target_date=action.target_date,
        note="Their note.",
    )

    response = editor_client.post(action_url(action), stale)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else updated this action" in page and "Their note." in page
    form = response.context["form"]
    assert form["note"].value() == "My note." and form["status"].value() == "done"
    assert form["version"].value() == "1"
    action.refresh_from_db()
    assert (action.status, action.owner_name) == ("in-progress", "Their owner")


def test_an_action_of_a_reopened_assessment_has_no_form(client, owner, action, completed):
    from assessments.walkthrough import services

    services.reopen_assessment(assessment=completed, user=owner)
    client.force_login(owner)

    response = client.get(action_url(action))

    assert response.context["form"] is None
    assert "was reopened" in response.content.decode()


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_lists_every_action_with_its_status_owner_dates_and_last_note(
    viewer_client, completed, action, editor
):
    from assessments.actions import services

    services.update_action(
        action=action,
        user=editor,
        version=0,
        status="dropped",
        owner=editor,
        owner_name="",
        target_date=action.target_date,
        note='=HYPERLINK("http://evil")',
        dropped_reason="Covered by the county.",
    )

    response = viewer_client.get(reverse("assessments:actions_csv", args=["hillside-academy"]))

    header, *body = rows(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert header[:8] == [
        "Assessment",
        "Completed",
        "Domain",
        "Stage",
        "Question",
        "Action",
        "Status",
        "Overdue",
    ]
    assert len(body) == 8
    dropped = next(row for row in body if row[6] == "Dropped")
    assert dropped[8:12] == [
        "editor@hillside.example",
        "Yes",
        "2027-03-31",
        "Covered by the county.",
    ]
    assert dropped[12] == timezone.localdate().isoformat()
    assert dropped[13] == '\'=HYPERLINK("http://evil")'


def test_the_action_plan_csv_of_an_assessment_has_the_tracked_status(
    viewer_client, completed, action, editor
):
    from assessments.actions import services
    from tests.assessments.factories import assessment_url

    services.update_action(
        action=action,
        user=editor,
        version=0,
        status="in-progress",
        owner=None,
        owner_name="Sam Lewis",
        target_date=date(2027, 5, 1),
        note="Started.",
    )

    header, *body = rows(viewer_client.get(assessment_url("export_actions_csv", completed)))

    assert header[-3:] == ["Overdue", "Status", "Latest progress note"]
    row = next(
        row
        for row in body
        if row[5] == "Write a staff briefing on reporting routes." and row[6] == "Sam Lewis"
    )
    assert row[7:] == ["2027-05-01", "", "In progress", "Started."]
    assert {row[9] for row in body} == {"In progress", "Not started"}


def test_the_dashboard_shows_my_actions_and_the_counts(client, completed, editor):
    today = timezone.localdate()
    mine = list(Action.objects.filter(assessment=completed)[:2])
    for action, target in zip(
        mine, [today + timedelta(days=9), today - timedelta(days=1)], strict=True
    ):
        Action.objects.filter(pk=action.pk).update(owner=editor, target_date=target)
    client.force_login(editor)

    response = client.get(reverse("assessments:dashboard", args=[completed.organisation.slug]))

    page = response.content.decode()
    assert [a.pk for a in response.context["my_actions"]] == [mine[1].pk, mine[0].pk]
    assert (response.context["open_actions"], response.context["overdue_actions"]) == (8, 1)
    assert "8 open actions" in page and "1 overdue" in page
    assert "?status=overdue" in page
    assert action_url(mine[1]) in page
