"""Support staff's admin of organisations and assessments: its lists and searches stay fast with
thousands of organisations (bench/scale.py), and its searches still find what staff look for."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Organisation

pytestmark = pytest.mark.django_db

ORGANISATIONS = reverse("admin:assessments_organisation_changelist")
ASSESSMENTS = reverse("admin:assessments_assessment_changelist")


@pytest.fixture
def riverside(make_organisation, make_user):
    owner = make_user("head@riverside.example")
    return make_organisation(owner, name="Riverside Community Learning Trust")


def search(admin_client, url: str, term: str) -> tuple[list[str], list[str]]:
    """The names of the rows found, and the SQL the search ran."""
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url, {"q": term})
    assert response.status_code == 200
    rows = [str(row) for row in response.context["cl"].result_list]
    return rows, [query["sql"] for query in queries]


@pytest.mark.parametrize(
    "term",
    [
        "Riverside Community",  # the start of the name, several words
        "riverside",  # any case
        "riverside-community-learning-trust",  # the slug
        "head@riverside.example",  # a member's email address
        "HEAD@Riverside.example",
    ],
)
def test_organisation_search_finds_it_by_name_slug_or_member(admin_client, riverside, term):
    rows, _ = search(admin_client, ORGANISATIONS, term)

    assert rows == ["Riverside Community Learning Trust"]


def test_organisation_search_leaves_out_the_others(admin_client, riverside, organisation):
    assert search(admin_client, ORGANISATIONS, "Riverside")[0] == [riverside.name]
    assert search(admin_client, ORGANISATIONS, "nobody@else.example")[0] == []


@pytest.mark.parametrize(
    "term", ["Riverside", "head@riverside.example", "riverside-community-learning-trust"]
)
def test_organisation_search_reads_no_column_with_a_leading_wildcard(admin_client, riverside, term):
    """`LIKE '%…%'` reads every row; a prefix or an exact match can use an index."""
    _, sql = search(admin_client, ORGANISATIONS, term)

    assert not [query for query in sql if "LIKE '%" in query or "LIKE UPPER('%" in query]


def test_assessment_search_finds_it_by_title_or_organisation(
    admin_client, riverside, make_assessment, organisation
):
    make_assessment(title="Autumn check-in", organisation=riverside)
    make_assessment(title="Spring review")

    assert search(admin_client, ASSESSMENTS, "autumn check")[0] == ["Autumn check-in"]
    assert search(admin_client, ASSESSMENTS, "Riverside Comm")[0] == ["Autumn check-in"]
    assert search(admin_client, ASSESSMENTS, "Hillside")[0] == ["Spring review"]
    rows, sql = search(admin_client, ASSESSMENTS, "Spring")
    assert rows == ["Spring review"]
    assert not [query for query in sql if "LIKE '%" in query or "LIKE UPPER('%" in query]


def test_admin_lists_count_only_the_matches(admin_client, riverside, organisation):
    """Without `show_full_result_count = False` every search also counts every row."""
    _, sql = search(admin_client, ORGANISATIONS, "Riverside")

    counts = [query for query in sql if "COUNT(" in query.upper()]
    assert len(counts) == 1


def test_assessment_list_reads_its_rows_in_a_fixed_number_of_queries(
    admin_client, make_assessment, django_assert_num_queries
):
    make_assessment(title="One")
    admin_client.get(ASSESSMENTS)
    with CaptureQueriesContext(connection) as one:
        admin_client.get(ASSESSMENTS)
    make_assessment(title="Two")
    make_assessment(title="Three")

    with django_assert_num_queries(len(one)):
        response = admin_client.get(ASSESSMENTS)

    assert response.context["cl"].result_count == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's pattern indexes")
@pytest.mark.parametrize(
    ("table", "index"),
    [
        ("assessments_organisation", "assessments_organisation_name_upper_like"),
        ("assessments_assessment", "assessments_assessment_title_upper_like"),
        ("assessments_assessment", "assessment_created_id"),
    ],
)
def test_indexes_for_the_admin_exist(table, index):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)

    assert index in constraints


def test_organisation_rows_have_django_s_own_tick_box(riverside):
    """The list writes the tick box directly (for speed): it must stay Django's markup."""
    model_admin = admin.site._registry[Organisation]

    assert model_admin.action_checkbox(riverside) == admin.ModelAdmin.action_checkbox(
        model_admin, riverside
    )
