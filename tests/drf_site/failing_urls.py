"""A URLconf with a page that fails with a database error that is a bug, not an outage, and the
site's own error handler, for test_views."""

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from drf_site.views import server_error


def fails(request: HttpRequest) -> HttpResponse:
    raise IntegrityError("a bug, not an outage")


handler500 = server_error
urlpatterns = [path("fails/", fails)]
