"""The PDF with a real task worker: `manage.py db_worker` in its own process, against a file
SQLite database that other processes set up and queue renders in. Completing the demo's
assessments queues their PDFs; the worker stores them. A worker killed (SIGKILL) mid-render
leaves its render running; once that is older than twice the time limit, the next request for
the PDF queues it again and a new worker stores it.

Slow but bounded: the set-up runs once for the module, and every wait has a deadline.
"""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TIME_LIMIT = 15  # seconds a render may take in these tests; dead after twice that
pytestmark = [
    pytest.mark.timeout(300),
    # It makes its own SQLite database whatever DATABASE_URL says: once per `make test` is enough.
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="runs on its own SQLite file; the SQLite run already ran it",
    ),
]


def environment(directory: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{directory / 'db.sqlite3'}",
        "MEDIA_ROOT": str(directory / "media"),
        "TASKS_BACKEND": "database",
        "STORAGE_BACKEND": "filesystem",
        "PDF_RENDER_TIME_LIMIT": str(TIME_LIMIT),
    }


def manage(directory: Path, *args: str, timeout: float = 120) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(directory),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def start_worker(directory: Path, name: str) -> subprocess.Popen:
    """A worker in a process group of its own, so killing it kills its render child too."""
    log = (directory / f"{name}.log").open("w")
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
        + ["--interval", "0.2", "--worker-id", name],
        cwd=ROOT,
        env=environment(directory),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def kill(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


# The demo organisation's rows only: the seed's trust schools queue PDFs of their own, which
# the worker renders after the demo's (in the order they were queued).
DEMO_ASSESSMENTS = (
    "SELECT a.id FROM assessments_assessment a JOIN assessments_organisation o"
    " ON o.id = a.organisation_id WHERE o.slug = 'demo'"
)


def renders(directory: Path) -> dict[int, tuple[str, int, str]]:
    """Each demo assessment's render, read straight from the database: (status, attempts,
    file)."""
    with sqlite3.connect(directory / "db.sqlite3", timeout=10) as db:
        rows = db.execute(
            "SELECT assessment_id, status, attempts, file_name FROM assessments_pdfrender"
            f" WHERE assessment_id IN ({DEMO_ASSESSMENTS})"
        ).fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


def wait_for(condition, *, seconds: float, interval: float = 0.05, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(interval)
    raise AssertionError(f"Waited {seconds} s for {what}.")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """A migrated database with the framework and the demo, its completed assessments' PDFs
    queued (by their completion) and not yet rendered: made once, copied by each test."""
    directory = tmp_path_factory.mktemp("seeded")
    manage(directory, "migrate", "--no-input", "-v", "0")
    manage(directory, "load_framework")
    manage(directory, "seed_demo")
    return directory


@pytest.fixture
def site(seeded, tmp_path) -> Path:
    shutil.copy(seeded / "db.sqlite3", tmp_path / "db.sqlite3")
    return tmp_path


def assessment_ids(directory: Path, status: str) -> list[int]:
    with sqlite3.connect(directory / "db.sqlite3", timeout=10) as db:
        query = (
            "SELECT id FROM assessments_assessment"
            f" WHERE status = ? AND id IN ({DEMO_ASSESSMENTS}) ORDER BY id"
        )
        return [row[0] for row in db.execute(query, [status])]


def request_pdf(directory: Path, pk: int, *, until_done_within: float = 0) -> str:
    """What the PDF link does, from another process; with `until_done_within`, again every
    second (as the preparing page does) until the PDF is stored or the time is up."""
    code = (
        "import time\n"
        "from assessments.models import Assessment\n"
        "from assessments.reporting.tasks import request_pdf\n"
        f"deadline = time.monotonic() + {until_done_within}\n"
        "while True:\n"
        f"    render = request_pdf(assessment=Assessment.objects.get(pk={pk}))\n"
        "    if render.status == 'done' or time.monotonic() > deadline:\n"
        "        break\n"
        "    time.sleep(1)\n"
        "print(render.status)\n"
    )
    output = manage(directory, "shell", "-c", code, timeout=until_done_within + 60)
    return output.strip().splitlines()[-1]


def test_completing_queues_pdfs_that_a_worker_renders_and_stores(site):
    completed = assessment_ids(site, "completed")
    assert len(completed) == 2
    # Queued by the completions, in the seeding process; nothing rendered them yet.
    assert {pk: renders(site)[pk][0] for pk in completed} == {pk: "pending" for pk in completed}
    [draft] = assessment_ids(site, "in-progress")
    assert request_pdf(site, draft) == "pending"

    worker = start_worker(site, "worker")
    try:
        done = wait_for(
            lambda: all(render[0] == "done" for render in renders(site).values()),
            seconds=120,
            interval=0.5,
            what="the worker to store every PDF",
        )
    finally:
        kill(worker)

    assert done
    for status, attempts, name in renders(site).values():
        assert (status, attempts) == ("done", 1)
        assert (site / "media" / name).read_bytes().startswith(b"%PDF")


def test_a_render_whose_worker_was_killed_is_retried_by_a_new_worker(site):
    first = start_worker(site, "first")
    try:
        killed = wait_for(
            lambda: next((pk for pk, r in renders(site).items() if r[0] == "running"), None),
            seconds=120,
            what="the first worker to start a render",
        )
    finally:
        kill(first)
    assert renders(site)[killed][0] == "running"

    second = start_worker(site, "second")
    try:
        # The dead worker's render stays "running" until it is older than twice the time
        # limit; then the next request queues it again, and the new worker stores it.
        status = request_pdf(site, killed, until_done_within=2 * TIME_LIMIT + 60)
        wait_for(
            lambda: all(render[0] == "done" for render in renders(site).values()),
            seconds=60,
            interval=0.5,
            what="the second worker to store every PDF",
        )
    finally:
        kill(second)

    assert status == "done"
    status, attempts, name = renders(site)[killed]
    assert (status, attempts) == ("done", 2)
    assert (site / "media" / name).read_bytes().startswith(b"%PDF")
