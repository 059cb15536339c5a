from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.http import HttpRequest
from django.utils import timezone

from assessments.models import (
    Action,
    ActionUpdate,
    Activity,
    Assessment,
    ChecklistAnswer,
    FactorAnswer,
    Group,
    GroupLink,
    GroupMembership,
    GroupRole,
    Membership,
    Organisation,
    QuestionAnswer,
    Role,
    Section,
    Sharing,
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
    Action,
    ActionUpdate,
    Group,
    GroupMembership,
    GroupLink,
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

    actions = list(Action.objects.values_list("pk", "status", "version", "owner", "updated_at"))

    out, _ = seed("--allow-known-password")

    assert row_counts() == counts
    assert list(Assessment.objects.values_list("pk", "updated_at", "status")) == stamps
    assert (
        list(Action.objects.values_list("pk", "status", "version", "owner", "updated_at"))
        == actions
    )
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
    earlier, later = Assessment.objects.filter(
        organisation__slug="demo", title__startswith="Annual review"
    ).order_by("completed_at")

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
    demo = Assessment.objects.filter(organisation__slug="demo")
    demo.filter(title="Annual review 2025").delete()
    stamps = list(demo.values_list("pk", "updated_at", "status", "based_on"))

    out, _ = seed("--allow-known-password")

    assert "Created the demo assessments “Annual review 2025”." in out
    added = demo.get(title="Annual review 2025")
    assert added.status == Assessment.Status.COMPLETED
    assert added.completed_at.date() == date(2025, 10, 15)
    # The existing assessments are left alone: the 2026 review is not rewired to the new one.
    assert (
        list(demo.exclude(pk=added.pk).values_list("pk", "updated_at", "status", "based_on"))
        == stamps
    )
    assert demo.get(title="Annual review 2026").based_on is None


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
    assert (
        "Demo Learning Trust: http://127.0.0.1:8000/groups/demo-trust/ — "
        "log in as trust@example.com / demo-password"
    ) in out
    assert client.login(
        request=HttpRequest(), username="trust@example.com", password="demo-password"
    )
    assert client.login(
        request=HttpRequest(), username="head@oakfield.example", password="demo-password"
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


OAKFIELD_MARKER = "Oakfield private evidence"


def test_seed_demo_gives_the_demo_organisation_an_overdue_action_and_a_next_review():
    seed()
    organisation = Organisation.objects.get(slug="demo")

    overdue = [
        action for action in Action.objects.filter(organisation=organisation) if action.is_overdue
    ]
    latest = organisation.assessments.completed().order_by("-completed_at").first()

    assert overdue
    assert latest.title == "Annual review 2026"
    assert latest.next_review_on == date(2027, 10, 15)
    assert latest.review_due > timezone.localdate()


def test_seed_demo_latest_review_actions_have_a_history():
    seed()
    latest = Assessment.objects.get(organisation__slug="demo", title="Annual review 2026")
    actions = list(latest.actions.prefetch_related("updates__user"))
    statuses = Counter(action.status for action in actions)
    updates = [update for action in actions for update in action.updates.all()]

    assert statuses[Action.Status.IN_PROGRESS] >= 2
    assert statuses[Action.Status.DONE] >= 1
    assert statuses[Action.Status.DROPPED] >= 1
    assert any(
        action.status == Action.Status.NOT_STARTED and action.is_overdue for action in actions
    )
    assert all(
        action.dropped_reason for action in actions if action.status == Action.Status.DROPPED
    )
    for action in actions:
        if action.status == Action.Status.IN_PROGRESS:
            assert any(update.note for update in action.updates.all()), action
        assert action.version == len(action.updates.all())
    assert {update.user.email for update in updates} == {"demo@example.com", "editor@example.com"}
    assert all(latest.completed_at < update.at < timezone.now() for update in updates)
    # The target date the board brought forward is in the history.
    assert any(update.changes.startswith("Target date: ") for update in updates)


def test_seed_demo_gives_members_actions_of_their_own():
    seed()
    open_actions = Action.objects.filter(organisation__slug="demo", status__in=Action.OPEN)

    assert open_actions.filter(owner__email="editor@example.com").count() >= 2
    assert open_actions.filter(owner__email="demo@example.com").count() >= 1
    # Someone outside the organisation is named instead.
    assert open_actions.filter(owner=None).exclude(owner_name="").exists()


def test_seed_demo_creates_the_demo_learning_trust():
    seed()
    group = Group.objects.get(slug="demo-trust")
    sharing = dict(group.links.values_list("organisation__name", "sharing"))
    roles = dict(group.memberships.values_list("user__email", "role"))

    assert (group.name, group.kind) == ("Demo Learning Trust", Group.Kind.TRUST)
    assert len(sharing) >= 6
    assert sharing.pop("Oakfield Primary School") == Sharing.SUMMARY
    assert set(sharing.values()) == {Sharing.FULL}
    assert "Riverside Community Learning Trust" in sharing
    assert roles == {"demo@example.com": GroupRole.OWNER, "trust@example.com": GroupRole.VIEWER}
    viewer = User.objects.get(email="trust@example.com")
    assert viewer.profile.full_name == "Jordan Ellis"
    assert not viewer.memberships.exists()
    schools = Organisation.objects.filter(group_links__group=group).exclude(slug="demo")
    for school in schools:
        assert school.kind == Organisation.Kind.SCHOOL
        owners = school.memberships.filter(role=Role.OWNER).values_list("user__email", flat=True)
        assert [email.split("@")[0] for email in owners] == ["head"], school


def test_seed_demo_trust_schools_are_at_different_points_of_the_cycle():
    seed()
    schools = {
        school.name: school
        for school in Organisation.objects.filter(group_links__group__slug="demo-trust")
    }
    completed = {
        name: list(school.assessments.completed().order_by("completed_at"))
        for name, school in schools.items()
    }
    latest = [assessments[-1] for assessments in completed.values() if assessments]
    scores = selectors.assessment_scores(latest)
    today = timezone.localdate()

    assert not schools["Meadowbank Infant School"].assessments.exists()
    in_progress = schools["Hillcrest Academy"].assessments.get(status=Assessment.Status.IN_PROGRESS)
    assert (in_progress.kind, in_progress.interim_reason) == (
        Assessment.Kind.INTERIM,
        Assessment.Reason.INCIDENT,
    )
    assert completed["St Anne's C of E Primary School"][-1].review_due < today
    for name in ("Oakfield Primary School", "Brookside Secondary School"):
        earlier, later = completed[name]
        assert later.based_on == earlier
        assert 360 <= (later.completed_at - earlier.completed_at).days <= 370
    for assessment in latest:
        assert section_queries.missing_ratings(assessment) == []
    assert len({scores[assessment.pk].overall for assessment in latest}) == len(latest) >= 5


def test_seed_demo_oakfield_marks_every_text_it_wrote():
    """Tests of the group pages and exports can look for this marker to prove that Oakfield's
    answers never leak."""
    seed()
    oakfield = Organisation.objects.get(slug="oakfield")
    texts = [
        *QuestionAnswer.objects.filter(assessment__organisation=oakfield).values_list(
            "current_practice", "next_steps"
        ),
        *FactorAnswer.objects.filter(assessment__organisation=oakfield).values_list("note"),
        *ChecklistAnswer.objects.filter(assessment__organisation=oakfield).values_list("comment"),
        *ActionUpdate.objects.filter(action__organisation=oakfield).values_list("note"),
    ]
    written = [text for row in texts for text in row if text]

    assert len(written) > 20
    assert all(OAKFIELD_MARKER in text for text in written)
    others = QuestionAnswer.objects.exclude(assessment__organisation=oakfield)
    assert not others.filter(current_practice__contains=OAKFIELD_MARKER).exists()


def test_seed_demo_adds_the_trust_and_action_history_to_an_older_installation():
    seed()
    # An installation seeded before groups and action updates: no trust, no schools or their
    # people, and the actions migration 0010 made (not started, their owners by name only).
    Group.objects.all().delete()
    Organisation.objects.exclude(slug="demo").delete()
    User.objects.filter(email__endswith=".example").delete()
    User.objects.filter(email="trust@example.com").delete()
    ActionUpdate.objects.all().delete()
    actions = list(Action.objects.select_related("answer"))
    for action in actions:
        action.status, action.version, action.owner, action.dropped_reason = (
            "not-started",
            0,
            None,
            "",
        )
        action.owner_name, action.target_date = (
            action.answer.action_owner,
            action.answer.target_date,
        )
    Action.objects.bulk_update(
        actions, ["status", "version", "owner", "dropped_reason", "owner_name", "target_date"]
    )
    stamps = list(Assessment.objects.values_list("pk", "updated_at", "status"))

    out, _ = seed()

    assert "Created the group “Demo Learning Trust” with 6 organisations." in out
    assert "of the demo organisation's actions" in out
    assert (
        list(
            Assessment.objects.filter(organisation__slug="demo").values_list(
                "pk", "updated_at", "status"
            )
        )
        == stamps
    )
    demo_actions = Action.objects.filter(organisation__slug="demo")
    assert demo_actions.filter(owner__email="editor@example.com").count() >= 4
    assert demo_actions.filter(status=Action.Status.DONE).exists()
    assert any(action.is_overdue for action in demo_actions)
    assert GroupLink.objects.filter(group__slug="demo-trust").count() == 6


def test_seed_demo_leaves_an_organisation_that_stopped_sharing_out_of_the_trust():
    seed()
    GroupLink.objects.filter(organisation__slug="hillcrest").delete()

    out, _ = seed()

    assert "nothing changed" in out
    assert not GroupLink.objects.filter(organisation__slug="hillcrest").exists()
    assert GroupLink.objects.filter(group__slug="demo-trust").count() == 5
