"""Site-wide views that belong to no app: the page shown when a form fails the CSRF check."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

from assessments.walkthrough import kept


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
