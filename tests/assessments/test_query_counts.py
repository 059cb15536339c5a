"""Pages read a fixed number of queries, however many domains an assessment covers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.walkthrough import services
from tests.assessments.factories import assessment_url, page_queries

ALL_DOMAINS = ("environment", "content", "service", "policy")


@pytest.fixture
def one_and_four(make_assessment, editor):
    """Two assessments, of one and of four domains, each with some answers and history."""
    assessments = []
    for domains in [("environment",), ALL_DOMAINS]:
        assessment = make_assessment(domains=domains)
        answers = assessment.question_answers.filter(question__domain__key="environment")
        services.save_section(
            assessment=assessment,
            section_key="domain-environment",
            user=editor,
            expected_version=0,
            changes=[(answer, {"rating": 2, "next_steps": "Plan"}) for answer in answers],
        )
        assessments.append(assessment)
    return assessments


@pytest.mark.parametrize(
    "name, args",
    [
        ("detail", ()),
        ("domain_section", ("environment",)),
        ("check", ()),
        ("people_section", ()),
        ("checklist_section", ()),
        ("history", ()),
    ],
)
def test_page_queries_do_not_grow_with_domains(editor_client, one_and_four, name, args):
    one, four = one_and_four
    page_queries(editor_client, assessment_url(name, one, *args))  # not counted: the first read
    one_domain = page_queries(editor_client, assessment_url(name, one, *args))

    assert page_queries(editor_client, assessment_url(name, four, *args)) == one_domain


@pytest.mark.parametrize(("name", "args"), [("detail", ()), ("domain_section", ("environment",))])
def test_page_queries_do_not_grow_with_saved_answers(editor_client, editor, assessment, name, args):
    """A query per answer, or per entry of the history, would show here."""
    path = assessment_url(name, assessment, *args)
    answers = list(assessment.question_answers.filter(question__domain__key="environment"))

    def save(saved: list) -> None:
        section = assessment.sections.get(key="domain-environment")
        services.save_section(
            assessment=assessment,
            section_key="domain-environment",
            user=editor,
            expected_version=section.version,
            changes=[(answer, {"rating": 2, "next_steps": "Plan"}) for answer in saved],
        )

    save(answers[:1])
    page_queries(editor_client, path)  # not counted: the first read
    one_answer = page_queries(editor_client, path)
    save(answers[1:])

    assert page_queries(editor_client, path) == one_answer


def test_starting_an_assessment_takes_the_same_queries_for_one_domain_as_for_four(
    make_assessment,
):
    make_assessment(domains=("environment",), title="Warm-up")  # first reads are not counted
    with CaptureQueriesContext(connection) as one:
        make_assessment(domains=("environment",))
    with CaptureQueriesContext(connection) as four:
        make_assessment(domains=ALL_DOMAINS)

    assert len(four) == len(one)


def test_saving_a_section_writes_one_update_however_many_answers_change(assessment, editor):
    def save(count: int, rating: int) -> list[str]:
        section = assessment.sections.get(key="domain-environment")
        answers = list(
            assessment.question_answers.filter(question__domain__key="environment")
            .select_related("question__domain", "question__stage")
            .order_by("question__stage__position")[:count]
        )
        with CaptureQueriesContext(connection) as captured:
            services.save_section(
                assessment=assessment,
                section_key="domain-environment",
                user=editor,
                expected_version=section.version,
                changes=[(answer, {"rating": rating, "next_steps": "Plan"}) for answer in answers],
            )
        return [query["sql"] for query in captured.captured_queries]

    one, four = save(1, 1), save(4, 2)

    assert len(four) == len(one)
    answer_updates = [sql for sql in four if sql.startswith('UPDATE "assessments_questionanswer"')]
    assert len(answer_updates) == 1


def test_signed_in_pages_read_the_users_memberships_once(editor_client, one_and_four):
    one, _ = one_and_four
    dashboard = reverse("assessments:dashboard", args=[one.organisation.slug])

    for path in [dashboard, assessment_url("detail", one), assessment_url("report", one)]:
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(path).status_code == 200
        membership_reads = [
            query["sql"]
            for query in captured.captured_queries
            if 'FROM "assessments_membership"' in query["sql"]
        ]
        assert len(membership_reads) == 1, path


def test_compare_reads_the_membership_once(editor_client, one_and_four):
    one, four = one_and_four
    compare = reverse("assessments:compare", args=[one.organisation.slug])

    with CaptureQueriesContext(connection) as captured:
        response = editor_client.get(compare, {"a": one.pk, "b": four.pk})

    assert response.status_code == 200
    membership_reads = [
        query["sql"]
        for query in captured.captured_queries
        if 'FROM "assessments_membership"' in query["sql"]
    ]
    assert len(membership_reads) == 1


def test_task_list_queries_do_not_grow_with_saves_or_the_people_who_made_them(
    editor_client, editor, owner, make_user, organisation, assessment
):
    """The activity feed groups a save's rows in the database and reads its people at once."""
    path = assessment_url("detail", assessment)
    answers = list(assessment.question_answers.filter(question__domain__key="environment"))
    people = [editor, owner, make_user("priya@hillside.example", full_name="Priya Shah")]

    def save(user, answer, rating: int) -> None:
        section = assessment.sections.get(key="domain-environment")
        services.save_section(
            assessment=assessment,
            section_key="domain-environment",
            user=user,
            expected_version=section.version,
            changes=[(answer, {"rating": rating, "next_steps": f"Plan {rating}"})],
        )

    save(editor, answers[0], 1)
    page_queries(editor_client, path)  # not counted: the first read
    one_save = page_queries(editor_client, path)
    for number, answer in enumerate(answers * 3):
        save(people[number % 3], answer, number % 3 + 1)

    assert page_queries(editor_client, path) == one_save
