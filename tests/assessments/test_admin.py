"""Support staff's admin of organisations and assessments: its lists and searches stay fast with
thousands of organisations (bench/scale.py), and its searches still find what staff look for."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Action, Group, GroupRole, Organisation
from tests.assessments.factories import complete, fill

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


@pytest.fixture
def completed_with_actions(assessment, owner):
    fill(assessment)
    return complete(assessment, owner)


def test_actions_are_listed_for_support_staff_and_read_only(admin_client, completed_with_actions):
    action = completed_with_actions.actions.first()
    change = reverse("admin:assessments_action_change", args=[action.pk])

    listed = admin_client.get(reverse("admin:assessments_action_changelist"))
    refused = admin_client.post(change, {"status": Action.Status.DONE})

    assert listed.status_code == 200
    assert listed.context["cl"].result_count == completed_with_actions.actions.count() > 0
    assert refused.status_code == 403
    action.refresh_from_db()
    assert action.status == Action.Status.NOT_STARTED


def test_a_group_is_made_in_the_admin_with_its_owner(admin_client, owner):
    response = admin_client.post(
        reverse("admin:assessments_group_add"),
        {
            "name": "Northfield Schools Trust",
            "slug": "northfield",
            "kind": Group.Kind.TRUST,
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": owner.pk,
            "memberships-0-role": GroupRole.OWNER,
            "links-TOTAL_FORMS": "0",
            "links-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    group = Group.objects.get(slug="northfield")
    assert group.memberships.get().user == owner
    assert admin_client.get(reverse("admin:assessments_group_changelist")).status_code == 200
