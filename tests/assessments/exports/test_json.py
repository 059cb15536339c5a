"""The JSON export of an assessment and its import, by the service and by the command."""

import copy
import io
import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from assessments.exports import json_export, json_import
from assessments.models import Activity, Assessment, QuestionAnswer, Rating
from assessments.walkthrough import services


@pytest.fixture
def answered(assessment, editor, owner):
    """The assessment with every kind of answer given through the services, then completed."""
    factor = assessment.factor_answers.select_related("factor").first()
    question = assessment.question_answers.select_related("question").first()
    statement = assessment.checklist_answers.select_related("statement").first()
    for section_key, row, values in [
        ("people", factor, {"relevant": True, "note": "Many are care-experienced."}),
        (
            "domain-environment",
            question,
            {
                "rating": Rating.MODERATELY,
                "current_practice": "Filtering, reviewed yearly.",
                "next_steps": "Review the filtering termly.",
                "action_owner": "Sam, DSL",
                "target_date": date(2026, 7, 1),
            },
        ),
        ("checklist", statement, {"rating": Rating.WELL, "comment": "Policy signed off."}),
    ]:
        services.save_section(
            assessment=assessment,
            section_key=section_key,
            user=editor,
            expected_version=0,
            changes=[(row, values)],
        )
    QuestionAnswer.objects.filter(assessment=assessment).exclude(pk=question.pk).update(rating=1)
    assessment.checklist_answers.exclude(pk=statement.pk).update(rating=2)
    services.refresh_section_statuses(assessment)
    return services.complete_assessment(assessment=assessment, user=owner, sign_off=SIGN_OFF)


SIGN_OFF = {
    "board_findings": "Filtering is strong.",
    "board_plans": "Train staff.",
    "board_asks": "Two training days.",
    "approved_by": "Governing board",
    "approved_on": date(2026, 6, 1),
    "next_review_on": date(2027, 6, 1),
}


def without_volatile(data: dict) -> dict:
    """An export without what differs between two exports of equal assessments."""
    return {k: v for k, v in data.items() if k not in ("exported_at", "organisation")}


def test_export_names_everything_by_key_and_email(answered):
    data = json_export.export_assessment(answered)

    assert data["format"] == "digital-resilience-assessment" and data["format_version"] == 1
    assert data["edition"]["key"] == "ukcis-drf-2019"
    assert data["organisation"] == {"name": "Hillside Academy", "slug": "hillside-academy"}
    meta = data["assessment"]
    assert meta["status"] == "completed"
    assert meta["completed_by"] == "owner@hillside.example"
    assert meta["domains"] == ["environment", "content"]
    assert meta["board_asks"] == "Two training days." and meta["approved_by"] == "Governing board"
    assert (meta["approved_on"], meta["next_review_on"]) == ("2026-06-01", "2027-06-01")
    question = data["questions"][0]
    assert question["domain"] == "environment" and question["stage"] == "understand"
    assert question["rating"] == "moderately" and question["target_date"] == "2026-07-01"
    assert data["checklist"][0]["rating"] == "well"
    assert data["factors"][0] == {
        "factor": data["factors"][0]["factor"],
        "relevant": True,
        "note": "Many are care-experienced.",
    }
    kinds = [entry["kind"] for entry in data["activity"]]
    # Oldest first: started, then 2 + 5 + 2 changed fields, then completed and signed off.
    assert kinds == ["created"] + ["changed"] * 9 + ["completed", "signed-off"]
    assert data["activity"][1]["user"] == "editor@hillside.example"


def test_export_then_import_then_export_is_identical(answered, make_organisation, owner):
    other = make_organisation(owner, name="Hillside Sixth Form")
    exported = json.loads(json_export.to_json(json_export.export_assessment(answered)))

    imported = json_import.import_assessment(data=exported, organisation=other)

    assert imported.pk != answered.pk and imported.organisation == other
    again = json_export.export_assessment(imported)
    assert without_volatile(again) == without_volatile(exported)
    assert again["organisation"]["slug"] == "hillside-sixth-form"


def test_import_keeps_timestamps_people_and_section_statuses(answered, organisation, owner):
    data = json_export.export_assessment(answered)

    imported = json_import.import_assessment(data=data, organisation=organisation)

    assert imported.status == Assessment.Status.COMPLETED and imported.is_locked
    assert imported.created_at == answered.created_at
    assert imported.completed_at == answered.completed_at
    assert imported.completed_by == owner
    statuses = dict(imported.sections.values_list("key", "status"))
    assert statuses == dict(answered.sections.values_list("key", "status"))
    assert imported.activity.count() == answered.activity.count()


def test_import_matches_people_by_email_whatever_its_case(answered, organisation, owner):
    data = json_export.export_assessment(answered)
    data["assessment"]["completed_by"] = "OWNER@Hillside.Example"

    imported = json_import.import_assessment(data=data, organisation=organisation)

    assert imported.completed_by == owner


def test_import_of_unknown_people_names_nobody(answered, organisation):
    data = json_export.export_assessment(answered)
    data["assessment"]["completed_by"] = "gone@example.com"
    data["activity"][1]["user"] = "gone@example.com"

    imported = json_import.import_assessment(data=data, organisation=organisation)

    assert imported.completed_by is None
    assert imported.activity.filter(user=None).count() == 1
    assert json_import.unmatched_emails(data) == ["gone@example.com"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format_version=2), "format_version 2 is not supported"),
        (lambda d: d.update(format="other"), "not an assessment export"),
        (lambda d: d["assessment"].pop("title"), "assessment.title: missing (required)."),
        (
            lambda d: d["questions"][0].update(rating="great"),
            "questions[0].rating: expected “poorly”, “moderately”, “well” or null, got 'great'.",
        ),
        (lambda d: d["questions"][1].update(rating=2), "questions[1].rating: expected"),
        (lambda d: d["factors"][0].update(relevant="yes"), "factors[0].relevant: expected"),
        (lambda d: d["questions"][0].update(target_date="1 July"), "questions[0].target_date"),
        (lambda d: d["activity"][0].update(at="yesterday"), "activity[0].at: expected"),
        (lambda d: d["assessment"].update(status="done"), "assessment.status: expected"),
        (lambda d: d.update(checklist={}), "checklist: expected a list."),
        (
            lambda d: d["questions"][0].update(question="no-such-question"),
            "question “environment/no-such-question”",
        ),
        (
            lambda d: d["checklist"][0].update(statement="no-such-statement"),
            "checklist statement “no-such-statement”",
        ),
        (lambda d: d["factors"][0].update(factor="no-such-factor"), "factor “no-such-factor”"),
        (
            lambda d: d["assessment"].update(domains=["environment"]),
            "questions of domains not listed in assessment.domains: “content”",
        ),
        (
            lambda d: d["questions"].append(copy.deepcopy(d["questions"][0])),
            "questions: answered more than once: environment/environment-understand.",
        ),
    ],
)
def test_import_of_a_faulty_file_says_why_and_creates_nothing(
    answered, organisation, change, message
):
    data = json_export.export_assessment(answered)
    change(data)
    before = (Assessment.objects.count(), Activity.objects.count(), QuestionAnswer.objects.count())

    with pytest.raises(ValidationError) as raised:
        json_import.import_assessment(data=data, organisation=organisation)

    assert any(message in problem for problem in raised.value.messages), raised.value.messages
    after = (Assessment.objects.count(), Activity.objects.count(), QuestionAnswer.objects.count())
    assert after == before


def test_import_lists_every_unknown_key_at_once(answered, organisation):
    data = json_export.export_assessment(answered)
    data["questions"][0]["question"] = "gone-1"
    data["questions"][1]["question"] = "gone-2"

    with pytest.raises(ValidationError) as raised:
        json_import.import_assessment(data=data, organisation=organisation)

    assert raised.value.messages == [
        "These keys are not in the edition “ukcis-drf-2019”: question “environment/gone-1”, "
        "question “environment/gone-2”."
    ]


def test_import_of_an_edition_not_installed_names_it_and_how_to_load_it(answered, organisation):
    data = json_export.export_assessment(answered)
    data["edition"]["key"] = "ukcis-drf-2031"

    with pytest.raises(ValidationError) as raised:
        json_import.import_assessment(data=data, organisation=organisation)

    message = raised.value.messages[0]
    assert "“ukcis-drf-2031”" in message and "load_framework FILE" in message
    assert Assessment.objects.count() == 1


def test_import_command_creates_the_assessment(answered, organisation, tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json_export.to_json(json_export.export_assessment(answered)), encoding="utf-8")
    out = io.StringIO()

    call_command("import_assessment", str(path), "--org", organisation.slug, stdout=out)

    imported = organisation.assessments.exclude(pk=answered.pk).get()
    assert imported.title == answered.title and imported.is_locked
    assert f"Imported “{answered.title}” into Hillside Academy" in out.getvalue()


def test_import_command_notes_people_without_an_account(answered, organisation, tmp_path, capsys):
    data = json_export.export_assessment(answered)
    data["assessment"]["completed_by"] = "gone@example.com"
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    call_command("import_assessment", str(path), "--org", organisation.slug)

    assert "Note: no account here has the email address gone@example.com" in capsys.readouterr().out
    assert organisation.assessments.filter(completed_by=None, status="completed").exists()


def test_import_command_of_a_missing_edition_fails_clearly(answered, organisation, tmp_path):
    data = json_export.export_assessment(answered)
    data["edition"]["key"] = "ukcis-drf-2031"
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(CommandError, match=r"nothing was created\.\n  - The edition “ukcis-drf"):
        call_command("import_assessment", str(path), "--org", organisation.slug)

    assert Assessment.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "org", "message"),
    [
        ("{not json", "hillside-academy", "Could not read"),
        ("{}", "no-such-org", "There is no organisation with the slug “no-such-org”."),
    ],
)
def test_import_command_of_an_unreadable_file_or_unknown_organisation_fails(
    organisation, tmp_path, content, org, message
):
    path = tmp_path / "export.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError, match=message):
        call_command("import_assessment", str(path), "--org", org)

    assert not Assessment.objects.exists()


def test_import_of_a_file_from_before_the_sign_off_leaves_it_blank(answered, organisation):
    data = json_export.export_assessment(answered)
    for field in SIGN_OFF:
        del data["assessment"][field]

    imported = json_import.import_assessment(data=data, organisation=organisation)

    assert (imported.board_findings, imported.approved_by, imported.approved_on) == ("", "", None)
    assert imported.review_due  # twelve months after completing


def test_import_refuses_a_sign_off_it_cannot_hold(answered, organisation):
    data = json_export.export_assessment(answered)
    data["assessment"]["approved_on"] = "9999-01-01"
    data["assessment"]["board_plans"] = "x" * 1001
    before = Assessment.objects.count()

    with pytest.raises(ValidationError) as refused:
        json_import.import_assessment(data=data, organisation=organisation)

    assert "assessment.approved_on: 9999-01-01 is outside the dates" in str(refused.value)
    assert "assessment.board_plans: 1,001 characters; at most 1,000" in str(refused.value)
    assert Assessment.objects.count() == before
