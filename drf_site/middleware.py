"""Site-wide middleware: a structured log line per request, and no caching of signed-in pages."""

import json
import logging
import time
from collections.abc import Callable

from django.db import Error as DatabaseDriverError
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

request_log = logging.getLogger("drf_site.requests")


def _signed_in_user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id, or None. Reading the user may need the database (the session and
    the user row); when the database is down the page is already a 503 and nobody is known."""
    user = getattr(request, "user", None)
    if user is None:
        return None
    try:
        return user.pk if user.is_authenticated else None
    except DatabaseDriverError:
        return None


class RequestLogMiddleware:
    """One JSON line per request, for log search and alerting: method, route name, status,
    duration, user id and organisation id.

    Only identifiers and numbers: never the path (it can carry a token), query string, form
    data, names or email addresses, so the log holds nothing an organisation wrote.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        if request_log.isEnabledFor(logging.INFO):
            match = getattr(request, "resolver_match", None)
            line = {
                "event": "request",
                "method": request.method,
                "route": match.view_name if match else None,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": _signed_in_user_id(request),
                # Noted by assessments.access when the page belongs to an organisation.
                "organisation_id": getattr(request, "organisation_id", None),
            }
            request_log.info(json.dumps(line))
        return response


class NoStoreForSignedInMiddleware:
    """Tell browsers and proxies to keep no copy of any page or download served to someone signed
    in: a shared computer's back button or cache must not show an organisation's answers to the
    next person. Also every 503 while the database is down: who asked cannot be known then."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 503 or _signed_in_user_id(request) is not None:
            add_never_cache_headers(response)
        return response
