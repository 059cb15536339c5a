"""Downloads of an assessment: the JSON export, the answers as CSV and the action plan as CSV."""

import csv
import io
import json
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.exports.csv_export import ACTION_COLUMNS, ANSWER_COLUMNS
from assessments.models import Rating
from tests.assessments.factories import assessment_url, page_queries

EXPORTS = ["export_json", "export_csv", "export_actions_csv"]
ALL_DOMAINS = ("environment", "content", "service", "policy")


def rows(response) -> list[list[str]]:
    """The CSV's rows, read as Excel reads it: UTF-8 after its byte order mark."""
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def answer(assessment, key: str, **values) -> None:
    assessment.question_answers.filter(question__key=key).update(**values)


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


def test_csv_has_a_header_and_one_row_per_answer(viewer_client, assessment):
    response = viewer_client.get(assessment_url("export_csv", assessment))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8 then
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
            "Who will do it",
            "By when",
            "Comment or note",
        ]
    )
    answers = (
        assessment.factor_answers.count()
        + assessment.question_answers.count()
        + assessment.checklist_answers.count()
    )
    assert len(body) == 1 + answers == 1 + 7 + 8 + 8  # the age groups, then every answer
    sections = [row[0] for row in body]
    assert (
        sections
        == ["About the people you support"] * 8
        + ["Environment"] * 4
        + ["Content"] * 4
        + ["Self-assessment checklist"] * 8
    )


def test_csv_first_row_holds_the_age_groups(viewer_client, assessment):
    assessment.age_groups = ["5-10", "11-13"]
    assessment.save(update_fields=["age_groups"])

    first = rows(viewer_client.get(assessment_url("export_csv", assessment)))[1]

    assert first == ["About the people you support", "", "", "age-groups", "Age groups"] + [
        ""
    ] * 6 + ["5–10, 11–13"]


def test_csv_age_groups_row_is_empty_when_none_is_chosen(viewer_client, assessment):
    assessment.age_groups = []
    assessment.save(update_fields=["age_groups"])

    first = rows(viewer_client.get(assessment_url("export_csv", assessment)))[1]

    assert first[3:5] == ["age-groups", "Age groups"]
    assert first[-1] == ""


def test_csv_keeps_text_that_is_not_ascii(viewer_client, assessment):
    answer(assessment, "environment-know", current_practice="Café “drop-in” – weekly")

    response = viewer_client.get(assessment_url("export_csv", assessment))

    assert "Café “drop-in” – weekly".encode() in response.content
    row = next(row for row in rows(response) if row[3] == "environment-know")
    assert row[7] == "Café “drop-in” – weekly"


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
    assert actions[0][5] == '\'=HYPERLINK("http://evil.example","Click")'


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
    assert (
        header
        == ACTION_COLUMNS
        == [
            "Priority",
            "Rating",
            "Domain",
            "Stage",
            "Question",
            "Action",
            "Who will do it",
            "By when",
            "Overdue",
            "Status",
            "Latest progress note",
        ]
    )
    assert [(row[0], row[1], row[5], row[7]) for row in body] == [
        ("1", "Poorly", "Do content-know", "2026-02-01"),
        ("2", "Poorly", "Do environment-learn", "2026-06-01"),
        ("3", "Poorly", "Do environment-know", ""),
        ("4", "Moderately", "Do content-understand", "2026-03-01"),
        ("5", "Well", "Do environment-understand", "2026-01-01"),
        ("6", "Not rated", "Do environment-recover", "2026-01-01"),
    ]
    assert body[0][2:4] == ["Content", "Know"] and body[0][4].startswith(
        "Do your resources offer advice"
    )


def test_action_plan_says_overdue_once_the_date_has_passed(viewer_client, assessment):
    today = timezone.localdate()
    plan = [
        ("environment-understand", today - timedelta(days=1), "Sam"),
        ("environment-know", today, ""),
        ("environment-learn", today + timedelta(days=30), "Jo, Head of Year 7"),
        ("environment-recover", None, ""),
    ]
    for key, target, owner in plan:
        answer(
            assessment,
            key,
            rating=Rating.POORLY,
            target_date=target,
            action_owner=owner,
            next_steps=f"Do {key}",
        )

    body = rows(viewer_client.get(assessment_url("export_actions_csv", assessment)))[1:]

    assert [(row[5], row[6], row[7], row[8]) for row in body] == [
        ("Do environment-understand", "Sam", (today - timedelta(days=1)).isoformat(), "Overdue"),
        ("Do environment-know", "", today.isoformat(), ""),
        (
            "Do environment-learn",
            "Jo, Head of Year 7",
            (today + timedelta(days=30)).isoformat(),
            "",
        ),
        ("Do environment-recover", "", "", ""),
    ]
    # In progress, nothing is tracked yet: completing makes each next step an action.
    assert {(row[9], row[10]) for row in body} == {("Not tracked yet", "")}


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
    one_domain = page_queries(viewer_client, assessment_url(name, one))

    assert page_queries(viewer_client, assessment_url(name, four)) == one_domain
