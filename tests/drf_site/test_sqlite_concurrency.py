"""SQLite, the embedded default, takes several people saving at once: no "database is locked".

The app runs as in production, under gunicorn with several worker processes, on a SQLite file of
its own; a dozen people, each in their own organisation, sign in and save the sections of their
assessment at the same moment over HTTP. Without the settings' immediate transactions, busy
timeout and WAL journal, about a fifth of these saves answered 500.
"""

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from html.parser import HTMLParser
from http.client import HTTPConnection
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
SAVERS = 12
ROUNDS = 2
DOMAINS = ("environment", "content", "service", "policy")
DEADLINE_SECONDS = 120


class SectionForm(HTMLParser):
    """The section form of a page: the values a browser would post, and the answers' prefixes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, list[str]] = defaultdict(list)
        self.prefixes: set[str] = set()
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if not name:
            return
        if match := re.match(r"(q\d+)-", name):
            self.prefixes.add(match[1])
        kind = attrs.get("type", "text")
        if tag == "textarea":
            self._textarea = name
            self.fields[name].append("")
        elif tag == "input" and kind not in ("submit", "button", "radio", "checkbox"):
            self.fields[name].append(attrs.get("value") or "")

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.fields[self._textarea][-1] = self.fields[self._textarea][-1].removeprefix("\n")
            self._textarea = None


class Browser:
    """One person: cookies kept, redirects not followed, every request bounded in time."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str]:
        headers = {}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = HTTPConnection(HOST, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, text
        finally:
            connection.close()


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def run(env: dict, *args: str) -> str:
    result = subprocess.run(
        [str(BIN / "python"), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def server(tmp_path):
    """The app under gunicorn (4 worker processes) on a fresh SQLite file, with the framework
    and SAVERS people, each with an assessment of every domain."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_DEBUG": "1",
        "TASKS_BACKEND": "immediate",
        "LOG_LEVEL": "ERROR",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    seeded = run(env, "tests/drf_site/seed_concurrency.py", str(SAVERS))
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "drf_site.wsgi:application", "--bind", f"{HOST}:{port}"]
        + ["--workers", "4", "--timeout", "60"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
            try:
                if Browser(port).request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
            time.sleep(0.2)
        yield {"port": port, "db": tmp_path / "db.sqlite3", **json.loads(seeded)}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def save_every_section(port: int, user: dict, password: str, number: int, outcome: dict) -> None:
    """Sign in, then save every domain section ROUNDS times, all answers new each time."""
    browser = Browser(port)
    status, page = browser.request("GET", "/accounts/login/")
    token = csrf_token(page)
    credentials = {"csrfmiddlewaretoken": token, "username": user["email"], "password": password}
    status, _ = browser.request("POST", "/accounts/login/", credentials)
    outcome["statuses"].append(status)
    if status != 302:
        return
    base = f"/orgs/{user['org']}/assessments/{user['pk']}"
    for round_ in range(ROUNDS):
        for domain in DOMAINS:
            path = f"{base}/domains/{domain}/"
            status, page = browser.request("GET", path)
            outcome["statuses"].append(status)
            if status != 200:
                continue
            form = SectionForm()
            form.feed(page)
            data = dict(form.fields)
            for prefix in form.prefixes:
                text = f"Saver {number} {domain} {prefix} round {round_}"
                data[f"{prefix}-rating"] = ["2"]
                data[f"{prefix}-current_practice"] = [text]
                if round_ == ROUNDS - 1:
                    outcome["expected"].add(text)
            data["action"] = ["later"]
            status, _ = browser.request("POST", path, data)
            outcome["statuses"].append(status)
            outcome["saves"] += status == 302


def test_concurrent_savers_on_sqlite_never_get_a_500_and_every_answer_is_stored(server):
    outcomes = [{"statuses": [], "expected": set(), "saves": 0} for _ in range(SAVERS)]
    threads = [
        threading.Thread(
            target=save_every_section,
            args=(server["port"], user, server["password"], number, outcomes[number]),
            daemon=True,
        )
        for number, user in enumerate(server["users"])
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, DEADLINE_SECONDS - (time.monotonic() - started)))
    assert not any(thread.is_alive() for thread in threads), "the savers did not finish in time"

    statuses = [status for outcome in outcomes for status in outcome["statuses"]]
    assert statuses.count(500) == 0, f"{statuses.count(500)} of {len(statuses)} answered 500"
    assert set(statuses) <= {200, 302}, sorted(set(statuses))
    assert sum(outcome["saves"] for outcome in outcomes) == SAVERS * ROUNDS * len(DOMAINS)
    with sqlite3.connect(server["db"]) as db:
        for user, outcome in zip(server["users"], outcomes, strict=True):
            stored = {
                text
                for (text,) in db.execute(
                    "SELECT current_practice FROM assessments_questionanswer "
                    "WHERE assessment_id = ?",
                    (user["pk"],),
                )
            }
            assert outcome["expected"] and stored == outcome["expected"]
