"""Reads of the walk-through."""

from assessments.models import Rating, display_name
from assessments.organisations.services import update_profile
from assessments.walkthrough import queries, services
from assessments.walkthrough.specs import for_assessment
from framework import cache
from framework.models import Edition
from framework.services import duplicate_edition
from tests.assessments.factories import assessment_url, rate, rate_everything
from tests.assessments.walkthrough.conftest import PASSED


def test_rating_guidance_reads_every_stage_and_the_checklist_in_one_query(
    edition, django_assert_num_queries
):
    cache.clear()  # read from the database, not from an earlier test's read
    with django_assert_num_queries(1):
        guidance = queries.rating_guidance(edition)
        stage_names = {key: rows[0].stage.name for key, rows in guidance.items() if key}

    assert list(guidance) == ["understand", "know", "learn", "recover", None]
    assert stage_names == {
        "understand": "Understand",
        "know": "Know",
        "learn": "Learn",
        "recover": "Recover",
    }
    assert all(
        [row.get_rating_display() for row in rows] == ["Poorly", "Moderately", "Well"]
        for rows in guidance.values()
    )
    assert guidance[None][2].descriptor.startswith("You do this consistently")


def test_rating_guidance_is_the_edition_s_own(edition):
    draft = duplicate_edition(edition=edition)
    draft.rating_guidance.filter(stage__key="learn").delete()

    assert "learn" not in queries.rating_guidance(draft)
    assert "learn" in queries.rating_guidance(edition)
    assert queries.rating_guidance(Edition.objects.create(key="bare", title="B", version="1")) == {}


def test_rating_guidance_of_a_released_edition_is_read_once(edition, django_assert_num_queries):
    cache.clear()
    first = queries.rating_guidance(edition)
    same_edition = Edition.objects.get(pk=edition.pk)

    with django_assert_num_queries(0):
        again = queries.rating_guidance(same_edition)

    assert again == first


def test_rating_guidance_of_a_draft_is_never_served_stale(edition):
    draft = duplicate_edition(edition=edition)
    assert "learn" in queries.rating_guidance(draft)

    draft.rating_guidance.filter(stage__key="learn").delete()

    assert "learn" not in queries.rating_guidance(draft)


# --- Task list ---------------------------------------------------------------------------------


def test_tasks_say_which_sections_need_review_and_which_target_dates_passed(copied):
    tasks = {task.spec.key: task for task in queries.tasks(copied, for_assessment(copied))}

    assert {key: task.status_label for key, task in tasks.items()} == {
        "people": "Review needed",
        "domain-environment": "Review needed",
        "domain-service": "Not started",
        "checklist": "Review needed",
    }
    assert tasks["domain-environment"].tag == "review-needed"
    assert [(d.stage, d.target_date) for d in tasks["domain-environment"].passed] == [
        ("Understand", PASSED),
        ("Know", PASSED),
        ("Learn", PASSED),
        ("Recover", PASSED),
    ]
    assert tasks["domain-service"].passed == ()


def test_tasks_of_a_completed_assessment_flag_no_passed_target_dates(previous):
    tasks = queries.tasks(previous, for_assessment(previous))

    assert all(task.passed == () for task in tasks)


def test_progress_counts_only_required_sections_that_need_no_review(assessment, copied):
    rate(assessment, Rating.WELL, question__domain__key="content")
    mine = queries.progress(assessment, queries.tasks(assessment, for_assessment(assessment)))
    # Environment and the checklist arrive rated, but nobody has confirmed them yet.
    theirs = queries.progress(copied, queries.tasks(copied, for_assessment(copied)))

    assert (mine.completed, mine.total, mine.percent) == (1, 3, 33)
    assert (theirs.completed, theirs.total) == (0, 3)


def test_progress_of_a_completed_assessment_is_full_without_the_optional_section(
    assessment, editor
):
    rate_everything(assessment, editor)
    services.complete_assessment(assessment=assessment, user=editor)

    tasks = queries.tasks(assessment, for_assessment(assessment))
    progress = queries.progress(assessment, tasks)

    assert tasks[0].status_label == "Not started" and tasks[0].spec.optional
    assert (progress.completed, progress.total, progress.percent) == (3, 3, 100)


def test_sections_to_review_link_to_each_in_walk_through_order(copied, editor):
    services.confirm_section_review(assessment=copied, section_key="people", user=editor)

    items = queries.sections_to_review(copied)

    assert [(item.section_title, item.url) for item in items] == [
        ("Environment", assessment_url("domain_section", copied, "environment")),
        ("Self-assessment checklist", assessment_url("checklist_section", copied)),
    ]


# --- Activity feed -----------------------------------------------------------------------------


def _save(assessment, key, user, rows_values):
    section = assessment.sections.get(key=key)
    services.save_section(
        assessment=assessment,
        section_key=key,
        user=user,
        expected_version=section.version,
        changes=list(rows_values),
    )


def test_activity_feed_gives_one_entry_per_save_and_one_per_event(assessment, editor, owner):
    environment = assessment.question_answers.filter(question__domain__key="environment")
    _save(
        assessment,
        "domain-environment",
        editor,
        [
            (answer, {"rating": 2, "next_steps": "Plan"})
            for answer in environment.select_related("question__domain", "question__stage")[:3]
        ],
    )
    content = assessment.question_answers.filter(question__domain__key="content").first()
    _save(assessment, "domain-content", owner, [(content, {"rating": 3})])

    feed = queries.activity_feed(assessment, for_assessment(assessment))

    assert [(e.user, e.kind, e.section_title, e.answers) for e in feed] == [
        (owner, "changed", "Content", 1),
        (editor, "changed", "Environment", 3),
        (owner, "created", "", 0),
    ]
    assert feed[0].is_save and not feed[2].is_save
    assert feed[2].event == "Started the assessment"
    assert feed[0].when.startswith("today at ")


def test_activity_feed_shows_a_confirmed_review_as_its_own_entry(copied, editor):
    answer = copied.question_answers.filter(question__domain__key="environment").first()
    _save(copied, "domain-environment", editor, [(answer, {"rating": 3})])
    services.confirm_section_review(
        assessment=copied, section_key="domain-environment", user=editor
    )

    feed = queries.activity_feed(copied, for_assessment(copied))

    assert [(e.kind, e.section_title, e.answers) for e in feed[:2]] == [
        ("reviewed", "Environment", 0),
        ("changed", "Environment", 1),
    ]


def test_activity_feed_keeps_only_the_latest_entries(assessment, editor):
    answer = assessment.question_answers.select_related("question").first()
    for version in range(5):
        _save(assessment, "domain-environment", editor, [(answer, {"next_steps": f"v{version}"})])

    feed = queries.activity_feed(assessment, for_assessment(assessment), limit=3)

    assert len(feed) == 3 and all(entry.answers == 1 for entry in feed)


def test_activity_feed_reads_two_queries_however_many_saves_and_people(
    assessment, editor, owner, django_assert_num_queries
):
    update_profile(user=editor, full_name="Priya Shah", job_title="")
    answers = list(assessment.question_answers.filter(question__domain__key="environment"))
    for number, answer in enumerate(answers):
        user = [editor, owner][number % 2]
        _save(assessment, "domain-environment", user, [(answer, {"rating": 1})])
    specs = for_assessment(assessment)

    with django_assert_num_queries(2):
        names = [display_name(entry.user) for entry in queries.activity_feed(assessment, specs)]

    assert names == [
        "owner@hillside.example",
        "Priya Shah",
        "owner@hillside.example",
        "Priya Shah",
        "owner@hillside.example",
    ]
