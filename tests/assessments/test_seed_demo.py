from datetime import date
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.http import HttpRequest

from assessments.models import (
    Activity,
    Assessment,
    ChecklistAnswer,
    FactorAnswer,
    Membership,
    Organisation,
    QuestionAnswer,
    Role,
    Section,
)
from assessments.reporting import queries as selectors
from assessments.walkthrough import queries as section_queries
from assessments.walkthrough.specs import item_label
from framework.models import Edition

pytestmark = pytest.mark.django_db


SEEDED_MODELS = [
    Edition,
    User,
    Organisation,
    Membership,
    Assessment,
    Section,
    FactorAnswer,
    QuestionAnswer,
    ChecklistAnswer,
    Activity,
]


def seed(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in SEEDED_MODELS}


def test_seed_demo_run_twice_changes_nothing():
    seed("--allow-known-password")
    counts = row_counts()
    stamps = list(Assessment.objects.values_list("pk", "updated_at", "status"))

    out, _ = seed("--allow-known-password")

    assert row_counts() == counts
    assert list(Assessment.objects.values_list("pk", "updated_at", "status")) == stamps
    assert "nothing changed" in out


def test_seed_demo_creates_the_demo_organisation_with_its_members():
    seed("--allow-known-password")

    organisation = Organisation.objects.get(slug="demo")
    assert organisation.name == "Riverside Community Learning Trust"
    assert organisation.nations and organisation.age_groups
    roles = dict(organisation.memberships.values_list("user__email", "role"))
    assert roles == {
        "demo@example.com": Role.OWNER,
        "editor@example.com": Role.EDITOR,
        "viewer@example.com": Role.VIEWER,
    }


def test_seed_demo_has_two_completed_reviews_and_one_in_progress_assessment():
    seed("--allow-known-password")

    organisation = Organisation.objects.get(slug="demo")
    statuses = dict(organisation.assessments.values_list("title", "status"))
    assert statuses == {
        "Annual review 2025": Assessment.Status.COMPLETED,
        "Annual review 2026": Assessment.Status.COMPLETED,
        "Spring term check-in": Assessment.Status.IN_PROGRESS,
    }
    in_progress = organisation.assessments.get(title="Spring term check-in")
    assert sorted(in_progress.domains.values_list("key", flat=True)) == ["environment", "service"]
    assert dict(in_progress.sections.values_list("key", "status")) == {
        "people": Section.Status.COMPLETED,
        "domain-environment": Section.Status.COMPLETED,
        "domain-service": Section.Status.NOT_STARTED,
        "checklist": Section.Status.IN_PROGRESS,
    }


@pytest.mark.parametrize(
    ("title", "completed_on"),
    [("Annual review 2025", date(2025, 10, 15)), ("Annual review 2026", date(2026, 10, 15))],
)
def test_seed_demo_completed_assessment_has_every_rating(title, completed_on):
    seed("--allow-known-password")

    completed = Assessment.objects.get(organisation__slug="demo", title=title)
    assert completed.domains.count() == 4
    assert section_queries.missing_ratings(completed) == []
    assert not completed.question_answers.filter(rating__isnull=True).exists()
    assert not completed.checklist_answers.filter(rating__isnull=True).exists()
    assert not completed.factor_answers.filter(relevant__isnull=True).exists()
    assert set(completed.question_answers.values_list("rating", flat=True)) == {1, 2, 3}
    assert not completed.question_answers.filter(current_practice="").exists()
    assert not completed.question_answers.filter(next_steps="").exists()
    assert completed.completed_by.email == "demo@example.com"
    assert completed.completed_at.date() == completed_on
    assert completed.created_at.date() < completed_on
    assert completed.activity.filter(kind=Activity.Kind.COMPLETED).exists()
    assert completed.activity.filter(kind=Activity.Kind.CHANGED).count() > 50


def test_seed_demo_reviews_a_year_apart_show_mostly_improvement():
    seed("--allow-known-password")
    earlier, later = Assessment.objects.filter(title__startswith="Annual review").order_by(
        "completed_at"
    )

    scores = selectors.assessment_scores([earlier, later])
    before, after = scores[earlier.pk], scores[later.pk]
    old, new = (
        dict(assessment.question_answers.values_list("question__key", "rating"))
        for assessment in (earlier, later)
    )
    changes = [new[key] - old[key] for key in old]
    assert later.based_on == earlier
    assert before.overall < after.overall
    assert sum(before.by_stage[key] < after.by_stage[key] for key in before.by_stage) >= 2
    # Better in several questions, the same in some, worse in one or two.
    assert sum(change > 0 for change in changes) >= 6
    assert sum(change == 0 for change in changes) >= 4
    assert sum(change < 0 for change in changes) in (1, 2)


def test_seed_demo_adds_the_earlier_review_to_an_older_installation():
    seed("--allow-known-password")
    # An installation seeded before the 2025 review was in the data file.
    Assessment.objects.filter(title="Annual review 2025").delete()
    stamps = list(Assessment.objects.values_list("pk", "updated_at", "status", "based_on"))

    out, _ = seed("--allow-known-password")

    assert "Created the demo assessments “Annual review 2025”." in out
    added = Assessment.objects.get(title="Annual review 2025")
    assert added.status == Assessment.Status.COMPLETED
    assert added.completed_at.date() == date(2025, 10, 15)
    # The existing assessments are left alone: the 2026 review is not rewired to the new one.
    assert (
        list(
            Assessment.objects.exclude(pk=added.pk).values_list(
                "pk", "updated_at", "status", "based_on"
            )
        )
        == stamps
    )
    assert Assessment.objects.get(title="Annual review 2026").based_on is None


def test_seed_demo_prints_the_demo_login(client):
    out, _ = seed("--allow-known-password")

    assert (
        "Demo organisation: http://127.0.0.1:8000/orgs/demo/ — "
        "log in as demo@example.com / demo-password"
    ) in out
    assert client.login(
        request=HttpRequest(), username="demo@example.com", password="demo-password"
    )
    assert client.login(
        request=HttpRequest(), username="viewer@example.com", password="demo-password"
    )


def test_seed_demo_without_debug_gives_no_known_password(client, settings):
    settings.DEBUG = False

    out, err = seed()

    assert "demo-password" not in out
    assert "--allow-known-password" in err
    assert not client.login(
        request=HttpRequest(), username="demo@example.com", password="demo-password"
    )
    assert Assessment.objects.filter(organisation__slug="demo").count() == 3


def test_seed_demo_history_names_answers_as_real_saves_do():
    seed()
    assessment = Assessment.objects.get(organisation__slug="demo", title="Annual review 2026")
    questions = {
        answer.question.key: answer
        for answer in assessment.question_answers.select_related(
            "question__domain", "question__stage"
        )
    }
    statements = {
        a.statement.key: a for a in assessment.checklist_answers.select_related("statement")
    }
    factors = {a.factor.key: a for a in assessment.factor_answers.select_related("factor")}

    changes = list(assessment.activity.filter(kind=Activity.Kind.CHANGED))

    assert changes
    for entry in changes:
        row = (questions | statements | factors).get(entry.item_key)
        assert row is not None, entry.item_key
        assert entry.item == item_label(row), entry.item
        assert entry.field_name in {field.name for field in row._meta.get_fields()}
    domain_entry = next(entry for entry in changes if entry.item_key in questions)
    assert domain_entry.item.startswith(
        f"{questions[domain_entry.item_key].question.domain.name} – "
    )
    assert any(entry.item.startswith("Checklist – ") for entry in changes)
