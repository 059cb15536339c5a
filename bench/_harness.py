"""Shared parts of the benchmarks that run the app as in production, on loopback only.

- `Postgres`: a throwaway PostgreSQL cluster (initdb/pg_ctl from /usr/lib/postgresql/*/bin, as
  the `postgres` user when run as root, fsync off), removed at exit, as `.ci/run` does. It can be
  stopped and started again (the database fault).
- `production_env`: the environment a deployment sets (DEBUG off, secret key, allowed hosts, a
  real email backend, no SSL redirect or secure cookies: plain http on loopback).
- `manage`: runs `manage.py` with that environment.
- `Gunicorn`: the app under gunicorn on 127.0.0.1, ready when it answers; its worker pids, to kill
  one (the worker fault).
- `TaskWorker`: `manage.py db_worker`, started only when the settings use a database task backend.
- `Http`: a tiny cookie-keeping client on `http.client` that never follows redirects, so every
  request is timed and checked on its own.
- `demo_in_process`: Django set up in this process on a throwaway SQLite database with the demo
  loaded, for the benchmarks that time code rather than requests over the network.

Every process started here is stopped at exit (also on Ctrl+C), and every wait is bounded.
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
MANAGE = str(ROOT / "manage.py")
HOST = "127.0.0.1"

_cleanups: list = []


def _run_cleanups(*_args) -> None:
    while _cleanups:
        try:
            _cleanups.pop()()
        except Exception as error:  # noqa: BLE001 - cleanup must go on
            print(f"cleanup: {error}", file=sys.stderr)


def _on_signal(signum, _frame) -> None:
    _run_cleanups()
    sys.exit(128 + signum)


atexit.register(_run_cleanups)
signal.signal(signal.SIGTERM, _on_signal)


def on_exit(callback) -> None:
    """Run `callback` at exit, after anything registered later (last in, first out)."""
    _cleanups.append(callback)


def workdir(prefix: str) -> Path:
    """A temporary directory, removed at exit unless BENCH_KEEP=1 (to read the logs)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    if os.environ.get("BENCH_KEEP") == "1":
        print(f"Keeping {path} (BENCH_KEEP=1)")
    else:
        on_exit(lambda: shutil.rmtree(path, ignore_errors=True))
    return path


def demo_in_process(prefix: str) -> Path:
    """Set Django up in this process on a throwaway SQLite database and MEDIA_ROOT (in a work
    directory removed at exit), migrated, with the framework and the demo loaded. Returns the
    work directory."""
    path = workdir(prefix)
    os.environ["DATABASE_URL"] = f"sqlite:///{path / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(path / "media")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drf_site.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    return path


def free_port(preferred: int | None = None) -> int:
    """`preferred` when nothing listens on it, else any free loopback port."""
    if preferred:
        with socket.socket() as probe:
            if probe.connect_ex((HOST, preferred)) != 0:
                return preferred
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Postgres:
    """A throwaway PostgreSQL cluster on loopback. PostgreSQL refuses to run as root, so as root
    the cluster runs as `postgres`."""

    def __init__(self, port: int) -> None:
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=_version_key)
        if not bins:
            raise SystemExit("PostgreSQL is not installed (apt-get install postgresql).")
        self.bindir = bins[-1].parent
        self.port = free_port(port)
        self.data = Path(tempfile.mkdtemp(prefix="drf-bench-pg."))
        self.as_pg = []
        if os.getuid() == 0:
            shutil.chown(self.data, "postgres")
            self.as_pg = ["runuser", "-u", "postgres", "--"]
        self.url = f"postgres://drf@{HOST}:{self.port}/drf"
        on_exit(self._remove)
        self._pg("initdb", "-D", str(self.data), "-U", "drf", "--auth=trust", "-E", "UTF8")
        self.start()
        self._pg("createdb", "-h", HOST, "-p", str(self.port), "-U", "drf", "drf")

    def _pg(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.as_pg, str(self.bindir / tool), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=120,
        )

    def start(self) -> None:
        """Start (or start again) the cluster; returns once it accepts connections."""
        options = f"-p {self.port} -k {self.data} -c listen_addresses={HOST} -c fsync=off"
        options += " -c max_connections=200"
        log = str(self.data / "log")
        self._pg("pg_ctl", "-D", str(self.data), "-l", log, "-w", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._pg("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def _remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self.stop("immediate")
        shutil.rmtree(self.data, ignore_errors=True)


def _version_key(path: Path) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in path.parts[-3].split("."))


def production_env(*, database_url: str, media_root: Path, **extra: str) -> dict[str, str]:
    """The variables a deployment sets, for plain http on loopback (no SSL redirect, HSTS or
    secure cookies). Email is SMTP to a loopback port where nothing listens: the settings refuse
    the development backends with DEBUG off, and the benchmarks send no email."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": HOST,
        "EMAIL_PORT": str(free_port()),
        "EMAIL_USE_TLS": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_COOKIES": "0",
        "SITE_URL": f"http://{HOST}",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    """Run a management command; its output, or stop with its error."""
    result = subprocess.run(
        [PYTHON, MANAGE, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def setting(env: dict[str, str], expression: str):
    """The value of a Python expression over `settings` (JSON-able), as the app would see it."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({expression}, default=str))"
    )
    result = subprocess.run(
        [PYTHON, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "drf_site.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise SystemExit(f"Reading the settings failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def uses_database_tasks(env: dict[str, str]) -> bool:
    """Whether the settings send tasks to a queue that `db_worker` must run."""
    backend = setting(env, "getattr(settings, 'TASKS', {}).get('default', {}).get('BACKEND', '')")
    return "django_tasks_db" in backend


def prepare(env: dict[str, str]) -> None:
    """What a release runs: migrate, collect the static files (DEBUG off needs the manifest),
    load the framework."""
    manage(env, "migrate", "--no-input", "-v", "0")
    if not _static_current():
        manage(env, "collectstatic", "--no-input", "-v", "0")
    manage(env, "load_framework")


def _static_current() -> bool:
    """Whether staticfiles/ has a manifest newer than every file in static/ (collecting and
    compressing again takes a minute on a busy machine)."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return False
    newest = max(path.stat().st_mtime for path in (ROOT / "static").rglob("*") if path.is_file())
    return manifest.stat().st_mtime > newest


# As root, the app's processes run without the capabilities that let root ignore file
# permissions, as an unprivileged service would: a store made read-only (chmod) is unwritable.
OBEY_PERMISSIONS = (
    ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]
    if os.getuid() == 0 and shutil.which("setpriv")
    else []
)


class Process:
    """A child process whose output goes to a log file; stopped at exit."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._log_file = log.open("ab")
        self.popen = subprocess.Popen(
            [*OBEY_PERMISSIONS, *args],
            env=env,
            cwd=ROOT,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        on_exit(self.stop)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, timeout: float = 15) -> None:
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)
        self._log_file.close()

    def children(self) -> list[int]:
        try:
            text = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


class Gunicorn(Process):
    """`drf_site.wsgi` under gunicorn's sync workers on 127.0.0.1:`port`."""

    def __init__(self, env, *, port: int, workers: int = 2, log: Path, timeout: int = 30) -> None:
        self.port = port
        args = [GUNICORN, "drf_site.wsgi:application", "--bind", f"{HOST}:{port}"]
        args += ["--workers", str(workers), "--timeout", str(timeout), "--graceful-timeout", "5"]
        super().__init__(args, env, log)
        self.wait_ready()

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self.alive():
                raise SystemExit(f"gunicorn stopped at start-up:\n{self.tail()}")
            try:
                Http(self.port).get("/accounts/login/")
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer within {seconds:.0f} s:\n{self.tail()}")


class TaskWorker(Process):
    """`manage.py db_worker`: runs the queued tasks (PDF renders, emails)."""

    def __init__(self, env, *, log: Path) -> None:
        super().__init__([PYTHON, MANAGE, "db_worker", "--no-startup-delay"], env, log)


class FormParser(HTMLParser):
    """The forms of a page: for each, its action and the values a browser would post."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._textarea: tuple[dict, str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action"), "fields": [], "names": set()})
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = attrs.get("name")
        if name:
            form["names"].add(name)
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "image"):
                return
            form["fields"].append((name, attrs.get("value", "") or ""))
        elif tag == "textarea" and name:
            self._textarea = (form, name)
            form["fields"].append((name, ""))

    def handle_data(self, data):
        if self._textarea:
            form, name = self._textarea
            last = form["fields"].pop()
            form["fields"].append((name, last[1] + data))

    def handle_endtag(self, tag):
        if tag == "textarea":
            if self._textarea:
                form, name = self._textarea
                last = form["fields"].pop()
                # Browsers drop the one newline after <textarea>.
                form["fields"].append((name, last[1].removeprefix("\n")))
            self._textarea = None


def forms_of(html: str) -> list[dict]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes, seconds: float):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        return urllib.parse.urlsplit(self.headers.get("location", "")).path


class Http:
    """One browser: cookies kept, redirects not followed, every request bounded by `timeout`."""

    def __init__(self, port: int, timeout: float = 60) -> None:
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data=None, headers=None) -> Response:
        headers = dict(headers or {})
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        lowered = {key.lower(): value for key, value in response.getheaders()}
        return Response(response.status, lowered, content, seconds)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data) -> Response:
        return self.request("POST", path, data)

    def sign_in(self, email: str, password: str) -> tuple[Response, Response]:
        """GET the login page for its CSRF token, then POST the credentials."""
        page = self.get("/accounts/login/")
        token = csrf_token(page.text)
        answer = self.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": email, "password": password},
        )
        return page, answer


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match[1] if match else ""
