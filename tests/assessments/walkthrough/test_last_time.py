"""A domain section of an assessment started from a completed one shows, under each question,
what became of last time's action: its status, owner, target date and latest progress note."""

from assessments.actions import services
from assessments.models import Action
from tests.assessments.factories import assessment_url, page_queries


def _update(action: Action, user, note: str) -> None:
    services.update_action(
        action=action,
        user=user,
        version=action.version,
        status=Action.Status.DONE,
        owner=user,
        owner_name="",
        target_date=action.target_date,
        note=note,
    )


def test_each_question_shows_last_times_action_and_what_became_of_it(
    editor_client, editor, previous, copied
):
    done = Action.objects.get(assessment=previous, answer__question__key="environment-know")
    _update(done, editor, "Briefing given to all staff in May.")
    Action.objects.filter(assessment=previous, answer__question__key="environment-learn").delete()

    response = editor_client.get(assessment_url("domain_section", copied, "environment"))

    page = response.content.decode()
    answers = {answer.question.key: answer for answer in response.context["answers"]}
    assert answers["environment-know"].last_time.action == done
    assert answers["environment-learn"].last_time.action is None
    assert page.count("Last time, in “Spring 2020”") == 4
    assert "Status: <strong>Done</strong>" in page
    assert "Latest progress note: Briefing given to all staff in May." in page
    assert "Jo Bloggs, Safeguarding Lead" in page
    assert page.count("No action was set.") == 1


def test_a_new_domain_and_an_assessment_not_started_from_another_show_nothing(
    editor_client, copied, assessment
):
    service = editor_client.get(assessment_url("domain_section", copied, "service"))
    fresh = editor_client.get(assessment_url("domain_section", assessment, "environment"))

    assert "Last time" not in service.content.decode()
    assert "Last time" not in fresh.content.decode()


def test_last_time_is_read_in_the_same_queries_however_many_actions_were_updated(
    editor_client, editor, viewer, owner, previous, copied
):
    path = assessment_url("domain_section", copied, "environment")
    actions = list(
        Action.objects.filter(assessment=previous, answer__question__domain__key="environment")
    )
    _update(actions[0], owner, "First.")
    page_queries(editor_client, path)
    one = page_queries(editor_client, path)

    for action, user in zip(actions[1:], [editor, viewer, owner], strict=True):
        _update(action, user, "More.")

    assert page_queries(editor_client, path) == one
