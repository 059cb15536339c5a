"""The health check, and the 503 page while the database is unreachable."""

from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.tasks import task
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db


@task
def nothing() -> None:
    """A task for the queue check to find waiting."""


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _unreachable(*args, **kwargs):
    raise OperationalError("connection to server at 10.0.0.5 failed: Connection refused")


class Database:
    """Stops the database as far as Django can tell: every query fails as it does while the
    server is down. `start()` brings it back, as a restart does, without restarting the app."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    def stop(self) -> None:
        self.monkeypatch.setattr(connection, "cursor", _unreachable)
        self.monkeypatch.setattr(connection, "chunked_cursor", _unreachable)

    def start(self) -> None:
        self.monkeypatch.undo()


@pytest.fixture
def database(monkeypatch) -> Database:
    return Database(monkeypatch)


@pytest.fixture
def visitor() -> Client:
    """A client that gets the error page, as a browser would, rather than the exception."""
    return Client(raise_request_exception=False)


def test_healthz_is_200_when_database_storage_and_queue_work(client, database_queue):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": {"ok": True},
            "storage": {"ok": True},
            "tasks": {"ok": True, "backend": "database", "oldest_waiting_seconds": 0},
        },
    }
    assert "no-cache" in response["Cache-Control"]


def test_healthz_leaves_no_file_behind(client, settings):
    assert client.get("/healthz").status_code == 200

    assert not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))


def test_healthz_reports_how_long_the_oldest_ready_task_has_waited(client, database_queue):
    nothing.enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(seconds=90))

    response = client.get("/healthz")

    assert response.status_code == 200
    assert 90 <= response.json()["checks"]["tasks"]["oldest_waiting_seconds"] < 120


def test_healthz_is_503_when_no_worker_has_taken_a_task_for_too_long(
    client, database_queue, settings
):
    settings.HEALTHZ_MAX_TASK_WAIT = 300
    nothing.enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=10))

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["tasks"]["ok"] is False


def test_healthz_is_503_when_the_store_cannot_be_written(client, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker / "media"

    response = client.get("/healthz")

    assert response.status_code == 503
    storage = response.json()["checks"]["storage"]
    assert storage["ok"] is False and storage["error"]
    assert str(tmp_path) not in response.content.decode()


def test_healthz_is_503_when_the_database_is_down_and_says_no_more(visitor, database):
    database.stop()

    response = visitor.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert "10.0.0.5" not in response.content.decode()


def test_healthz_is_not_redirected_to_https_for_probes(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/about/").status_code == 301
    assert client.get("/healthz").status_code == 200


def test_database_down_is_a_branded_503_with_retry_after_then_recovers(visitor, edition, database):
    home = reverse("framework:home")
    database.stop()

    response = visitor.get(home)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "Sorry, the service is unavailable" in response.content.decode()

    database.start()

    assert visitor.get(home).status_code == 200


def test_database_down_is_a_503_for_someone_signed_in_too(visitor, owner, assessment, database):
    visitor.force_login(owner)
    dashboard = reverse("assessments:dashboard", args=[assessment.organisation.slug])
    database.stop()

    response = visitor.get(dashboard)

    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.content.decode()

    database.start()

    assert visitor.get(dashboard).status_code == 200


def test_a_database_error_that_is_a_bug_is_still_a_500(visitor, settings):
    settings.ROOT_URLCONF = "tests.drf_site.failing_urls"

    response = visitor.get("/fails/")

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert "Retry-After" not in response


def test_robots_txt_keeps_crawlers_off_everything_behind_a_sign_in_without_a_query(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode()
    for path in ("/orgs/", "/accounts/", "/invitations/", "/admin/"):
        assert f"Disallow: {path}\n" in body
    assert "Disallow: /framework/" not in body
