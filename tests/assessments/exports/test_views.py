"""Downloads of an assessment: the JSON export, the answers as CSV and the action plan as CSV."""

import csv
import io
import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.exports.csv_export import ACTION_COLUMNS, ANSWER_COLUMNS
from assessments.models import Rating
from tests.assessments.factories import assessment_url

EXPORTS = ["export_json", "export_csv", "export_actions_csv"]
ALL_DOMAINS = ("environment", "content", "service", "policy")


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def answer(assessment, key: str, **values) -> None:
    assessment.question_answers.filter(question__key=key).update(**values)


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


def test_csv_has_a_header_and_one_row_per_answer(viewer_client, assessment):
    response = viewer_client.get(assessment_url("export_csv", assessment))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert not response.content.startswith(b"\xef\xbb\xbf")  # plain UTF-8, no byte order mark
    header, *body = rows(response)
    assert (
        header
        == ANSWER_COLUMNS
        == [
            "Section",
            "Domain",
            "Stage",
            "Key",
            "Item",
            "Rating",
            "Relevant",
            "What you do now",
            "What you will do next",
            "Owner",
            "Target date",
            "Comment or note",
        ]
    )
    answers = (
        assessment.factor_answers.count()
        + assessment.question_answers.count()
        + assessment.checklist_answers.count()
    )
    assert len(body) == answers == 7 + 8 + 8
    sections = [row[0] for row in body]
    assert (
        sections
        == ["About the people you support"] * 7
        + ["Environment"] * 4
        + ["Content"] * 4
        + ["Self-assessment checklist"] * 8
    )


def test_csv_row_of_a_question_holds_its_answer(viewer_client, assessment):
    answer(
        assessment,
        "environment-know",
        rating=Rating.MODERATELY,
        current_practice="Posters in every room",
        next_steps="Add the helpline to the app",
        action_owner="Sam",
        target_date=date(2026, 9, 1),
    )

    body = rows(viewer_client.get(assessment_url("export_csv", assessment)))[1:]

    row = next(row for row in body if row[3] == "environment-know")
    assert row[:3] == ["Environment", "Environment", "Know"]
    assert row[5:] == [
        "Moderately",
        "",
        "Posters in every room",
        "Add the helpline to the app",
        "Sam",
        "2026-09-01",
        "",
    ]


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_quoted(viewer_client, assessment):
    answer(
        assessment,
        "environment-know",
        next_steps='=HYPERLINK("http://evil.example","Click")',
        current_practice="+44 helpline",
        action_owner="@admin",
    )
    assessment.checklist_answers.update(comment="-1 for effort")

    body = rows(viewer_client.get(assessment_url("export_csv", assessment)))[1:]
    actions = rows(viewer_client.get(assessment_url("export_actions_csv", assessment)))[1:]

    row = next(row for row in body if row[3] == "environment-know")
    assert row[7:10] == ["'+44 helpline", '\'=HYPERLINK("http://evil.example","Click")', "'@admin"]
    assert body[-1][-1] == "'-1 for effort"
    assert actions[0][4] == '\'=HYPERLINK("http://evil.example","Click")'


def test_action_plan_lists_actions_poorly_first_then_by_target_date(viewer_client, assessment):
    plan = [
        ("environment-understand", Rating.WELL, date(2026, 1, 1)),
        ("environment-know", Rating.POORLY, None),
        ("environment-learn", Rating.POORLY, date(2026, 6, 1)),
        ("environment-recover", None, date(2026, 1, 1)),
        ("content-understand", Rating.MODERATELY, date(2026, 3, 1)),
        ("content-know", Rating.POORLY, date(2026, 2, 1)),
    ]
    for key, rating, target in plan:
        answer(assessment, key, rating=rating, target_date=target, next_steps=f"Do {key}")
    answer(assessment, "content-learn", rating=Rating.POORLY, next_steps="  ")  # no action

    response = viewer_client.get(assessment_url("export_actions_csv", assessment))

    header, *body = rows(response)
    assert header == ACTION_COLUMNS
    assert [(row[0], row[4], row[6]) for row in body] == [
        ("Poorly", "Do content-know", "2026-02-01"),
        ("Poorly", "Do environment-learn", "2026-06-01"),
        ("Poorly", "Do environment-know", ""),
        ("Moderately", "Do content-understand", "2026-03-01"),
        ("Well", "Do environment-understand", "2026-01-01"),
        ("Not rated", "Do environment-recover", "2026-01-01"),
    ]
    assert body[0][1:3] == ["Content", "Know"] and body[0][3].startswith(
        "Do your resources offer advice"
    )


@pytest.mark.parametrize(
    ("name", "filename"),
    [
        ("export_json", "hillside-academy-spring-review-{today}.json"),
        ("export_csv", "hillside-academy-spring-review-{today}.csv"),
        ("export_actions_csv", "hillside-academy-spring-review-action-plan-{today}.csv"),
    ],
)
def test_downloads_are_attachments_named_after_organisation_assessment_and_date(
    viewer_client, assessment, name, filename
):
    response = viewer_client.get(assessment_url(name, assessment))

    today = timezone.localdate().isoformat()
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == f'attachment; filename="{filename.format(today=today)}"'
    )


def test_json_download_is_the_export_with_sorted_keys(viewer_client, assessment):
    response = viewer_client.get(assessment_url("export_json", assessment))

    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(response.content)
    assert list(data) == sorted(data)
    assert data["assessment"]["title"] == "Spring review"
    assert len(data["questions"]) == 8 and len(data["checklist"]) == 8


@pytest.mark.parametrize("name", EXPORTS)
def test_downloads_of_an_outsider_are_not_found(client, outsider, assessment, name):
    client.force_login(outsider)

    assert client.get(assessment_url(name, assessment)).status_code == 404


@pytest.mark.parametrize("name", EXPORTS)
def test_downloads_of_another_organisations_assessment_are_not_found(
    client, owner, outsider, make_assessment, name
):
    theirs = make_assessment(
        organisation=outsider.memberships.get().organisation, user=outsider, title="Theirs"
    )
    client.force_login(owner)

    path = reverse(f"assessments:{name}", args=["hillside-academy", theirs.pk])

    assert client.get(path).status_code == 404


def test_task_list_links_every_download(viewer_client, assessment):
    html = viewer_client.get(
        reverse("assessments:detail", args=[assessment.organisation.slug, assessment.pk])
    ).content.decode()

    for name in EXPORTS:
        assert f'href="{assessment_url(name, assessment)}"' in html


@pytest.mark.parametrize("name", EXPORTS)
def test_downloads_read_the_same_number_of_queries_for_one_domain_as_for_four(
    viewer_client, make_assessment, name
):
    one = make_assessment(domains=("environment",))
    four = make_assessment(domains=ALL_DOMAINS)
    for assessment in (one, four):
        assessment.question_answers.update(rating=Rating.MODERATELY, next_steps="Plan")
    viewer_client.get(assessment_url(name, one))  # the session's first read is not counted

    counts = []
    for assessment in (one, four):
        with CaptureQueriesContext(connection) as captured:
            assert viewer_client.get(assessment_url(name, assessment)).status_code == 200
        counts.append(len(captured.captured_queries))

    assert counts[0] == counts[1]
