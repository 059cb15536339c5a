import re
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, Rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def dashboard_url(organisation) -> str:
    return reverse("assessments:dashboard", args=[organisation.slug])


def rate(assessment: Assessment, *, domain: str, rating: int) -> None:
    assessment.question_answers.filter(question__domain__key=domain).update(rating=rating)
    services.refresh_section_statuses(assessment)


def complete(assessment: Assessment, user) -> None:
    assessment.question_answers.update(rating=Rating.WELL)
    assessment.checklist_answers.update(rating=Rating.MODERATELY)
    assessment.factor_answers.update(relevant=True)
    services.refresh_section_statuses(assessment)
    services.complete_assessment(assessment=assessment, user=user)


def test_dashboard_shows_the_organisation_and_the_members_role(client, viewer, dashboard_url):
    client.force_login(viewer)

    response = client.get(dashboard_url)

    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Hillside Academy</h1>" in content
    assert "School or college" in content
    assert "England" in content
    assert "11–13, 14–17" in content
    assert "Your role: <strong>Viewer</strong>" in content


def test_dashboard_links_depend_on_the_role(client, owner, viewer, organisation, assessment):
    settings_url = reverse("assessments:organisation_update", args=[organisation.slug])
    create_url = reverse("assessments:create", args=[organisation.slug])
    members_url = reverse("assessments:members", args=[organisation.slug])
    dashboard_url = reverse("assessments:dashboard", args=[organisation.slug])

    client.force_login(owner)
    as_owner = client.get(dashboard_url).content.decode()
    client.force_login(viewer)
    as_viewer = client.get(dashboard_url).content.decode()

    assert settings_url in as_owner and create_url in as_owner and members_url in as_owner
    assert "Start a new assessment" in as_owner
    assert settings_url not in as_viewer and create_url not in as_viewer
    assert members_url in as_viewer


def test_dashboard_lists_assessments_with_progress_and_scores(
    client, editor, owner, dashboard_url, make_assessment
):
    done = make_assessment(title="Autumn review")
    complete(done, owner)
    Assessment.objects.filter(pk=done.pk).update(
        completed_at=timezone.make_aware(datetime(2026, 10, 15, 16))
    )
    partial = make_assessment(title="Spring check-in")
    rate(partial, domain="environment", rating=Rating.WELL)
    rate(partial, domain="content", rating=Rating.POORLY)
    client.force_login(editor)

    content = client.get(dashboard_url).content.decode()

    detail_url = reverse("assessments:detail", args=[done.organisation.slug, done.pk])
    assert f'<a href="{detail_url}">Autumn review</a>' in content
    # Every question Well, every statement Moderately: (8 × 3 + 8 × 2) / 48 = 83.3%.
    assert "<strong>83%</strong>" in content
    assert '<time datetime="2026-10-15">15 October 2026</time>' in content
    assert "4 of 4" in content
    # Environment (Well) and content (Poorly) sections done, people and checklist not: 2 of 4.
    assert "<strong>67%</strong> so far" in content
    assert "2 of 4" in content
    assert content.count("In progress") == 1 and content.count("Completed</td>") == 1
    assert content.index("Spring check-in") < content.index("Autumn review")


def test_dashboard_shows_a_dash_for_an_assessment_with_nothing_rated(
    client, viewer, dashboard_url, assessment
):
    client.force_login(viewer)

    content = client.get(dashboard_url).content.decode()

    assert "Spring review" in content
    assert '—<span class="visually-hidden"> no ratings yet</span>' in content
    assert "%" not in content.split("<tbody>")[1].split("</tbody>")[0]


def test_dashboard_shows_the_score_of_each_stage(client, viewer, dashboard_url, assessment):
    assessment.question_answers.filter(question__stage__key="recover").update(rating=Rating.POORLY)
    assessment.question_answers.filter(question__stage__key="know").update(rating=Rating.WELL)
    client.force_login(viewer)

    content = re.sub(r">\s+<", "><", client.get(dashboard_url).content.decode())

    assert '<dt class="fw-normal">Understand</dt><dd class="mb-0">—</dd>' in content
    assert '<dt class="fw-normal">Know</dt><dd class="mb-0">100%</dd>' in content
    assert '<dt class="fw-normal">Learn</dt><dd class="mb-0">—</dd>' in content
    assert '<dt class="fw-normal">Recover</dt><dd class="mb-0">33%</dd>' in content


def test_dashboard_of_a_new_organisation_invites_a_first_assessment(
    client, owner, viewer, dashboard_url
):
    client.force_login(owner)
    as_owner = client.get(dashboard_url).content.decode()
    client.force_login(viewer)
    as_viewer = client.get(dashboard_url).content.decode()

    assert "Start your first assessment" in as_owner
    assert "<table" not in as_owner
    assert "Digital Resilience Framework helps you reflect" in as_viewer
    assert "Start your first assessment" not in as_viewer


def test_dashboard_is_not_found_for_an_outsider(client, outsider, dashboard_url):
    client.force_login(outsider)

    assert client.get(dashboard_url).status_code == 404


def test_dashboard_queries_do_not_grow_with_assessments_or_answers(
    client, owner, dashboard_url, make_assessment, django_assert_num_queries
):
    first = make_assessment(title="First")
    rate(first, domain="environment", rating=Rating.WELL)
    client.force_login(owner)
    with CaptureQueriesContext(connection) as one_assessment:
        assert client.get(dashboard_url).status_code == 200

    for days in (1, 2):
        later = make_assessment(
            title=f"Later {days}", domains=("environment", "content", "service", "policy")
        )
        rate(later, domain="policy", rating=Rating.MODERATELY)
    complete(first, owner)

    with django_assert_num_queries(len(one_assessment)):
        response = client.get(dashboard_url)
    assert response.content.decode().count("</strong> so far") == 2
