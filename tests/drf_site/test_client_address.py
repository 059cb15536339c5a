"""The client's address behind no, one and two reverse proxies: never what a client writes."""

import pytest
from django.test import RequestFactory

from drf_site.client_address import client_address


def request(remote: str = "10.0.0.1", forwarded: str | None = None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_address(request(forwarded="6.6.6.6")) == "10.0.0.1"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # the client's own entry is ignored
        (2, "6.6.6.6, 1.2.3.4, 10.0.0.9", "1.2.3.4"),
        (2, "1.2.3.4", "10.0.0.1"),  # came through one proxy only
        (1, "", "10.0.0.1"),
    ],
)
def test_behind_proxies_the_entry_the_outermost_trusted_proxy_wrote(
    settings, count, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = count

    assert client_address(request(forwarded=forwarded)) == expected


def test_the_lockout_counts_the_client_not_the_proxy(client, settings, django_user_model):
    """Behind one proxy, five failures from one client lock that client, not the next one."""
    settings.TRUSTED_PROXY_COUNT = 1
    django_user_model.objects.create_user("sam@example.org", "sam@example.org", "right-pass-1")
    for _ in range(5):
        client.post(
            "/accounts/login/",
            {"username": "nobody@example.org", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="1.2.3.4",
        )

    other = client.post(
        "/accounts/login/",
        {"username": "sam@example.org", "password": "right-pass-1"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="5.6.7.8",
    )

    assert other.status_code == 302
