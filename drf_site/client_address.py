"""Which address a request came from, for django-axes' lockout and our rate limits."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The connection's address or, behind `TRUSTED_PROXY_COUNT` proxies that each append the
    address they saw to X-Forwarded-For, the entry that many places from the right (what the
    outermost trusted proxy saw). Entries further left were written by the client and are
    ignored: anyone can send them."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < count:
        return remote  # not through every proxy: a request from inside the network
    return forwarded[-count]
