import re
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Assessment, Rating
from assessments.organisations import services as organisation_services
from assessments.walkthrough import services
from tests.assessments.factories import assessment_url, complete, rate, rate_everything

pytestmark = pytest.mark.django_db


@pytest.fixture
def dashboard_url(organisation) -> str:
    return reverse("assessments:dashboard", args=[organisation.slug])


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
    rate(done, Rating.WELL)
    complete(done, owner, on=datetime(2026, 10, 15, 16))
    partial = make_assessment(title="Spring check-in")
    rate(partial, Rating.WELL, question__domain__key="environment")
    rate(partial, Rating.POORLY, question__domain__key="content")
    client.force_login(editor)

    content = client.get(dashboard_url).content.decode()

    detail_url = reverse("assessments:detail", args=[done.organisation.slug, done.pk])
    assert f'<a href="{detail_url}">Autumn review</a>' in content
    # Every question Well, every statement Moderately: (8 × 3 + 8 × 2) / 48 = 83.3%.
    assert "<strong>83%</strong>" in content
    assert '<time datetime="2026-10-15">15 October 2026</time>' in content
    assert "3 of 3 required sections" in content
    # Environment (Well) and content (Poorly) sections done, the checklist not (people is
    # optional): 2 of 3.
    assert "<strong>67%</strong> so far" in content
    assert "2 of 3 required sections" in content
    assert content.count("In progress") == 1 and content.count("Completed</td>") == 1
    table = content.split("<tbody>")[1]
    assert table.index("Spring check-in") < table.index("Autumn review")


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
    rate(first, Rating.WELL, question__domain__key="environment")
    client.force_login(owner)
    with CaptureQueriesContext(connection) as one_assessment:
        assert client.get(dashboard_url).status_code == 200

    for days in (1, 2):
        later = make_assessment(
            title=f"Later {days}", domains=("environment", "content", "service", "policy")
        )
        rate(later, Rating.MODERATELY, question__domain__key="policy")
    complete(first, owner)

    with django_assert_num_queries(len(one_assessment)):
        response = client.get(dashboard_url)
    assert response.content.decode().count("</strong> so far") == 2


def urls(assessment: Assessment) -> dict[str, str]:
    return {
        name: assessment_url(name, assessment)
        for name in ("report", "report_pdf", "export_json", "export_csv", "export_actions_csv")
    }


def compare_url(previous: Assessment, assessment: Assessment) -> str:
    url = reverse("assessments:compare", args=[assessment.organisation.slug])
    return f"{url}?a={previous.pk}&amp;b={assessment.pk}"


def test_dashboard_shows_the_trend_of_completed_assessments_oldest_first(
    client, viewer, owner, dashboard_url, make_assessment
):
    # Made newest first, so the chart has to put them in date order itself.
    later = make_assessment(title="Autumn 2021")
    rate(later, Rating.WELL)
    complete(later, owner, on=datetime(2021, 10, 15, 16))
    earlier = make_assessment(title="Autumn 2020")
    rate(earlier, Rating.POORLY)
    complete(earlier, owner, on=datetime(2020, 10, 14, 16))
    make_assessment(title="Spring check-in")
    client.force_login(viewer)

    content = client.get(dashboard_url).content.decode()

    chart = content.split('<section class="mb-5" aria-labelledby="trend-heading">')[1]
    chart = chart.split("</section>")[0]
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in chart
    assert 'aria-labelledby="score-trend-title"' in chart
    assert "Scores of Hillside Academy over time" in chart
    # Poorly everywhere: (8 × 1 + 8 × 2) / 48 = 50%; Well: 83%. Stages: 33% then 100%.
    assert (
        "Headline score: Autumn 2020 (14 October 2020) 50%, Autumn 2021 (15 October 2021) 83%."
        in chart
    )
    assert "Understand: Autumn 2020 33%, Autumn 2021 100%." in chart
    assert "Spring check-in" not in chart
    assert content.index("trend-heading") < content.index("<table")


def test_dashboard_has_no_trend_until_an_assessment_is_completed(
    client, viewer, dashboard_url, assessment
):
    client.force_login(viewer)

    content = client.get(dashboard_url).content.decode()

    assert "Scores over time" not in content and "<svg" not in content


def test_dashboard_links_to_the_reports_and_exports_of_each_assessment(
    client, viewer, owner, dashboard_url, make_assessment
):
    done = make_assessment(title="Autumn review")
    complete(done, owner)
    partial = make_assessment(title="Spring check-in")
    client.force_login(viewer)

    content = client.get(dashboard_url).content.decode()

    for assessment in (done, partial):
        for url in urls(assessment).values():
            assert f'href="{url}"' in content
    report = urls(done)["report"]
    assert (
        f'<a href="{report}">Report<span class="visually-hidden"> for Autumn review</span></a>'
        in content
    )
    assert 'JSON<span class="visually-hidden"> of Spring check-in</span></a>' in content


def test_dashboard_compares_with_the_previous_completed_assessment_only(
    client, viewer, owner, dashboard_url, make_assessment
):
    first = make_assessment(title="Autumn 2020")
    complete(first, owner, on=datetime(2020, 10, 14, 16))
    second = make_assessment(title="Autumn 2021")
    complete(second, owner, on=datetime(2021, 10, 15, 16))
    ongoing = make_assessment(title="Spring check-in")
    client.force_login(viewer)

    content = client.get(dashboard_url).content.decode()

    rows = {
        title: row
        for row in content.split("<tbody>")[1].split("</tr>")
        for title in ("Autumn 2020", "Autumn 2021", "Spring check-in")
        if f">{title}</a></th>" in row
    }
    assert "Compare" not in rows["Autumn 2020"]
    assert compare_url(first, second) in rows["Autumn 2021"]
    assert "(Autumn 2020) for Autumn 2021" in rows["Autumn 2021"]
    assert compare_url(second, ongoing) in rows["Spring check-in"]
    assert content.count("Compare with previous") == 2


def test_dashboard_with_one_completed_assessment_has_no_compare_link(
    client, viewer, owner, dashboard_url, make_assessment
):
    complete(make_assessment(title="Autumn review"), owner)
    client.force_login(viewer)

    content = client.get(dashboard_url).content.decode()

    assert "Compare with previous" not in content
    assert "Autumn review (" in content  # the single point of the trend


def test_dashboard_queries_do_not_grow_with_completed_assessments(
    client, owner, dashboard_url, make_assessment, django_assert_num_queries
):
    first = make_assessment(title="First")
    rate(first, Rating.WELL)
    complete(first, owner, on=datetime(2020, 10, 14, 16))
    client.force_login(owner)
    with CaptureQueriesContext(connection) as one_assessment:
        assert client.get(dashboard_url).status_code == 200

    second = make_assessment(title="Second")
    rate(second, Rating.WELL)
    complete(second, owner, on=datetime(2021, 10, 14, 16))
    make_assessment(title="Third", domains=("environment", "content", "service", "policy"))

    with django_assert_num_queries(len(one_assessment)):
        response = client.get(dashboard_url)
    content = response.content.decode()
    assert "Headline score: First (14 October 2020) 83%, Second (14 October 2021) 83%." in content
    # Third covers other domains than Second: nothing like for like to compare it with.
    assert content.count("Compare with previous") == 1


def test_dashboard_says_who_completed_each_assessment(
    client, owner, editor, viewer, dashboard_url, make_assessment
):
    organisation_services.update_profile(user=owner, full_name="Olu Owner", job_title="Head")
    complete(make_assessment(title="Named"), owner)
    complete(make_assessment(title="Unnamed"), editor)
    client.force_login(viewer)

    html = client.get(dashboard_url).content.decode()

    assert '<span class="small">by Olu Owner</span>' in html
    assert '<span class="small">by editor@hillside.example</span>' in html


def test_dashboard_counts_a_completed_assessment_complete_without_the_optional_section(
    client, viewer, editor, dashboard_url, assessment
):
    rate_everything(assessment, editor)  # the people section, optional, left unanswered
    services.complete_assessment(assessment=assessment, user=editor)
    client.force_login(viewer)

    content = client.get(dashboard_url).content.decode()

    assert '<td data-label="Progress">3 of 3 required sections</td>' in content


def test_dashboard_trend_covers_the_latest_domains_and_says_which(
    client, viewer, owner, dashboard_url, make_assessment
):
    first = make_assessment(title="Autumn 2020")
    complete(first, owner, on=datetime(2020, 10, 14, 16))
    narrow = make_assessment(title="Spring 2021", domains=("environment",))
    complete(narrow, owner, on=datetime(2021, 4, 14, 16))
    second = make_assessment(title="Autumn 2021")
    complete(second, owner, on=datetime(2021, 10, 14, 16))
    client.force_login(viewer)

    content = client.get(dashboard_url).content.decode()

    chart = content.split('aria-labelledby="trend-heading">')[1].split("</section>")[0]
    assert (
        "Trend of the 2 completed assessments covering Environment and Content; "
        "1 other covered different domains." in chart
    )
    assert "Autumn 2020 (14 October 2020)" in chart and "Autumn 2021 (14 October 2021)" in chart
    assert "Spring 2021" not in chart
    rows = {
        title: row
        for row in content.split("<tbody>")[1].split("</tr>")
        for title in ("Autumn 2021", "Spring 2021")
        if f">{title}</a></th>" in row
    }
    # Autumn 2021 compares with the last assessment of the same domains, not the latest one.
    assert compare_url(first, second) in rows["Autumn 2021"]
    assert "Compare with previous" not in rows["Spring 2021"]


def test_dashboard_trend_of_one_domain_set_names_no_others(
    client, viewer, owner, dashboard_url, make_assessment
):
    complete(make_assessment(title="Autumn 2020", domains=("policy",)), owner)
    client.force_login(viewer)

    content = client.get(dashboard_url).content.decode()

    assert "Trend of the completed assessment covering Policy.</p>" in content
