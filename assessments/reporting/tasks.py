"""The report's PDF, rendered off the request path by the task worker (`manage.py db_worker`).

A request asks for the PDF of the assessment's current state (`request_pdf`): a stored file is
served; otherwise one render is queued (one `PdfRender` row per assessment and state key, so
never two for the same state) and the reader waits on a page that refreshes itself. Completing
an assessment queues its PDF at once (`queue_pdf_of_completed`, told by the walk-through's
`assessment_completed` signal).

A render that fails (too slow, too big, an error) is tried again by the worker, at most twice;
then the page says why, and a request may start afresh after RETRY_AFTER_FAILURE. A render
whose worker died (still running after twice the time limit) is queued again by the next
request. A store that cannot be written fails the render with a clear message; the next
request tries again.
"""

import hashlib
import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.tasks import task
from django.utils import timezone

from assessments import storage
from assessments.models import Action, Assessment, PdfRender
from assessments.reporting.pdf import render_report_pdf_limited
from assessments.reporting.render_process import RenderFailed
from assessments.reporting.report import build_report

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # the first render and at most two retries
RETRY_AFTER_FAILURE = timedelta(minutes=10)
STORE_FAILED = (
    "The PDF was rendered but could not be saved: the file store is not accepting files just "
    "now. Try again in a moment; if it keeps happening, tell your administrator."
)
WORKER_DIED = "The worker rendering the PDF stopped before it finished."


def state_key(assessment: Assessment) -> str:
    """A digest of everything that changes what the report shows: status, completion,
    title, organisation name, each section's version, status and review flag (every save of a
    section raises its version), the sign-off's version and its actions (every update of an
    action raises its version; the count notices one deleted). The same state always gives the
    same key."""
    sections = sorted(assessment.sections.values_list("key", "version", "status", "needs_review"))
    actions = Action.objects.filter(assessment=assessment).aggregate(
        count=Count("pk"), versions=Sum("version"), last=Max("updated_at")
    )
    completed = assessment.completed_at.isoformat() if assessment.completed_at else ""
    state = [
        assessment.status,
        completed,
        assessment.title,
        assessment.organisation.name,
        [list(section) for section in sections],
        assessment.sign_off_version,
        [actions["count"], actions["versions"] or 0, str(actions["last"] or "")],
    ]
    return hashlib.sha256(json.dumps(state).encode()).hexdigest()


def request_pdf(*, assessment: Assessment, retry_failed: bool = False) -> PdfRender:
    """The render of the assessment's current state: queued now when there was none, when its
    worker died or its file went, or, with `retry_failed` (the reader pressed "Try again"), when
    it failed and its failures have cooled down. A failed render is never restarted by merely
    asking again, so the reader sees why it failed. Returns the row as it stands after queueing
    (with the immediate backend the render has run by then)."""
    key = state_key(assessment)
    with transaction.atomic():
        render, created = PdfRender.objects.get_or_create(assessment=assessment, state_key=key)
        if created or _restart(render, retry_failed=retry_failed):
            # In the same transaction as the row: the database backend queues both or neither.
            render_pdf.enqueue(render_id=render.pk)
    render.refresh_from_db()
    return render


def _restart(render: PdfRender, *, retry_failed: bool) -> bool:
    """Make a render that may start again pending; True when this request did (a conditional
    update, so of two requests at once only one queues it)."""
    now = timezone.now()
    same = PdfRender.objects.filter(pk=render.pk, status=render.status)
    if render.status == PdfRender.Status.DONE:
        if storage.pdf_exists(render.file_name):
            return False
        # The file went (the store was emptied): render it again.
        return bool(same.filter(file_name=render.file_name).update(**_fresh_round()))
    if render.status == PdfRender.Status.RUNNING:
        limit = timedelta(seconds=2 * settings.PDF_RENDER_TIME_LIMIT)
        if render.started_at is None or render.started_at > now - limit:
            return False
        same = same.filter(started_at=render.started_at)
        if render.attempts >= MAX_ATTEMPTS:
            same.update(**_failure(WORKER_DIED, retry_from=now + RETRY_AFTER_FAILURE))
            return False
        return bool(same.update(status=PdfRender.Status.PENDING, error=WORKER_DIED))
    if render.status == PdfRender.Status.FAILED:
        if not retry_failed or render.retry_from is None or render.retry_from > now:
            return False
        return bool(same.filter(retry_from=render.retry_from).update(**_fresh_round()))
    return False


def _fresh_round() -> dict:
    return {
        "status": PdfRender.Status.PENDING,
        "attempts": 0,
        "error": "",
        "file_name": "",
        "retry_from": None,
    }


def _failure(message: str, *, retry_from) -> dict:
    return {
        "status": PdfRender.Status.FAILED,
        "error": message,
        "finished_at": timezone.now(),
        "retry_from": retry_from,
    }


@task
def render_pdf(*, render_id: int) -> str:
    """Render and store the PDF of one `PdfRender`, unless another worker has it, it is done,
    or its assessment has moved on to another state (then the row goes: nobody will ask for
    that state again)."""
    with transaction.atomic():
        render = (
            PdfRender.objects.select_for_update()
            .filter(pk=render_id, status=PdfRender.Status.PENDING)
            .first()
        )
        if render is None:
            return "nothing to do"
        render.status = PdfRender.Status.RUNNING
        render.attempts += 1
        render.started_at = timezone.now()
        render.save(update_fields=["status", "attempts", "started_at"])
    assessment = Assessment.objects.select_related("organisation").get(pk=render.assessment_id)
    if state_key(assessment) != render.state_key:
        render.delete()
        return "superseded"
    try:
        content = render_report_pdf_limited(build_report(assessment))
    except RenderFailed as failure:
        logger.warning("PDF render %s failed: %s", render.pk, failure)
        return _record_failure(render, str(failure), retry=True)
    try:
        name = storage.save_pdf(
            name=storage.pdf_name(assessment_id=assessment.pk, state_key=render.state_key),
            content=content,
        )
    except Exception:
        logger.exception("PDF render %s could not be stored", render.pk)
        return _record_failure(render, STORE_FAILED, retry=False)
    return _record_success(render, name, assessment=assessment)


def _running(render: PdfRender):
    """This very run of the render: not one restarted since (its worker judged dead)."""
    return PdfRender.objects.filter(
        pk=render.pk, status=PdfRender.Status.RUNNING, started_at=render.started_at
    )


@transaction.atomic
def _record_success(render: PdfRender, name: str, *, assessment: Assessment) -> str:
    # Locked first, so the state cannot move between the check and the update.
    locked = Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
    this_run = _running(render)
    if locked is None or state_key(locked) != render.state_key:
        # Changed, reopened or deleted while rendering: nobody will ask for this state again.
        this_run.delete()
        storage.delete_on_commit([name])
        return "superseded"
    if not this_run.update(
        status=PdfRender.Status.DONE, file_name=name, error="", finished_at=timezone.now()
    ):
        # Restarted meanwhile (this worker was judged dead): the new run stores its own.
        storage.delete_on_commit([name])
        return "discarded"
    # Earlier states of the same assessment are out of date now: their rows and files go.
    stale = PdfRender.objects.filter(assessment_id=render.assessment_id).exclude(pk=render.pk)
    storage.delete_on_commit(stale.exclude(file_name="").values_list("file_name", flat=True))
    stale.exclude(status=PdfRender.Status.RUNNING).delete()
    return name


@transaction.atomic
def _record_failure(render: PdfRender, message: str, *, retry: bool) -> str:
    now = timezone.now()
    if retry and render.attempts < MAX_ATTEMPTS:
        if _running(render).update(status=PdfRender.Status.PENDING, error=message):
            render_pdf.enqueue(render_id=render.pk)
        return "retrying"
    # A store that failed may work when the reader tries again; a render that failed three
    # times would fail again at once, so it waits a while.
    _running(render).update(
        **_failure(message, retry_from=now + RETRY_AFTER_FAILURE if retry else now)
    )
    return "failed"


def queue_pdf_of_completed(sender, *, assessment_id: int, **kwargs) -> None:
    """Receiver of `walkthrough.services.assessment_completed`: the completed report's PDF is
    queued as soon as the completion is committed, so it is usually ready when first asked
    for."""
    assessment = Assessment.objects.select_related("organisation").filter(pk=assessment_id).first()
    if assessment is not None and assessment.is_locked:
        request_pdf(assessment=assessment)
