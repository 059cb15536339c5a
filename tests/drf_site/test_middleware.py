"""The site-wide middleware: a structured log line per request, no caching of signed-in pages,
and the Content-Security-Policy on every page."""

import json
import logging
import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from assessments.models import Role

pytestmark = pytest.mark.django_db

ANSWER = "Our safeguarding lead Jo Bloggs checks the filtering logs weekly"


@pytest.fixture
def answered(assessment):
    """The assessment with an answer whose text must never reach the log."""
    assessment.question_answers.update(current_practice=ANSWER)
    return assessment


def request_lines(caplog) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "drf_site.requests"]


def export_url(name: str, assessment) -> str:
    return reverse(f"assessments:{name}", args=[assessment.organisation.slug, assessment.pk])


def test_a_request_logs_one_json_line_of_ids_and_numbers(caplog, client, owner, answered):
    client.force_login(owner)

    with caplog.at_level(logging.INFO, logger="drf_site.requests"):
        response = client.get(export_url("export_csv", answered))

    assert response.status_code == 200 and ANSWER in response.content.decode()
    [line] = request_lines(caplog)
    assert line.pop("duration_ms") >= 0
    assert line == {
        "event": "request",
        "method": "GET",
        "route": "assessments:export_csv",
        "status": 200,
        "user_id": owner.pk,
        "organisation_id": answered.organisation_id,
    }


def test_the_log_never_carries_answers_names_or_email_addresses(
    caplog, client, make_user, answered
):
    named = make_user("alex@hillside.example", full_name="Alex Owner-Person")
    answered.organisation.memberships.create(user=named, role=Role.OWNER)
    client.force_login(named)

    with caplog.at_level(logging.INFO, logger="drf_site.requests"):
        for name in ("report", "export_csv", "detail"):
            assert client.get(export_url(name, answered)).status_code == 200

    logged = caplog.text
    assert len(request_lines(caplog)) == 3
    for secret in (ANSWER, "Jo Bloggs", named.email, "Alex Owner-Person", "Hillside Academy"):
        assert secret not in logged


def test_an_anonymous_unknown_page_logs_no_route_user_or_organisation(caplog, client):
    with caplog.at_level(logging.INFO, logger="drf_site.requests"):
        client.get("/no-such-page/?email=someone@example.org")

    [line] = request_lines(caplog)
    assert (line["status"], line["route"], line["user_id"], line["organisation_id"]) == (
        404,
        None,
        None,
        None,
    )
    assert "someone@example.org" not in caplog.text


def test_signed_in_pages_and_exports_are_never_stored_by_a_cache(client, owner, assessment):
    client.force_login(owner)

    for name in ("detail", "report", "export_json", "export_csv", "export_actions_csv"):
        response = client.get(export_url(name, assessment))

        assert response.status_code == 200, name
        assert "no-store" in response["Cache-Control"], name
        assert "private" in response["Cache-Control"], name


def test_public_pages_for_someone_signed_out_may_be_cached(client, edition):
    response = client.get(reverse("framework:home"))

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_every_page_carries_a_content_security_policy_without_unsafe_inline(client, edition):
    policy = client.get(reverse("framework:home"))["Content-Security-Policy"]

    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_the_admins_inline_style_carries_the_nonce_the_policy_allows(client, edition):
    admin = User.objects.create_superuser("admin@example.org", "admin@example.org", "pw")
    client.force_login(admin)

    response = client.get(reverse("admin:framework_edition_change", args=[edition.pk]))

    assert response.status_code == 200
    nonce = re.search(r"style-src 'self' 'nonce-([^']+)'", response["Content-Security-Policy"])[1]
    assert f'<style nonce="{nonce}">' in response.content.decode()
