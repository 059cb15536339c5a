"""The actions page, the dashboard, an action's page and the CSV read a fixed number of queries,
however many actions, owners and updates there are."""

from django.urls import reverse

from assessments.actions import services
from assessments.models import Action
from tests.assessments.actions.conftest import action_url, actions_url
from tests.assessments.factories import complete, fill, page_queries

ALL_DOMAINS = ("environment", "content", "service", "policy")


def _follow_up(actions, people) -> None:
    """Give each action an owner (members in turn) and an update with a note."""
    for number, action in enumerate(actions):
        services.update_action(
            action=action,
            user=people[number % len(people)],
            version=action.version,
            status=Action.Status.IN_PROGRESS,
            owner=people[number % len(people)],
            owner_name="",
            target_date=action.target_date,
            note=f"Note {number}",
        )


def test_list_pages_read_the_same_queries_for_one_action_as_for_twenty(
    client, completed, make_assessment, owner, editor, viewer, make_user, organisation
):
    priya = make_user("priya@hillside.example", full_name="Priya Shah")
    organisation.memberships.create(user=priya)
    people = [owner, editor, viewer, priya]
    Action.objects.filter(assessment=completed).exclude(
        answer__question__key="environment-understand"
    ).delete()
    _follow_up(Action.objects.filter(assessment=completed), people)
    Action.objects.update(owner=editor)
    client.force_login(editor)
    organisation_slug = completed.organisation.slug
    paths = [
        actions_url(organisation),
        actions_url(organisation) + "?closed=on&owner=me",
        reverse("assessments:dashboard", args=[organisation_slug]),
        reverse("assessments:actions_csv", args=[organisation_slug]),
    ]
    for path in paths:
        page_queries(client, path)  # not counted: the first read
    one = [page_queries(client, path) for path in paths]

    more = make_assessment(domains=ALL_DOMAINS, title="Autumn review")
    fill(more)
    complete(more, owner)
    _follow_up(Action.objects.filter(assessment=more), people)
    Action.objects.filter(assessment=more).update(owner=editor)
    assert Action.objects.filter(owner=editor).count() == 17

    assert [page_queries(client, path) for path in paths] == one


def test_an_actions_page_reads_the_same_queries_however_long_its_history(
    editor_client, action, owner, editor, viewer
):
    path = action_url(action)
    _follow_up([action], [owner])
    page_queries(editor_client, path)
    one = page_queries(editor_client, path)

    for _ in range(5):
        action.refresh_from_db()
        _follow_up([action], [editor, viewer])

    assert page_queries(editor_client, path) == one
