"""The PDF off the request path: the link queues one render per state of the report, a page
says the PDF is being prepared until the worker has stored it, failures are retried at most
twice and then explained, a dead worker's render starts again, and completing an assessment
queues its PDF at once."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from assessments.models import PdfRender
from assessments.reporting import tasks
from tests.assessments.factories import assessment_url, complete, fill
from tests.assessments.reporting.pdfs import download, pages_of, stored_files, stored_path

PREPARING = "Preparing your PDF"
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queued(settings):
    """Tasks go to the database queue, as in production: nothing runs until a worker does."""
    settings.TASKS = DATABASE_BACKEND


@pytest.fixture
def run_worker(monkeypatch):
    """What `manage.py db_worker` does, in this process: run every queued task, then stop.

    The worker closes connections it finds outside autocommit, as the test's transaction is;
    on PostgreSQL that would close the test's own connection, so here it keeps it."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        call_command(
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "-v",
            "0",
            stdout=io.StringIO(),
        )

    return run


def test_the_web_request_only_queues_and_the_page_waits_without_javascript(
    client, viewer, completed, queued
):
    client.force_login(viewer)

    response = client.get(assessment_url("report_pdf", completed))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert PREPARING in html
    assert '<meta http-equiv="refresh" content="2">' in html
    assert 'role="status"' in html
    assert assessment_url("report", completed) in html
    render = PdfRender.objects.get(assessment=completed)
    assert render.status == PdfRender.Status.PENDING
    assert DBTaskResult.objects.count() == 1


def test_the_reader_can_turn_the_refresh_off_and_check_again_by_hand(
    client, viewer, completed, queued
):
    client.force_login(viewer)

    response = client.get(assessment_url("report_pdf", completed) + "?refresh=off")

    html = response.content.decode()
    assert PREPARING in html
    assert "http-equiv" not in html
    assert "Check again" in html


def test_asking_again_never_queues_a_second_render_of_the_same_state(
    client, viewer, owner, completed, queued
):
    client.force_login(viewer)
    client.get(assessment_url("report_pdf", completed))
    client.force_login(owner)

    client.get(assessment_url("report_pdf", completed))
    tasks.request_pdf(assessment=completed)

    assert PdfRender.objects.filter(assessment=completed).count() == 1
    assert DBTaskResult.objects.count() == 1


def test_the_worker_renders_and_the_next_request_serves_the_file(
    client, viewer, completed, queued, run_worker
):
    client.force_login(viewer)
    client.get(assessment_url("report_pdf", completed))

    run_worker()
    _, content = download(client, viewer, completed)

    assert PdfRender.objects.get(assessment=completed).status == PdfRender.Status.DONE
    assert "Hillside Academy" in " ".join(pages_of(content))
    assert stored_path(completed).read_bytes() == content
    assert DBTaskResult.objects.count() == 1


def test_completing_queues_the_pdf_at_once(
    assessment, owner, settings, django_capture_on_commit_callbacks
):
    fill(assessment)
    with django_capture_on_commit_callbacks(execute=True):
        completed = complete(assessment, owner)

    render = PdfRender.objects.get(assessment=completed)
    assert render.status == PdfRender.Status.DONE
    assert stored_files(settings.MEDIA_ROOT) == [stored_path(completed)]


def test_a_rolled_back_completion_queues_nothing(assessment, owner, queued):
    fill(assessment)
    complete(assessment, owner)  # the test's transaction never commits

    assert not PdfRender.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_render_over_its_time_limit_is_tried_three_times_then_explained(
    client, viewer, completed, settings
):
    settings.PDF_RENDER_TIME_LIMIT = 0.001
    client.force_login(viewer)

    response = client.get(assessment_url("report_pdf", completed))

    html = response.content.decode()
    assert response.status_code == 200
    assert "The PDF could not be prepared" in html
    assert "took longer than the 0.001 seconds allowed" in html
    assert 'role="alert"' in html
    assert "http-equiv" not in html  # a failed page stops asking
    render = PdfRender.objects.get(assessment=completed)
    assert (render.status, render.attempts) == (PdfRender.Status.FAILED, tasks.MAX_ATTEMPTS)
    assert render.retry_from > timezone.now()
    assert "You can try again after" in html


def test_a_render_over_its_memory_limit_fails_with_a_clear_message(
    client, viewer, completed, settings
):
    settings.PDF_RENDER_MEMORY_LIMIT_MB = 64
    client.force_login(viewer)

    response = client.get(assessment_url("report_pdf", completed))

    html = response.content.decode()
    assert "The PDF could not be prepared" in html
    assert "memory" in html
    assert PdfRender.objects.get(assessment=completed).attempts == tasks.MAX_ATTEMPTS


def test_a_failed_render_waits_before_a_request_starts_it_afresh(
    client, viewer, completed, settings
):
    settings.PDF_RENDER_TIME_LIMIT = 0.001
    client.force_login(viewer)
    client.get(assessment_url("report_pdf", completed))
    settings.PDF_RENDER_TIME_LIMIT = 120

    response = client.get(assessment_url("report_pdf", completed))
    assert "The PDF could not be prepared" in response.content.decode()

    PdfRender.objects.update(retry_from=timezone.now() - timedelta(seconds=1))
    # Asking again says the same, now with a way to try again: only that starts it afresh.
    response = client.get(assessment_url("report_pdf", completed))
    html = response.content.decode()
    assert "The PDF could not be prepared" in html
    assert "?retry=1" in html
    _, content = download(client, viewer, completed, query="?retry=1")
    assert content.startswith(b"%PDF")


def test_an_unwritable_store_is_a_clear_message_and_the_next_request_is_fine(
    client, viewer, completed, settings, tmp_path
):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the store's directory should be")
    settings.MEDIA_ROOT = blocker / "media"
    client.force_login(viewer)

    response = client.get(assessment_url("report_pdf", completed))

    assert response.status_code == 200
    html = response.content.decode()
    assert "could not be saved" in html
    assert "Try again" in html
    render = PdfRender.objects.get(assessment=completed)
    assert (render.status, render.attempts) == (PdfRender.Status.FAILED, 1)

    # The page that asked again (its refresh) shows the failure rather than starting over,
    # so the reader sees what happened; rendering is not repeated behind their back.
    again = client.get(assessment_url("report_pdf", completed)).content.decode()
    assert "could not be saved" in again
    assert PdfRender.objects.get(assessment=completed).finished_at == render.finished_at

    settings.MEDIA_ROOT = tmp_path / "media"
    _, content = download(client, viewer, completed, query="?retry=1")
    assert content.startswith(b"%PDF")


def test_a_render_whose_worker_died_is_started_again(
    client, viewer, completed, settings, queued, run_worker
):
    client.force_login(viewer)
    client.get(assessment_url("report_pdf", completed))
    # The worker took it and was killed: the task's row says running, and nothing more happens.
    started = timezone.now() - timedelta(seconds=2 * settings.PDF_RENDER_TIME_LIMIT + 1)
    PdfRender.objects.update(status=PdfRender.Status.RUNNING, attempts=1, started_at=started)
    DBTaskResult.objects.update(status="RUNNING")

    response = client.get(assessment_url("report_pdf", completed))
    assert PREPARING in response.content.decode()
    assert DBTaskResult.objects.count() == 2
    run_worker()

    _, content = download(client, viewer, completed)
    assert content.startswith(b"%PDF")
    assert PdfRender.objects.get(assessment=completed).attempts == 2


def test_a_render_still_running_within_its_time_is_left_alone(client, viewer, completed, queued):
    client.force_login(viewer)
    client.get(assessment_url("report_pdf", completed))
    PdfRender.objects.update(status=PdfRender.Status.RUNNING, started_at=timezone.now())

    response = client.get(assessment_url("report_pdf", completed))

    assert PREPARING in response.content.decode()
    assert DBTaskResult.objects.count() == 1


def test_a_stored_file_that_went_missing_is_rendered_again(client, viewer, completed, monkeypatch):
    download(client, viewer, completed)
    Path(stored_path(completed)).unlink()
    rendered = []
    real = tasks.render_report_pdf_limited
    monkeypatch.setattr(
        tasks, "render_report_pdf_limited", lambda report: rendered.append(1) or real(report)
    )

    # Not compared byte for byte with the first: the report says when it was generated, to the
    # minute, and a minute may turn between the two renders.
    _, again = download(client, viewer, completed)

    assert rendered == [1]
    assert stored_path(completed).read_bytes() == again
    assert "Hillside Academy" in " ".join(pages_of(again))


def test_a_render_of_a_state_that_has_moved_on_is_dropped(assessment, queued):
    fill(assessment)
    render = tasks.request_pdf(assessment=assessment)
    section = assessment.sections.get(key="checklist")
    section.version += 1
    section.save()

    assert tasks.render_pdf.call(render_id=render.pk) == "superseded"
    assert not PdfRender.objects.exists()


def test_the_state_key_changes_with_what_the_report_shows(assessment, owner):
    key = tasks.state_key(assessment)
    assert tasks.state_key(assessment) == key

    section = assessment.sections.first()
    section.version += 1
    section.save()
    saved = tasks.state_key(assessment)
    assessment.title = "Autumn review"
    retitled = tasks.state_key(assessment)

    assert len({key, saved, retitled}) == 3
