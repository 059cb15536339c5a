"""Pages read a fixed number of queries, however many domains an assessment covers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.walkthrough import services

ALL_DOMAINS = ("environment", "content", "service", "policy")


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


def url(name: str, assessment, *args) -> str:
    return reverse(f"assessments:{name}", args=[assessment.organisation.slug, assessment.pk, *args])


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


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


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
    queries(editor_client, url(name, one, *args))  # the session's first read is not counted

    assert queries(editor_client, url(name, one, *args)) == queries(
        editor_client, url(name, four, *args)
    )


def test_task_list_and_domain_section_query_counts(editor_client, one_and_four):
    """Pinned, to notice a new query per row: the lookups, sections, answers and navigation."""
    one, _ = one_and_four
    queries(editor_client, url("detail", one))

    assert queries(editor_client, url("detail", one)) <= 9
    assert queries(editor_client, url("domain_section", one, "environment")) <= 9
