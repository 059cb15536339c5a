"""Two app servers and one task worker share one PostgreSQL database and one store: a session
from one is valid on the other, a section saved on one is read on the other, and a PDF queued
by one is served by the other.

Skipped unless POSTGRES_TEST_URL names a PostgreSQL server (`.ci/run` starts one); the test
makes a database of its own there and drops it afterwards. Every wait is bounded.
"""

import html
import http.cookiejar
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER_URL = os.environ.get("POSTGRES_TEST_URL", "")
DEMO_EMAIL, DEMO_PASSWORD = "demo@example.com", "demo-password"
MARKER = f"Saved on the first server {secrets.token_hex(4)}"

pytestmark = [
    pytest.mark.skipif(not SERVER_URL, reason="POSTGRES_TEST_URL is not set"),
    # It makes its own database whatever DATABASE_URL says: once per `make test` is enough.
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the SQLite run of the suite already ran it",
    ),
    pytest.mark.timeout(300),
]


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """A fresh database on the test server, dropped afterwards."""
    import psycopg

    name = f"drf_two_servers_{secrets.token_hex(4)}"
    # Connected to the maintenance database: the URL's own database need not exist (pytest
    # makes test_<name> from it).
    maintenance = urllib.parse.urlparse(SERVER_URL)._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urllib.parse.urlparse(SERVER_URL)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def site(database_url, tmp_path_factory) -> Iterator[dict]:
    """Two gunicorn servers on two loopback ports and one worker, set up like production
    (migrate, load_framework) with the demo organisation."""
    directory = tmp_path_factory.mktemp("two-servers")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "1",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),  # the same key on both servers
        "MEDIA_ROOT": str(directory / "media"),
        "TASKS_BACKEND": "database",
    }
    for command in (["migrate", "--no-input", "-v", "0"], ["load_framework"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
    ports = [free_port(), free_port()]
    commands = [
        [sys.executable, "-m", "gunicorn", "drf_site.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"]
        for port in ports
    ] + [[sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2"]]
    processes = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=(directory / f"process-{number}.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for number, command in enumerate(commands)
    ]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url in urls:
            wait_until(lambda url=url: status(url + "/about/") == 200, what=f"{url} to serve")
        yield {"first": urls[0], "second": urls[1]}
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


def wait_until(condition, *, seconds: float = 60, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if result := condition():
                return result
        except OSError:
            pass
        time.sleep(0.25)
    raise AssertionError(f"Waited {seconds} s for {what}.")


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class Browser:
    """Cookies and forms, shared by both servers (a cookie names a host, not a port)."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, url: str):
        response = self.opener.open(url, timeout=60)
        return response, response.read()

    def post(self, url: str, fields: list[tuple[str, str]]):
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(url, data=data, headers={"Referer": url})
        response = self.opener.open(request, timeout=60)
        return response, response.read()


class FormFields(HTMLParser):
    """The fields of a page's form as a browser would send them (no submit button)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type", "text") not in ("submit", "button"):
            if attrs.get("type") in ("radio", "checkbox") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.append((name, ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))

    def handle_data(self, data):
        if self._textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_fields(page: bytes) -> list[tuple[str, str]]:
    parser = FormFields()
    parser.feed(page.decode())
    return parser.fields


def log_in(browser: Browser, url: str) -> None:
    _, page = browser.get(url + "/accounts/login/")
    token = dict(form_fields(page))["csrfmiddlewaretoken"]
    fields = [("csrfmiddlewaretoken", token), ("username", DEMO_EMAIL)]
    browser.post(url + "/accounts/login/", [*fields, ("password", DEMO_PASSWORD)])


def draft_checklist_path(browser: Browser, url: str) -> str:
    """The checklist section of the demo's assessment in progress, found on its dashboard."""
    _, page = browser.get(url + "/orgs/demo/")
    text = page.decode()
    start = text.index("Spring term check-in")
    href = text.rfind('href="/orgs/demo/assessments/', 0, start)
    pk = text[href:].split("/assessments/", 1)[1].split("/", 1)[0]
    return f"/orgs/demo/assessments/{pk}/checklist/"


def test_two_app_servers_share_sessions_sections_and_pdfs(site):
    browser = Browser()
    log_in(browser, site["first"])

    # The session made by the first server is valid on the second.
    response, page = browser.get(site["second"] + "/orgs/demo/")
    assert response.url == site["second"] + "/orgs/demo/"  # not sent to the login page
    assert "Spring term check-in" in page.decode()

    # A section saved on the first server is read on the second.
    path = draft_checklist_path(browser, site["first"])
    _, page = browser.get(site["first"] + path)
    fields = form_fields(page)
    comment = next(i for i, (name, _) in enumerate(fields) if name.endswith("comment"))
    fields[comment] = (fields[comment][0], MARKER)
    response, _ = browser.post(site["first"] + path, [*fields, ("action", "later")])
    assert response.status == 200
    _, page = browser.get(site["second"] + path)
    assert html.escape(MARKER) in page.decode()

    # A PDF queued through the first server is served by the second once the worker stored it.
    pdf = path.replace("checklist/", "report.pdf")
    response, page = browser.get(site["first"] + pdf)
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Preparing your PDF" in page.decode()
    served = wait_until(
        lambda: (
            (reply := browser.get(site["second"] + pdf))[0].headers["Content-Type"]
            == "application/pdf"
            and reply[1]
        ),
        seconds=120,
        what="the worker to store the PDF",
    )
    assert served.startswith(b"%PDF")
