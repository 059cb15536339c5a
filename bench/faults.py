"""Fault benchmarks: the app as in production (gunicorn, DEBUG off, PostgreSQL, a task worker),
broken on purpose on loopback, each promise checked. Exits non-zero when any promise breaks.

    .venv/bin/python bench/faults.py                    # every fault
    .venv/bin/python bench/faults.py store worker       # some of them

- `db`: the database stopped for --outage seconds under load, then started again. While it is
  down every page answers a branded 503 with Retry-After (never a 500, never a dropped
  connection); after it is back, pages answer 200 again within --recovery seconds, with the same
  gunicorn processes (no restart of the app), a save works and a PDF asked for then arrives.
  django-tasks-db's `db_worker` exits when it loses the database; --supervised restarts it, as
  a process manager (systemd's Restart=always) would.
- `save`: gunicorn workers killed (SIGKILL) while saves are in flight, --kills times, each time
  a worker whose database connection is inside a transaction when one is caught (the script
  watches pg_stat_activity and maps the connection to the worker's pid). Every section in the
  database then holds exactly one save, whole (every answer of it or none), and no save the site
  confirmed is lost.
- `store`: the file store made unwritable (MEDIA_ROOT chmod read-only; as root the app runs
  without the capability that ignores permissions): the PDF page says clearly that it failed,
  other pages work, nothing answers 5xx; once writable again, the next request brings the PDF.
- `worker`: the task worker (and its render process) killed while a PDF renders; a new worker
  is started, as a supervisor would. The render is retried (attempts > 1) and the PDF arrives.

Every wait is bounded; everything started is removed at exit.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

import _harness as h  # noqa: E402
from load import Recorder, SimulatedUser  # noqa: E402

SCENARIOS = ("store", "worker", "save", "db")
RENDER_TIME_LIMIT = 10  # seconds: a render judged dead after twice this


class Setup:
    """PostgreSQL, the seeded users, gunicorn and a task worker, shared by the scenarios."""

    def __init__(self, args) -> None:
        self.work = h.workdir("drf-bench-faults.")
        self.pg = h.Postgres(args.pg_port)
        self.media = self.work / "media"
        self.media.mkdir()
        self.env = h.production_env(
            database_url=self.pg.url,
            media_root=self.media,
            PDF_RENDER_TIME_LIMIT=str(RENDER_TIME_LIMIT),
        )
        h.prepare(self.env)
        seeded = self.work / "users.json"
        subprocess.run(
            [h.PYTHON, str(h.ROOT / "bench" / "seed_load.py"), "--users", str(args.users)]
            + ["--output", str(seeded)],
            env=self.env,
            cwd=h.ROOT,
            check=True,
            timeout=600,
        )
        self.users = json.loads(seeded.read_text())
        self.port = h.free_port(args.port)
        self.server = h.Gunicorn(self.env, port=self.port, workers=2, log=self.work / "web.log")
        self.worker = None
        if h.uses_database_tasks(self.env):
            self.worker = h.TaskWorker(self.env, log=self.work / "worker.log")
        self.next_user = 0

    def person(self, saves: int = 1) -> SimulatedUser:
        """A seeded user of their own, signed in."""
        number = self.next_user
        if number >= len(self.users):
            raise SystemExit("Not enough seeded users: raise --users.")
        self.next_user += 1
        person = SimulatedUser(number, self.users[number], self.port, Recorder(), saves)
        if not person.sign_in():
            raise SystemExit(f"Signing in failed: {person.recorder.errors}")
        return person

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.pg.url.replace("postgres://", "postgresql://"), autocommit=True)

    def sql(self, query: str, *params):
        with self.connect() as conn:
            return conn.execute(query, params or None).fetchall()


def result(ok: bool, name: str, lines: list[str]) -> bool:
    print(f"\n[{'PASS' if ok else 'FAIL'}] {name}")
    for line in lines:
        print(f"  {line}")
    return ok


# --- store ------------------------------------------------------------------------------------


def fault_store(setup: Setup) -> bool:
    person = setup.person()
    lines, ok = [], True
    if not person.fill(time.monotonic() + 300):
        return result(
            False, "store unwritable", ["filling the assessment failed", *_errors(person)]
        )
    _chmod_tree(setup.media, 0o555)
    try:
        person.complete()  # queues the PDF, whose render cannot be stored
        pdf = f"{person.base}report.pdf"
        statuses, said = Counter(), ""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not said:
            response = person.http.get(pdf)
            statuses[response.status] += 1
            text = _visible(response.text)
            if response.status == 200 and re.search(r"could not|failed|not accepting", text, re.I):
                said = re.search(r"[^.]*(could not|failed|not accepting)[^.]*\.", text, re.I)
                said = said[0].strip() if said else text[:200]
            else:
                time.sleep(1)
        other = person.http.get(person.base).status
        lines.append(f"store read-only: PDF page statuses {dict(statuses)}; task list {other}")
        if setup.worker is not None:
            failures = setup.worker.log.read_text(errors="replace").count("could not be stored")
            lines.append(f"renders that could not be stored (worker log): {failures}")
        lines.append(f"the page said: {said!r}" if said else "the page never said it failed")
        ok &= bool(said) and other == 200 and not any(s >= 500 for s in statuses)
    finally:
        _chmod_tree(setup.media, 0o755)
    started = time.monotonic()
    # The reader presses the page's "Try again" (a failed render is never restarted behind
    # their back, so the page can say what went wrong).
    first = person.http.get(f"{person.base}report.pdf?retry=1")
    arrived = person.fetch_pdf(time.monotonic() + 120)
    lines.append(
        f"store writable again: Try again {first.status}; PDF "
        + (f"arrived after {time.monotonic() - started:.1f} s" if arrived else "never arrived")
    )
    ok &= first.status < 500 and arrived
    return result(ok, "store unwritable", lines + _errors(person))


def _chmod_tree(root: Path, mode: int) -> None:
    for path in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        path.chmod(mode)


def _visible(html: str) -> str:
    text = re.sub(r"(?s)<(script|style|head).*?</\1>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))


def _errors(person: SimulatedUser) -> list[str]:
    return [f"error: {line[:300]}" for line in person.recorder.errors]


# --- worker -----------------------------------------------------------------------------------


def fault_worker(setup: Setup) -> bool:
    if setup.worker is None:
        return result(False, "task worker killed", ["the settings run no task worker"])
    person = setup.person()
    if not person.fill(time.monotonic() + 300):
        return result(False, "task worker killed", ["filling failed", *_errors(person)])
    person.complete()  # queues the render
    pk = person.user["assessment"]
    deadline, running = time.monotonic() + 60, False
    while time.monotonic() < deadline and not running:
        rows = setup.sql("SELECT status FROM assessments_pdfrender WHERE assessment_id = %s", pk)
        running = any(status == "running" for (status,) in rows)
        time.sleep(0.05)
    if not running:
        return result(False, "task worker killed", ["the render never started", *_errors(person)])
    time.sleep(0.3)  # well inside the render (it takes seconds)
    victims = [setup.worker.pid, *setup.worker.children()]
    for pid in victims:
        _kill(pid)
    setup.worker.popen.wait(10)
    lines = [f"killed the worker and its render process ({len(victims)} pids) mid-render"]
    setup.worker = h.TaskWorker(setup.env, log=setup.work / "worker.log")
    started = time.monotonic()
    arrived = person.fetch_pdf(time.monotonic() + 4 * RENDER_TIME_LIMIT + 120)
    (attempts,) = setup.sql(
        "SELECT max(attempts) FROM assessments_pdfrender WHERE assessment_id = %s", pk
    )[0]
    lines.append(
        f"new worker started; PDF {'arrived' if arrived else 'never arrived'} after "
        f"{time.monotonic() - started:.1f} s; render attempts {attempts}"
    )
    return result(arrived and (attempts or 0) > 1, "task worker killed", lines + _errors(person))


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


# --- save -------------------------------------------------------------------------------------

MARK = re.compile(r"\[save (\d+)\]")


class Saver(threading.Thread):
    """Saves the same section again and again, every answer marked with the save's number."""

    def __init__(self, person: SimulatedUser, stop: threading.Event) -> None:
        super().__init__()
        self.person, self.stop = person, stop
        self.path = f"{person.base}domains/environment/"
        self.confirmed = 0  # the last save the site confirmed (302)
        self.attempted = 0
        self.dropped = 0  # requests cut off by a killed worker
        self.other: Counter = Counter()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                page = self.person.http.get(self.path)
                form = next(f for f in h.forms_of(page.text) if "version" in f["names"])
                data = {name: value for name, value in form["fields"]}
                self.attempted += 1
                mark = f"[save {self.attempted}]"
                for name in form["names"]:
                    if name.endswith(("-current_practice", "-next_steps", "-action_owner")):
                        data[name] = f"{mark} {name}"
                    elif name.endswith("-rating"):
                        data[name] = str(self.attempted % 3 + 1)
                data["action"] = "later"
                response = self.person.http.post(self.path, data)
            except (OSError, http.client.HTTPException):
                self.dropped += 1
                continue
            except StopIteration:
                self.other["no form"] += 1
                time.sleep(0.2)
                continue
            if response.status == 302:
                self.confirmed = self.attempted
            else:
                self.other[response.status] += 1


def _pid_of_connection(client_port: int, pids: list[int]) -> int | None:
    """The pid among `pids` that owns the loopback TCP socket with local port `client_port`."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == client_port:
                inodes.add(fields[9])
    for pid in pids:
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                link = os.readlink(fd)
            except OSError:
                continue
            if link.startswith("socket:[") and link[8:-1] in inodes:
                return pid
    return None


# Connections inside a write transaction of the walk-through (locking or writing its rows).
IN_A_SAVE = """
SELECT client_port FROM pg_stat_activity
WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
  AND (state = 'idle in transaction' OR query ILIKE '%for update%'
       OR query ILIKE 'update "assessments_%' OR query ILIKE 'insert into "assessments_%')
"""


def fault_save(setup: Setup, kills: int) -> bool:
    people = [setup.person() for _ in range(min(6, len(setup.users) - setup.next_user))]
    stop = threading.Event()
    savers = [Saver(person, stop) for person in people]
    for saver in savers:
        saver.start()
    inside = 0
    lines = []
    watch = setup.connect()
    try:
        time.sleep(2)
        for _ in range(kills):
            victim, caught = None, False
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and victim is None:
                rows = watch.execute(IN_A_SAVE).fetchall()
                for (port,) in rows:
                    victim = _pid_of_connection(port, setup.server.children())
                    if victim:
                        caught = True
                        break
            if victim is None and setup.server.children():
                victim = setup.server.children()[0]
            if victim is None:
                continue
            _kill(victim)
            inside += caught
            time.sleep(1.5)  # gunicorn starts a new worker
    finally:
        watch.close()
        stop.set()
        for saver in savers:
            saver.join(120)
    lines.append(
        f"{kills} workers killed, {inside} of them inside a save's transaction; "
        f"{sum(s.attempted for s in savers)} saves sent, "
        f"{sum(s.confirmed > 0 for s in savers)} savers confirmed at least one, "
        f"{sum(s.dropped for s in savers)} requests cut off"
    )
    ok = True
    for saver in savers:
        rows = setup.sql(
            "SELECT a.rating, a.current_practice, a.next_steps, a.action_owner "
            "FROM assessments_questionanswer a JOIN framework_question q ON q.id = a.question_id "
            "JOIN framework_domain d ON d.id = q.domain_id "
            "WHERE a.assessment_id = %s AND d.key = 'environment'",
            saver.person.user["assessment"],
        )
        marks = Counter(int(m) for row in rows for value in row[1:] for m in MARK.findall(value))
        fields = 3 * len(rows)
        whole = len(marks) == 1 and next(iter(marks.values())) == fields
        latest = max(marks) if marks else 0
        kept = latest >= saver.confirmed and latest <= saver.attempted
        rating_ok = all(row[0] == latest % 3 + 1 for row in rows) if marks else True
        if not (whole and kept and rating_ok) or saver.other:
            ok = False
            lines.append(
                f"user {saver.person.number}: saves in the section {dict(marks)} of {fields} "
                f"fields; last confirmed {saver.confirmed}, last sent {saver.attempted}; "
                f"ratings {'match' if rating_ok else 'mixed'}; other answers {dict(saver.other)}"
            )
    if ok:
        lines.append("every section holds exactly one whole save, none confirmed is lost")
    if not inside:
        lines.append("no kill landed inside a save's transaction: inconclusive, run it again")
    return result(ok and inside > 0, "worker killed mid-save", lines)


# --- db ---------------------------------------------------------------------------------------


def fault_db(setup: Setup, outage: float, recovery: float, supervised: bool) -> bool:
    people = [setup.person() for _ in range(min(6, len(setup.users) - setup.next_user))]
    pids_before = (setup.server.pid, sorted(setup.server.children()))
    phase = ["before"]
    seen: dict[str, Counter] = {"before": Counter(), "down": Counter(), "after": Counter()}
    bad: list[str] = []
    first_ok_after = [None]
    restarted_at = [0.0]
    lock = threading.Lock()
    stop = threading.Event()

    def load(person: SimulatedUser) -> None:
        paths = [f"/orgs/{person.user['org']}/", person.base, f"{person.base}people/"]
        n = 0
        while not stop.is_set():
            path = paths[n % len(paths)]
            n += 1
            began, sent = phase[0], time.monotonic()
            try:
                response = person.http.get(path)
                status = response.status
                branded = "Digital Resilience" in response.text
                retry = response.headers.get("retry-after")
            except (OSError, http.client.HTTPException) as error:
                status, branded, retry = type(error).__name__, False, None
            with lock:
                ended = phase[0]
                seen[ended][status] += 1
                if status == 200 and ended == "after" and first_ok_after[0] is None:
                    first_ok_after[0] = time.monotonic() - restarted_at[0]
                # A request that overlapped the outage may be a branded 503 with Retry-After;
                # one sent after the first 200 following the restart must be a 200 again.
                overlapped = "down" in (began, ended) or (began, ended) == ("before", "after")
                allowed = status == 200 or (overlapped and status == 503 and branded and retry)
                back_since = first_ok_after[0]
                if back_since is not None and sent - restarted_at[0] > back_since:
                    allowed = status == 200
                if not allowed and len(bad) < 10:
                    bad.append(f"{began}→{ended}: {path} answered {status}")
            time.sleep(0.05)

    threads = [threading.Thread(target=load, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    try:
        time.sleep(5)
        phase[0] = "down"
        setup.pg.stop("fast")
        time.sleep(outage)
        setup.pg.start()
        restarted_at[0] = time.monotonic()
        phase[0] = "after"
        deadline = time.monotonic() + recovery
        while time.monotonic() < deadline and first_ok_after[0] is None:
            time.sleep(0.1)
        time.sleep(5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
    saver = people[0]
    save_ok = saver.fill(time.monotonic() + 120) and not saver.recorder.errors
    pids_after = (setup.server.pid, sorted(setup.server.children()))
    worker_alive = setup.worker is None or setup.worker.alive()
    if not worker_alive and supervised:
        # What systemd's Restart=always (or any process manager) does.
        setup.worker = h.TaskWorker(setup.env, log=setup.work / "worker.log")
    # The queue works again: a PDF asked for after the outage arrives.
    pdf_ok = saver.complete() and saver.fetch_pdf(time.monotonic() + 120)
    lines = [f"{phase_name}: {dict(counts)}" for phase_name, counts in seen.items()]
    back = first_ok_after[0]
    lines.append(
        f"first 200 {back:.2f} s after the restart" if back is not None else "never recovered"
    )
    lines.append(
        "same gunicorn master and workers" if pids_after == pids_before else "gunicorn restarted"
    )
    lines.append(f"a save after recovery: {'ok' if save_ok else 'FAILED'}")
    if worker_alive:
        lines.append("task worker still running")
    else:
        lines.append(
            "task worker EXITED on the lost connection (django-tasks-db's db_worker re-raises "
            "it, upstream issue RealOrangeOne/django-tasks-db#49)"
            + ("; restarted as a supervisor would (--supervised)" if supervised else "")
        )
    lines.append(f"a PDF asked for after recovery: {'arrived' if pdf_ok else 'NEVER ARRIVED'}")
    lines += bad
    ok = (
        not bad
        and seen["down"][503] > 0
        and back is not None
        and back <= recovery
        and pids_after == pids_before
        and save_ok
        and pdf_ok
    )
    return result(ok, f"database stopped for {outage:.0f} s", lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("faults", nargs="*", help=f"any of {', '.join(SCENARIOS)} (default all)")
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--kills", type=int, default=5, help="workers killed mid-save")
    parser.add_argument("--outage", type=float, default=10, help="seconds the database is down")
    parser.add_argument("--recovery", type=float, default=15, help="seconds allowed to recover")
    parser.add_argument(
        "--supervised",
        action="store_true",
        help="restart a task worker that exited, as a process manager would (db fault)",
    )
    parser.add_argument("--pg-port", type=int, default=54352)
    parser.add_argument("--port", type=int, default=8352)
    args = parser.parse_args()
    faults = args.faults or list(SCENARIOS)
    unknown = set(faults) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown fault {', '.join(sorted(unknown))}: choose from {SCENARIOS}")

    print("Starting PostgreSQL, gunicorn (2 workers, DEBUG off) and a task worker…")
    setup = Setup(args)
    outcomes = {}
    for fault in SCENARIOS:
        if fault not in faults:
            continue
        if fault == "store":
            outcomes[fault] = fault_store(setup)
        elif fault == "worker":
            outcomes[fault] = fault_worker(setup)
        elif fault == "save":
            outcomes[fault] = fault_save(setup, args.kills)
        elif fault == "db":
            outcomes[fault] = fault_db(setup, args.outage, args.recovery, args.supervised)
    failed = [fault for fault, ok in outcomes.items() if not ok]
    print(f"\n{'FAILED: ' + ', '.join(failed) if failed else 'Every promise held.'}")
    if failed:
        print(f"web log tail:\n{setup.server.tail(25)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
