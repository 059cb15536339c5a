"""The report's context builder: scores, strengths, priorities, signposting, actions, changes
since the last assessment and drafts, from ratings saved on real framework content."""

from datetime import date

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from assessments.models import Assessment, Rating
from assessments.reporting.report import (
    SIGNPOSTS_IN_ALL,
    SIGNPOSTS_PER_STAGE,
    UNNAMED,
    Participant,
    build_report,
    is_home_page,
)
from assessments.walkthrough import services
from framework import cache as framework_cache
from framework.models import Resource
from framework.services import duplicate_edition, publish_edition
from tests.assessments.factories import rate, rate_checklist

POORLY, MODERATELY, WELL = Rating.POORLY, Rating.MODERATELY, Rating.WELL


def answer(assessment: Assessment, key: str):
    return assessment.question_answers.get(question__key=key)


@pytest.fixture
def rated(assessment) -> Assessment:
    """Environment and Content: every question Moderately, every checklist statement Well."""
    rate(assessment, MODERATELY)
    rate_checklist(assessment, WELL)
    return assessment


def test_report_scores_the_ratings_given(rated):
    report = build_report(rated)

    # 8 questions rated 2 and 8 statements rated 3: 40 of a possible 48.
    assert report.overall.score == 83.3
    assert [(row.label, row.score) for row in report.stage_rows] == [
        ("Understand", 66.7),
        ("Know", 66.7),
        ("Learn", 66.7),
        ("Recover", 66.7),
    ]
    assert [(row.label, row.score) for row in report.domain_rows] == [
        ("Environment", 66.7),
        ("Content", 66.7),
    ]
    assert report.checklist_row.score == 100
    assert report.counts == [("Poorly", 0), ("Moderately", 8), ("Well", 8)]


def test_report_domain_and_stage_scores_follow_their_own_questions(rated):
    rate(rated, WELL, question__domain__key="content")
    rate(rated, POORLY, question__key="environment-recover")

    report = build_report(rated)

    assert [row.score for row in report.domain_rows] == [58.3, 100]
    assert [row.score for row in report.stage_rows] == [83.3, 83.3, 83.3, 66.7]
    environment = report.domains[0]
    assert [block.score for block in environment.stages] == [66.7, 66.7, 66.7, 33.3]


def test_report_strengths_and_priorities_come_from_ratings(rated):
    rate(rated, WELL, question__key__in=["environment-understand", "content-learn"])
    rate(rated, POORLY, question__key__in=["environment-recover", "content-recover"])
    rate_checklist(rated, POORLY, statement__key="report-harms")
    rate_checklist(rated, MODERATELY, statement__key__in=["appropriate-access"])

    report = build_report(rated)

    assert [(item.label, item.rating) for item in report.strengths] == [
        ("Environment – Understand", WELL),
        ("Content – Learn", WELL),
        ("Checklist statement 2", WELL),
    ]
    assert [(item.label, item.rating) for item in report.priorities] == [
        ("Environment – Recover", POORLY),
        ("Content – Recover", POORLY),
        ("Checklist statement 4", POORLY),
    ]
    assert (
        report.priorities[0].anchor == f"answer-q{answer(rated, 'environment-recover').question_id}"
    )


def test_report_priorities_fall_back_to_moderately_when_little_is_poor(rated):
    rate(rated, WELL)
    rate(rated, MODERATELY, question__key="content-know")

    report = build_report(rated)

    assert [item.label for item in report.priorities] == ["Content – Know"]
    assert all(item.rating == WELL for item in report.strengths)


def test_report_signposts_resources_for_the_weakest_stage_first(rated):
    rate(rated, WELL)
    rate(rated, POORLY, question__key="environment-recover")
    rate(rated, MODERATELY, question__key="content-know")

    report = build_report(rated)

    assert not report.signposting_is_general
    assert [group.stage.name for group in report.signposting][:2] == ["Recover", "Know"]
    for resource in report.signposting[0].resources:
        assert "recover" in {stage.key for stage in resource.stages.all()}
    listed = [resource.pk for group in report.signposting for resource in group.resources]
    assert len(listed) == len(set(listed)), "each resource is listed once"


def test_report_signposts_resources_for_the_organisations_audiences_first(rated):
    rate(rated, POORLY)

    report = build_report(rated)

    matched_somewhere = False
    for group in report.signposting:
        matches = [
            any(audience.suits(rated.age_groups) for audience in resource.audiences.all())
            for resource in group.resources
        ]
        assert matches == sorted(matches, reverse=True), group.stage.name
        matched_somewhere |= any(matches)
    assert matched_somewhere


def test_report_signposts_the_most_relevant_few_and_counts_the_rest(rated):
    rate(rated, POORLY)

    report = build_report(rated)

    assert all(len(group.resources) <= SIGNPOSTS_PER_STAGE for group in report.signposting)
    shown = sum(len(group.resources) for group in report.signposting)
    assert shown == SIGNPOSTS_IN_ALL
    tagged = [
        resource
        for resource in Resource.objects.filter(member__edition=rated.edition).exclude(stages=None)
        if not is_home_page(resource.url)
    ]
    # Every rating is Poorly, so every resource with a stage matches: shown or counted.
    assert shown + report.signposts_left_out == len(tagged)
    assert report.resources_url.endswith("/resources/")


def test_report_never_signposts_a_members_home_page_as_a_resource(rated):
    rate(rated, POORLY)
    home_pages = Resource.objects.filter(
        member__edition=rated.edition, url__regex=r"^https?://[^/]+/?$"
    )
    assert home_pages.exists()  # the framework's data has some: the test can fail

    report = build_report(rated)

    listed = {resource.pk for group in report.signposting for resource in group.resources}
    assert not listed & set(home_pages.values_list("pk", flat=True))
    assert is_home_page("https://www.nspcc.org.uk/")
    assert not is_home_page("https://learning.nspcc.org.uk/safeguarding")
    assert not is_home_page("https://example.org/?topic=filtering")


def test_report_strengths_never_list_moderately_while_something_is_rated_well(rated):
    rate(rated, WELL, question__key="content-learn")

    report = build_report(rated)

    assert [(item.label, item.rating) for item in report.strengths] == [
        ("Content – Learn", WELL),
        ("Checklist statement 1", WELL),
        ("Checklist statement 2", WELL),
    ]
    rate(rated, MODERATELY, question__key="content-learn")
    rate_checklist(rated, MODERATELY)
    assert {item.rating for item in build_report(rated).strengths} == {MODERATELY}


def test_report_priorities_are_ordered_as_the_action_plan_is(rated):
    plan = {
        "environment-know": (MODERATELY, date(2026, 1, 1)),
        "content-learn": (POORLY, date(2026, 9, 1)),
        "content-recover": (POORLY, date(2026, 3, 1)),
    }
    for key, (rating, target) in plan.items():
        rated.question_answers.filter(question__key=key).update(
            rating=rating, next_steps=f"Do {key}", target_date=target
        )

    report = build_report(rated)

    assert [item.label for item in report.priorities] == [
        "Content – Recover",
        "Content – Learn",
        "Environment – Know",
    ]
    assert [item.action_number for item in report.priorities] == [1, 2, 3]
    assert [action.answer.question.key for action in report.actions][:3] == [
        "content-recover",
        "content-learn",
        "environment-know",
    ]


def test_report_lists_the_general_members_when_everything_is_rated_well(rated):
    rate(rated, WELL)

    report = build_report(rated)

    assert report.signposting == []
    assert report.signposting_is_general
    assert report.members
    assert any(member.website for member in report.members)


def test_report_actions_put_poorly_before_moderately_then_by_target_date(rated):
    steps = {
        "environment-understand": (MODERATELY, date(2026, 1, 1)),
        "environment-know": (POORLY, date(2026, 6, 1)),
        "environment-learn": (POORLY, date(2026, 3, 1)),
        "environment-recover": (POORLY, None),
        "content-understand": (WELL, date(2025, 1, 1)),
    }
    for key, (rating, target) in steps.items():
        rated.question_answers.filter(question__key=key).update(
            rating=rating, next_steps=f"Do {key}", target_date=target
        )

    report = build_report(rated)

    assert [action.answer.question.key for action in report.actions] == [
        "environment-learn",
        "environment-know",
        "environment-recover",
        "environment-understand",
        "content-understand",
    ]
    assert [action.number for action in report.actions] == [1, 2, 3, 4, 5]
    # The rating is said once, for each group of actions.
    assert [
        (group.label, [action.number for action in group.actions]) for group in report.action_groups
    ] == [("Rated Poorly", [1, 2, 3]), ("Rated Moderately", [4]), ("Rated Well", [5])]


def test_report_since_last_compares_with_the_previous_completed_assessment(make_assessment, owner):
    previous = make_assessment(title="Last year")
    rate(previous, MODERATELY)
    rate_checklist(previous, MODERATELY)
    services.complete_assessment(assessment=previous, user=owner)
    current = make_assessment(title="This year")
    rate(current, MODERATELY)
    rate(current, WELL, question__stage__key="understand")
    rate(current, POORLY, question__key="content-recover")
    rate_checklist(current, MODERATELY)

    report = build_report(current)

    since = report.since_last
    assert since.previous == previous
    assert (since.improved, since.same, since.worse) == (2, 13, 1)
    assert since.overall.previous == 66.7
    assert since.overall.score == 68.8
    understand = report.stage_rows[0]
    assert (understand.previous, understand.score, understand.change_points) == (66.7, 100, 33)


def test_report_without_a_previous_completed_assessment_has_no_since_last(rated, make_assessment):
    make_assessment(title="Still in progress")

    report = build_report(rated)

    assert report.since_last is None
    assert all(row.previous is None for row in report.stage_rows)


def test_report_of_a_draft_leaves_unanswered_items_out_of_scores(assessment):
    rate(assessment, POORLY, question__key="environment-understand")
    rate_checklist(assessment, WELL, statement__key="report-harms")

    report = build_report(assessment)

    assert report.is_draft
    # One Poorly and one Well: 4 of 6. The 14 unanswered items are not counted as Poorly.
    assert report.overall.score == 66.7
    assert (report.overall.rated, report.overall.total) == (2, 16)
    assert [(row.score, row.rated, row.total) for row in report.stage_rows] == [
        (33.3, 1, 2),
        (None, 0, 2),
        (None, 0, 2),
        (None, 0, 2),
    ]
    assert report.domain_rows[1].score is None
    assert report.counts == [("Poorly", 1), ("Moderately", 0), ("Well", 1)]
    assert (report.checklist_row.rated, report.checklist_row.total) == (1, 8)
    html = render_to_string("assessments/report/_checklist.html", {"report": report})
    assert html.count("Not rated") == 7


def test_report_of_a_completed_assessment_is_not_a_draft(rated, owner):
    services.complete_assessment(assessment=rated, user=owner)

    report = build_report(Assessment.objects.get(pk=rated.pk))

    assert not report.is_draft
    assert report.participants == [Participant(UNNAMED)]


def test_report_reads_a_fixed_number_of_queries_whatever_the_domains(make_assessment, owner):
    def count(domains) -> int:
        assessment = make_assessment(domains=domains)
        rate(assessment, MODERATELY)
        framework_cache.clear()  # both counted cold: the edition's content read each time
        with CaptureQueriesContext(connection) as queries:
            build_report(
                Assessment.objects.select_related("edition", "organisation").get(pk=assessment.pk)
            )
        return len(queries) - 1  # the lookup above

    assert count(("environment",)) == count(("environment", "content", "service", "policy"))


def save_as(assessment: Assessment, user, rating: int = MODERATELY) -> None:
    """Rate the first Environment question as `user`, through the service, so they take part."""
    section = assessment.sections.get(key="domain-environment")
    first = assessment.question_answers.filter(question__domain__key="environment").first()
    services.save_section(
        assessment=assessment,
        section_key=section.key,
        user=user,
        expected_version=section.version,
        changes=[(first, {"rating": rating})],
    )


def test_report_participants_show_names_with_job_titles_by_name(assessment, owner, make_user):
    save_as(assessment, make_user("zed@hillside.example", full_name="Ada Zed", job_title="Head"))
    save_as(assessment, make_user("amy@hillside.example", full_name="Yan Amy"), WELL)

    report = build_report(assessment)

    # No profile: never shown by email in a board paper, and listed after the names.
    assert report.participants == [
        Participant("Ada Zed", "Head"),
        Participant("Yan Amy"),
        Participant(UNNAMED),
    ]


def test_report_participants_read_the_same_queries_for_one_person_as_for_many(
    assessment, make_user
):
    def count() -> int:
        framework_cache.clear()  # both counted cold: the edition's content read each time
        with CaptureQueriesContext(connection) as queries:
            build_report(assessment)
        return len(queries)

    one = count()
    for number, rating in enumerate([POORLY, MODERATELY, WELL]):  # each one a change
        save_as(
            assessment, make_user(f"p{number}@hillside.example", full_name=f"P {number}"), rating
        )

    assert count() == one
    assert len(build_report(assessment).participants) == 4


def test_report_reads_checklist_and_audiences_from_its_edition(edition, organisation, owner):
    """A newer edition with a ninth statement and differently keyed audiences reads correctly."""
    draft = duplicate_edition(edition=edition, key="ukcis-drf-next", version="2.0")
    draft.audiences.filter(key="parents-carers").update(key="families", name="Families")
    draft.audiences.exclude(key="families").update(age_groups=[])
    draft.checklist_statements.create(
        key="review-yearly", text="We review our approach every year.", position=9
    )
    publish_edition(edition=draft)
    assessment = services.start_assessment(
        organisation=organisation,
        user=owner,
        title="Next edition",
        domains=list(draft.domains.filter(key="environment")),
    )
    rate(assessment, POORLY)
    rate_checklist(assessment, POORLY)

    report = build_report(assessment)

    html = render_to_string("assessments/report/_checklist.html", {"report": report})
    assert "each of the framework’s 9 checklist statements" in html
    assert "eight" not in report.how_scores_work
    assert len(report.checklist) == 9
    families_first = [
        any(a.key == "families" for a in resource.audiences.all())
        for group in report.signposting
        for resource in group.resources
    ]
    assert any(families_first)
    for group in report.signposting:
        flags = [any(a.key == "families" for a in r.audiences.all()) for r in group.resources]
        assert flags == sorted(flags, reverse=True), group.stage.name
