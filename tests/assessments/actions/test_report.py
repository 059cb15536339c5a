"""The report and its PDF show each action's status as of the report's date; the stored PDF is
not served again once an action changes."""

from datetime import date

from assessments.actions import services
from assessments.models import Action
from assessments.reporting import pdf, tasks
from assessments.reporting.report import build_report
from tests.assessments.factories import assessment_url
from tests.assessments.reporting.pdfs import pages_of


def _progress(action: Action, user, **values) -> None:
    services.update_action(
        action=action,
        user=user,
        version=action.version,
        **{
            "status": Action.Status.IN_PROGRESS,
            "owner": None,
            "owner_name": "Sam Lewis, IT contractor",
            "target_date": date(2027, 6, 30),
            "note": "Briefing drafted; the head reviews it next week.",
        }
        | values,
    )


def test_the_plan_shows_the_tracked_status_owner_date_and_latest_note(completed, action, editor):
    _progress(action, editor)

    report = build_report(completed)

    item = next(item for item in report.actions if item.answer.pk == action.answer_id)
    assert report.status_as_of is not None
    assert (item.status, item.owner, item.target_date) == (
        "In progress",
        "Sam Lewis, IT contractor",
        date(2027, 6, 30),
    )
    assert item.note == "Briefing drafted; the head reviews it next week."
    assert {other.status for other in report.actions if other is not item} == {"Not started"}


def test_a_long_note_is_shortened_in_the_plan(completed, action, editor):
    _progress(action, editor, note="word " * 100)

    item = next(item for item in build_report(completed).actions if item.tracked == action)

    assert len(item.note) <= 160 and item.note.endswith("…")


def test_the_report_page_states_the_date_of_the_statuses_once(
    viewer_client, completed, action, editor
):
    _progress(action, editor)

    page = viewer_client.get(assessment_url("report", completed)).content.decode()

    assert page.count("Status as of") == 1
    assert "Briefing drafted; the head reviews it next week." in page
    assert "Sam Lewis, IT contractor" in page


def test_a_report_in_progress_shows_the_plan_as_it_is_now(viewer_client, assessment):
    assessment.question_answers.filter(question__key="environment-know").update(
        next_steps="Plan it.", action_owner="Jo"
    )

    report = build_report(assessment)
    page = viewer_client.get(assessment_url("report", assessment)).content.decode()

    assert report.status_as_of is None
    assert [(item.status, item.owner) for item in report.actions] == [("", "Jo")]
    assert "Status as of" not in page


def test_the_pdf_shows_the_status_as_of_its_date(completed, action, editor):
    _progress(action, editor)
    report = build_report(completed)

    text = " ".join(pages_of(pdf.render_report_pdf(report)))

    assert f"Status as of {report.status_as_of:%-d %B %Y}" in text
    assert "Latest progress: Briefing drafted; the head reviews it next week." in text
    assert "In progress" in text and "Not started" in text


def test_the_pdf_state_changes_with_any_update_of_an_action(completed, action, editor):
    before = tasks.state_key(completed)
    _progress(action, editor)
    after = tasks.state_key(completed)

    action.refresh_from_db()
    _progress(action, editor, note="Another note.")

    assert len({before, after, tasks.state_key(completed)}) == 3


def test_a_dropped_action_shows_why_it_was_dropped_not_its_last_progress(
    viewer_client, completed, action, editor
):
    _progress(action, editor, note="Started drafting.")
    action.refresh_from_db()
    _progress(
        action,
        editor,
        status=Action.Status.DROPPED,
        note="",
        dropped_reason="The county now runs this briefing for every school.",
    )

    page = viewer_client.get(assessment_url("report", completed)).content.decode()

    assert "Why it was dropped:</strong> The county now runs this briefing" in page
    assert "Started drafting." not in page
