"""Imports trust nothing: every value of a file is checked before anything is written, and what
an import can write never breaks the organisation's pages or the admin."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from assessments.exports import json_export, json_import
from assessments.models import Activity, Assessment, QuestionAnswer
from tests.assessments.factories import assessment_url, complete


@pytest.fixture
def exported(assessment, owner) -> dict:
    """A completed assessment's export, as a file holds it."""
    done = complete(assessment, owner)
    return json.loads(json_export.to_json(json_export.export_assessment(done)))


def counts() -> tuple[int, int, int]:
    return Assessment.objects.count(), Activity.objects.count(), QuestionAnswer.objects.count()


FAR_FUTURE = "9999-12-31T23:59:59+00:00"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["assessment"].update(title="T" * 201),
            "assessment.title: 201 characters; at most 200 are allowed.",
        ),
        (
            lambda d: d["factors"][0].update(note="n" * 1_000_000),
            "factors[0].note: 1,000,000 characters; at most 2,000 are allowed.",
        ),
        (
            lambda d: d["questions"][0].update(action_owner="o" * 201),
            "questions[0].action_owner: 201 characters; at most 200 are allowed.",
        ),
        (
            lambda d: d["activity"][0].update(item="i" * 301),
            "activity[0].item: 301 characters; at most 300 are allowed.",
        ),
        (
            lambda d: d["questions"][0].update(current_practice="a\x00b"),
            "questions[0].current_practice: contains control characters that text here "
            "cannot hold (U+0000).",
        ),
        (
            lambda d: d["checklist"][0].update(comment="\x1b[31mred"),
            "checklist[0].comment: contains control characters",
        ),
        (
            lambda d: d["assessment"].update(title="Spring\nreview"),
            "assessment.title: contains control, line-break or direction characters that text "
            "here cannot hold (U+000A).",
        ),
        (
            lambda d: d["assessment"].update(title="Spring \u202ewaiver"),
            "assessment.title: contains control, line-break or direction characters that text "
            "here cannot hold (U+202E).",
        ),
        (
            lambda d: d["questions"][0].update(target_date="9999-12-31"),
            "questions[0].target_date: 9999-12-31 is outside the dates an action can have",
        ),
        (
            lambda d: d["assessment"].update(completed_at=FAR_FUTURE),
            f"assessment.completed_at: {FAR_FUTURE} is not a time this file can hold",
        ),
        (
            lambda d: d["activity"][0].update(at="1970-01-01T00:00:00+00:00"),
            "activity[0].at: 1970-01-01T00:00:00+00:00 is not a time this file can hold",
        ),
        (
            lambda d: d["assessment"].update(completed_at=None),
            "assessment.completed_at: a completed assessment needs its completion time.",
        ),
        (
            lambda d: d["assessment"].update(status="in-progress"),
            "assessment.completed_at: an assessment in progress has no completion time",
        ),
        (
            lambda d: d["assessment"].update(completed_at="2001-01-01T00:00:00+00:00"),
            "assessment.completed_at: the assessment was completed before it was started.",
        ),
    ],
)
def test_import_refuses_values_the_site_cannot_hold_and_writes_nothing(
    exported, organisation, change, message
):
    change(exported)
    before = counts()

    with pytest.raises(ValidationError) as raised:
        json_import.import_assessment(data=exported, organisation=organisation)

    assert any(message in problem for problem in raised.value.messages), raised.value.messages
    assert counts() == before


def test_import_lists_every_problem_of_a_file_at_once(exported, organisation):
    exported["assessment"]["title"] = "T" * 201
    exported["assessment"]["completed_at"] = None
    exported["questions"][0]["target_date"] = "9999-12-31"
    exported["questions"][1]["question"] = "no-such-question"

    with pytest.raises(ValidationError) as raised:
        json_import.import_assessment(data=exported, organisation=organisation)

    assert [problem.split(":")[0] for problem in raised.value.messages] == [
        "assessment.title",
        "questions[0].target_date",
        "assessment.completed_at",
        "These keys are not in the edition “ukcis-drf-2019”",
    ]


def test_import_keeps_newlines_and_tabs_in_answers(exported, organisation):
    exported["questions"][0]["current_practice"] = "First line\r\nSecond line\n\tindented"

    imported = json_import.import_assessment(data=exported, organisation=organisation)

    answer = imported.question_answers.get(question__key=exported["questions"][0]["question"])
    assert answer.current_practice == "First line\r\nSecond line\n\tindented"


def test_import_command_refuses_a_file_over_the_size_limit(exported, organisation, tmp_path):
    exported["factors"][0]["note"] = "n" * 2000
    path = tmp_path / "export.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    before = counts()

    with (
        override_settings(ASSESSMENT_IMPORT_MAX_BYTES=path.stat().st_size - 1),
        pytest.raises(CommandError) as raised,
    ):
        call_command("import_assessment", str(path), "--org", organisation.slug)

    assert "nothing was created" in str(raised.value)
    assert "The file is larger than" in str(raised.value)
    assert counts() == before


def test_import_command_lists_every_problem_in_one_error(exported, organisation, tmp_path):
    exported["assessment"]["completed_at"] = None
    exported["questions"][0]["target_date"] = "9999-12-31"
    path = tmp_path / "export.json"
    path.write_text(json.dumps(exported), encoding="utf-8")

    with pytest.raises(CommandError) as raised:
        call_command("import_assessment", str(path), "--org", organisation.slug)

    assert str(raised.value).splitlines() == [
        f"Could not import {path}; nothing was created.",
        "  - questions[0].target_date: 9999-12-31 is outside the dates an action can have "
        "(1900-01-01 to 2999-12-31).",
        "  - assessment.completed_at: a completed assessment needs its completion time.",
    ]


def test_pages_and_admin_show_an_import_at_every_limit(exported, organisation, owner, client):
    """The furthest values an import takes: the longest title, the earliest and latest target
    dates, a completion just now, answers with line breaks. Every page that lists or shows the
    assessment answers 200, the admin's lists too."""
    exported["assessment"]["title"] = "T" * 200
    exported["assessment"]["completed_at"] = (timezone.now() + timedelta(hours=23)).isoformat()
    exported["questions"][0].update(target_date="2999-12-31", action_owner="o" * 200)
    exported["questions"][1].update(target_date="1900-01-01", next_steps="a\r\nb\tc" * 800)
    imported = json_import.import_assessment(data=exported, organisation=organisation)
    client.force_login(owner)
    admin = User.objects.create_superuser("admin", "admin@example.com", "x")

    pages = [
        reverse("assessments:dashboard", args=[organisation.slug]),
        assessment_url("detail", imported),
        assessment_url("report", imported),
        assessment_url("history", imported),
        assessment_url("export_csv", imported),
        assessment_url("export_actions_csv", imported),
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page
    client.force_login(admin)
    for page in [
        reverse("admin:assessments_assessment_changelist"),
        reverse("admin:assessments_assessment_change", args=[imported.pk]),
        reverse("admin:assessments_organisation_changelist"),
    ]:
        assert client.get(page).status_code == 200, page
