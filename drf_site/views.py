"""Site-wide views that belong to no app: the page shown when a form fails the CSRF check, the
error page (503 while the database is unreachable), the health check and robots.txt."""

import logging
import sys
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import Error as DatabaseDriverError
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.tasks import task_backends
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.defaults import server_error as default_server_error
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from assessments.walkthrough import kept

logger = logging.getLogger(__name__)

# Seconds a browser is asked to wait before trying again while the database is unreachable.
RETRY_AFTER_SECONDS = 30


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form was sent with an out-of-date security token: typically the page was opened before
    signing in again in another tab, or it was open for a very long time. Nothing was saved.

    On a section page of an assessment, what was typed is kept for its author (`kept`), so going
    back to the page, signed in, brings it back ready to save.
    """
    try:
        match = resolve(request.path)
    except Resolver404:
        match = None
    kept_here = (
        request.method == "POST"
        and match is not None
        and match.url_name in kept.SECTION_URL_NAMES
        and kept.keep(request)
    )
    context = {"kept": kept_here, "back": request.path if match is not None else None}
    return render(request, "403_csrf.html", context, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. An unreachable database (stopped, restarting, out of connections: Django's
    OperationalError, or InterfaceError for a connection it lost) is the service being briefly
    unavailable, not a fault in the page: answer 503 with Retry-After, from a template that needs
    no database. Anything else, an IntegrityError or ProgrammingError included, is a bug: 500."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return default_server_error(request)


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseDriverError as exc:
        logger.warning("Health check: the database is unreachable: %r", exc)
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True}


def _check_storage() -> dict:
    """Write and delete a tiny file: the store must take new PDFs, not only exist."""
    name = f"healthz/{uuid.uuid4().hex}.txt"
    try:
        saved = default_storage.save(name, ContentFile(b"ok"))
        default_storage.delete(saved)
    except Exception as exc:  # any storage backend's error: OSError, botocore's, ...
        logger.warning("Health check: the file store cannot be written: %r", exc)
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True}


def _check_task_queue() -> dict:
    """How long the oldest task ready to run has waited, with the database task backend: a
    queue that stops moving means no worker is running (PDFs and emails wait)."""
    backend = task_backends["default"]
    if not isinstance(backend, DatabaseBackend):
        return {"ok": True, "backend": type(backend).__name__}
    try:
        oldest = DBTaskResult.objects.ready().order_by("enqueued_at").first()
    except DatabaseDriverError as exc:
        return {"ok": False, "backend": "database", "error": type(exc).__name__}
    age = (timezone.now() - oldest.enqueued_at).total_seconds() if oldest else 0
    return {
        "ok": age <= settings.HEALTHZ_MAX_TASK_WAIT,
        "backend": "database",
        "oldest_waiting_seconds": round(age, 1),
    }


# Crawlers may read the public pages (the framework, its resources); nothing behind a sign-in,
# nor the links that carry tokens, is for them.
ROBOTS_TXT = """User-agent: *
Disallow: /accounts/
Disallow: /admin/
Disallow: /invitations/
Disallow: /orgs/
"""


def robots_txt(request: HttpRequest) -> HttpResponse:
    """Plain text from memory: no database, no template (the benchmarks' floor, too)."""
    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 when the database, the file store and the task
    queue all work, else 503. Public and cheap; it says which part failed, never how (no
    host names, paths or messages)."""
    checks = {
        "database": _check_database(),
        "storage": _check_storage(),
        "tasks": _check_task_queue(),
    }
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
