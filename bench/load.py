"""Load benchmark: the app as in production (gunicorn, DEBUG off, PostgreSQL), driven by
simulated users over loopback.

    .venv/bin/python bench/load.py                      # 50 users; phase B at 50 clients
    .venv/bin/python bench/load.py --concurrency 20     # phase B judged against the targets
    .venv/bin/python bench/load.py --sqlite --users 20 --duration 5

It starts a throwaway PostgreSQL cluster (or, with --sqlite, a SQLite file), migrates, loads the
framework, seeds --users users, each owning an organisation with two four-domain assessments
(bench/seed_load.py), starts gunicorn on 127.0.0.1 (--workers sync workers) and, when the
settings queue tasks in the database, a `db_worker`. Everything is removed at exit.

Phase A, correctness under load: every user at once signs in (GET the login page for its CSRF
token, POST), opens the dashboard and the task list, fills every section over --saves saves (GET,
then POST of a share of the answers), checks the answers, completes, reads the HTML report and
fetches the PDF (polling, bounded, while the "Preparing your PDF" page answers). Any status but
2xx/3xx, a save that does not redirect (a conflict, an error) or a missing PDF is an error. The
answers each user saved are then read back from the database: they must match exactly.

Phase B, throughput: --concurrency signed-in clients request one page kind at a time, for
--duration seconds each: a trivial plain-text view (/robots.txt, the absolute floor), the lightest
signed-in page with the site's layout (the floor of a real page), then the dashboard, the task
list, a section page, check your answers, the report and the stored PDF. Each kind's throughput
is printed with its ratio to both floors. At --concurrency 20 (the issue's set-up) the targets
are judged: section page >= 0.5 of the layout floor, report >= 0.25, p95 < 300 ms for every kind.

Exits non-zero on any error or lost answer (and, with --strict, on a failed target).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as h  # noqa: E402

ANSWER_PREFIX = re.compile(r"^([fqs]\d+)-")
SECTION_LINK = r'href="(/orgs/{org}/assessments/{pk}/(?:people|domains/[\w-]+|checklist)/)"'
LAYOUT_FLOOR = "/accounts/password_change/done/"
TRIVIAL = "/robots.txt"  # plain text from memory: no database, no template
STATIC_FILE = "/static/css/site.css"  # served by WhiteNoise before any view: the WSGI floor
TARGET_CONCURRENCY = 20
TARGETS = {"section": 0.5, "report": 0.25}
P95_TARGET_MS = 300


class Recorder:
    """Timings and errors of every request, by page kind; thread-safe."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.error_count: dict[str, int] = defaultdict(int)
        self.waits: list[float] = []  # seconds from first asking for a PDF to receiving it

    def record(self, kind: str, response: h.Response, ok: bool, why: str = "") -> bool:
        with self.lock:
            self.times[kind].append(response.seconds)
            if not ok:
                self.error_count[kind] += 1
                if len(self.errors) < 20:
                    excerpt = re.sub(r"\s+", " ", response.text[:300])
                    self.errors.append(f"{kind}: {response.status} {why} {excerpt}")
        return ok

    def failure(self, kind: str, why: str) -> None:
        with self.lock:
            self.error_count[kind] += 1
            if len(self.errors) < 20:
                self.errors.append(f"{kind}: {why}")

    @property
    def total_errors(self) -> int:
        return sum(self.error_count.values())


def expect(recorder, kind, response, status=(200,), location: str | None = None) -> bool:
    if response.status not in status:
        return recorder.record(kind, response, False, f"(expected {status})")
    if location is not None and location not in response.location:
        return recorder.record(kind, response, False, f"(redirected to {response.location})")
    return recorder.record(kind, response, True)


class SimulatedUser:
    """One person working through their assessment, as a browser would."""

    def __init__(self, number: int, user: dict, port: int, recorder: Recorder, saves: int):
        self.number, self.user, self.recorder, self.saves = number, user, recorder, saves
        self.http = h.Http(port)
        self.base = f"/orgs/{user['org']}/assessments/{user['assessment']}/"
        self.saved: dict[str, str] = {}  # form field -> value the site confirmed saving
        self.random = random.Random(number)
        self.pdf_ok = False

    def run(self, deadline: float) -> None:
        try:
            self._journey(deadline)
        except Exception as error:  # noqa: BLE001 - a broken journey is an error, not a crash
            self.recorder.failure("journey", f"user {self.number}: {type(error).__name__} {error}")

    def _journey(self, deadline: float) -> None:
        rec, http = self.recorder, self.http
        if not self.sign_in():
            return
        expect(rec, "dashboard", http.get(f"/orgs/{self.user['org']}/"))
        if not self.fill(deadline) or not self.complete():
            return
        expect(rec, "report", http.get(f"{self.base}report/"))
        # One task worker renders the PDFs one after another: under load the last ones take
        # minutes, so the wait is bounded by the run's own limit.
        self.fetch_pdf(deadline)

    def sign_in(self) -> bool:
        page, answer = self.http.sign_in(self.user["email"], self.user["password"])
        expect(self.recorder, "login page", page)
        return expect(self.recorder, "login", answer, (302,), location="/orgs/")

    def fill(self, deadline: float) -> bool:
        """Every section from the task list, over `saves` saves each."""
        rec = self.recorder
        tasks = self.http.get(self.base)
        if not expect(rec, "task list", tasks):
            return False
        link = SECTION_LINK.format(org=re.escape(self.user["org"]), pk=self.user["assessment"])
        sections = list(dict.fromkeys(re.findall(link, tasks.text)))
        if len(sections) != 6:
            rec.failure("task list", f"user {self.number}: {len(sections)} section links, not 6")
        for path in sections:
            for round_ in range(self.saves):
                if time.monotonic() > deadline:
                    rec.failure("journey", f"user {self.number}: out of time")
                    return False
                self._save(path, round_)
        return True

    def complete(self) -> bool:
        rec = self.recorder
        check = self.http.get(f"{self.base}check/")
        if not expect(rec, "check answers", check):
            return False
        token = h.csrf_token(check.text)
        done = self.http.post(f"{self.base}complete/", {"csrfmiddlewaretoken": token})
        return expect(rec, "complete", done, (302,), location="/completed/")

    def _save(self, path: str, round_: int) -> None:
        rec = self.recorder
        page = self.http.get(path)
        if not expect(rec, "section", page):
            return
        form = next((f for f in h.forms_of(page.text) if "version" in f["names"]), None)
        if form is None:
            rec.failure("section", f"{path}: no section form")
            return
        data: dict[str, list[str]] = defaultdict(list)
        for name, value in form["fields"]:
            data[name].append(value)
        prefixes = sorted(
            {m[1] for name in form["names"] if (m := ANSWER_PREFIX.match(name))},
            key=lambda prefix: (prefix[0], int(prefix[1:])),
        )
        filled = {}
        for prefix in prefixes[round_ :: self.saves]:
            filled |= self._answers(prefix, round_)
        for name, value in filled.items():
            data[name] = [value]
        data["action"] = ["later"]
        saved = self.http.post(path, data)
        if saved.status == 200 and "<title>Conflict" in saved.text:
            rec.record("section save", saved, False, "(a conflict)")
        elif expect(rec, "section save", saved, (302,)):
            self.saved |= filled

    def _answers(self, prefix: str, round_: int) -> dict[str, str]:
        text = f"User {self.number} {prefix} round {round_}: “quoted” & <b>not bold</b>\nline 2"
        rating = str(self.random.randint(1, 3))
        if prefix[0] == "q":
            return {
                f"{prefix}-rating": rating,
                f"{prefix}-current_practice": f"Now: {text}",
                f"{prefix}-next_steps": f"Next: {text}",
                f"{prefix}-action_owner": f"Owner {self.number}",
            }
        if prefix[0] == "s":
            return {f"{prefix}-rating": rating, f"{prefix}-comment": f"Comment: {text}"}
        return {f"{prefix}-relevant": self.random.choice(["yes", "no"]), f"{prefix}-note": text}

    def fetch_pdf(self, deadline: float) -> bool:
        """Ask for the PDF until it comes (True), following the preparing page's refresh."""
        rec, path = self.recorder, f"{self.base}report.pdf"
        asked = time.monotonic()
        while time.monotonic() < deadline:
            response = self.http.get(path)
            kind = response.headers.get("content-type", "")
            if response.status == 200 and kind.startswith("application/pdf"):
                self.pdf_ok = response.body.startswith(b"%PDF")
                rec.record("pdf", response, self.pdf_ok, "(not a PDF)")
                with rec.lock:
                    rec.waits.append(time.monotonic() - asked)
                return self.pdf_ok
            if not expect(rec, "pdf preparing", response):
                return False
            refresh = re.search(r'http-equiv="refresh" content="(\d+)', response.text)
            time.sleep(min(int(refresh[1]) if refresh else 2, 5))
        rec.failure("pdf", f"user {self.number}: no PDF in the time allowed")
        return False


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def print_table(recorder: Recorder, seconds: float | None = None) -> None:
    print(f"  {'page':<16}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    for kind, times in recorder.times.items():
        rate = f"{len(times) / seconds:9.1f}" if seconds else f"{'':>9}"
        print(
            f"  {kind:<16}{len(times):>9}{rate}{statistics.median(times) * 1000:>9.0f}"
            f"{percentile(times, 0.95) * 1000:>9.0f}{recorder.error_count.get(kind, 0):>8}"
        )
    for kind, count in recorder.error_count.items():
        if kind not in recorder.times:
            print(f"  {kind:<16}{'':>36}{count:>8}")
    if recorder.waits:
        print(
            f"  time to PDF (first request to file): p50 {statistics.median(recorder.waits):.1f}"
            f" s, p95 {percentile(recorder.waits, 0.95):.1f} s, max {max(recorder.waits):.1f} s"
        )


def phase_a(users: list[dict], port: int, saves: int, timeout: float):
    recorder = Recorder()
    people = [SimulatedUser(n, user, port, recorder, saves) for n, user in enumerate(users)]
    deadline = time.monotonic() + timeout
    started = time.perf_counter()
    threads = [threading.Thread(target=person.run, args=(deadline,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(1.0, deadline - time.monotonic() + 90))
    elapsed = time.perf_counter() - started
    return recorder, people, elapsed


def closed_loop(clients: list[h.Http], paths: list[str], seconds: float, check) -> dict:
    """Each client requests its path again and again for `seconds`: requests/s, p50, p95."""
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def loop(client: h.Http, path: str) -> None:
        while time.monotonic() < stop_at:
            try:
                response = client.get(path)
                good = check(response)
            except OSError:
                good, response = False, None
            with lock:
                if response is not None:
                    times.append(response.seconds)
                errors[0] += not good

    started = time.perf_counter()
    threads = [
        threading.Thread(target=loop, args=(client, path))
        for client, path in zip(clients, paths, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    elapsed = time.perf_counter() - started
    return {
        "requests": len(times),
        "rate": len(times) / elapsed,
        "p50": statistics.median(times) * 1000 if times else 0.0,
        "p95": percentile(times, 0.95) * 1000,
        "errors": errors[0],
    }


def phase_b(people: list[SimulatedUser], port: int, concurrency: int, seconds: float) -> dict:
    # Each client a signed-in person of phase A, reused round-robin when there are fewer.
    chosen = [people[n % len(people)] for n in range(concurrency)]
    clients = [h.Http(port) for _ in chosen]
    for client, person in zip(clients, chosen, strict=True):
        client.cookies = dict(person.http.cookies)

    def ok(response: h.Response) -> bool:
        return response.status == 200

    def pdf(response: h.Response) -> bool:
        return response.status == 200 and response.body.startswith(b"%PDF")

    def paths(template: str) -> list[str]:
        return [template.format(**person.user) for person in chosen]

    kinds = {}
    if h.Http(port).get(TRIVIAL).status == 200:
        kinds["trivial"] = ([TRIVIAL] * concurrency, ok)
    else:
        print(f"  ({TRIVIAL} is not there: no trivial floor measured)")
    kinds |= {
        "static file": ([STATIC_FILE] * concurrency, ok),
        "layout floor": ([LAYOUT_FLOOR] * concurrency, ok),
        "dashboard": (paths("/orgs/{org}/"), ok),
        "task list": (paths("/orgs/{org}/assessments/{spare}/"), ok),
        "section": (paths("/orgs/{org}/assessments/{spare}/domains/environment/"), ok),
        "check answers": (paths("/orgs/{org}/assessments/{assessment}/check/"), ok),
        "report": (paths("/orgs/{org}/assessments/{assessment}/report/"), ok),
    }
    if all(person.pdf_ok for person in chosen):
        kinds["stored pdf"] = (paths("/orgs/{org}/assessments/{assessment}/report.pdf"), pdf)
    results = {}
    for kind, (kind_paths, check) in kinds.items():
        results[kind] = closed_loop(clients, kind_paths, seconds, check)
    return results


def print_phase_b(results: dict, concurrency: int, database: str) -> list[str]:
    trivial = results.get("trivial", {}).get("rate")
    layout = results["layout floor"]["rate"]
    print(
        f"  {'page':<16}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}"
        f"{'÷trivial':>10}{'÷layout':>9}"
    )
    for kind, r in results.items():
        vs_trivial = f"{r['rate'] / trivial:10.3f}" if trivial else f"{'–':>10}"
        print(
            f"  {kind:<16}{r['requests']:>9}{r['rate']:>9.1f}{r['p50']:>9.0f}{r['p95']:>9.0f}"
            f"{r['errors']:>8}{vs_trivial}{r['rate'] / layout:>9.3f}"
        )
    failed = []
    if concurrency != TARGET_CONCURRENCY:
        print(f"  (the targets are set for --concurrency {TARGET_CONCURRENCY}: not judged)")
        return failed
    print(f"Targets (set for PostgreSQL, 2 workers, 20 clients; measured on {database}):")
    for kind, share in TARGETS.items():
        ratio = results[kind]["rate"] / layout
        verdict = "PASS" if ratio >= share else "FAIL"
        print(f"  {verdict} {kind} throughput {ratio:.2f} of the layout floor (target >= {share})")
        if verdict == "FAIL":
            failed.append(kind)
    for kind, r in results.items():
        if kind in ("trivial", "static file"):
            continue
        verdict = "PASS" if r["p95"] < P95_TARGET_MS else "FAIL"
        print(f"  {verdict} {kind} p95 {r['p95']:.0f} ms (target < {P95_TARGET_MS} ms)")
        if verdict == "FAIL":
            failed.append(f"{kind} p95")
    return failed


def compare_answers(env, people: list[SimulatedUser]) -> tuple[int, int, list[str]]:
    """(answers saved, answers in the database, differences) over every user's assessment."""
    ids = ",".join(str(person.user["assessment"]) for person in people)
    result = subprocess.run(
        [h.PYTHON, str(h.ROOT / "bench" / "seed_load.py"), "--answers", ids],
        env=env,
        cwd=h.ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    stored = json.loads(result.stdout.strip().splitlines()[-1])
    saved_count = stored_count = 0
    differences = []
    for person in people:
        in_db = stored[str(person.user["assessment"])]
        saved_count += len(person.saved)
        stored_count += len(in_db)
        for name in sorted(set(in_db) | set(person.saved)):
            if in_db.get(name) != person.saved.get(name) and len(differences) < 10:
                differences.append(
                    f"user {person.number} {name}: saved {person.saved.get(name)!r}, "
                    f"database {in_db.get(name)!r}"
                )
    return saved_count, stored_count, differences


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="simulated users in phase A")
    parser.add_argument("--concurrency", type=int, default=None, help="clients in phase B")
    parser.add_argument("--duration", type=float, default=10, help="seconds per phase B kind")
    parser.add_argument("--saves", type=int, default=3, help="saves per section")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--timeout", type=float, default=600, help="phase A limit, seconds")
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file, not PostgreSQL")
    parser.add_argument("--pg-port", type=int, default=54351)
    parser.add_argument("--port", type=int, default=8351, help="gunicorn's port")
    parser.add_argument("--strict", action="store_true", help="a failed target fails the run")
    args = parser.parse_args()
    concurrency = args.concurrency or args.users

    work = h.workdir("drf-bench-load.")
    if args.sqlite:
        database_url, database = f"sqlite:///{work / 'bench.sqlite3'}", "SQLite (file)"
    else:
        database_url, database = h.Postgres(args.pg_port).url, "PostgreSQL"
    env = h.production_env(database_url=database_url, media_root=work / "media")
    print(f"Database: {database}; preparing (migrate, collectstatic, load_framework)…")
    h.prepare(env)
    seeded = work / "users.json"
    subprocess.run(
        [h.PYTHON, str(h.ROOT / "bench" / "seed_load.py"), "--users", str(args.users)]
        + ["--output", str(seeded)],
        env=env,
        cwd=h.ROOT,
        check=True,
        timeout=600,
    )
    users = json.loads(seeded.read_text())
    port = h.free_port(args.port)
    server = h.Gunicorn(env, port=port, workers=args.workers, log=work / "gunicorn.log")
    worker = None
    if h.uses_database_tasks(env):
        worker = h.TaskWorker(env, log=work / "worker.log")
    print(
        f"gunicorn: {args.workers} sync workers on {h.HOST}:{port}, DEBUG off; task worker: "
        f"{'db_worker' if worker else 'none (tasks run in the request)'}"
    )

    print(f"\nPhase A: {len(users)} users at once, {args.saves} saves per section")
    recorder, people, elapsed = phase_a(users, port, args.saves, args.timeout)
    total = sum(len(times) for times in recorder.times.values())
    print(f"  {total} requests in {elapsed:.1f} s: {total / elapsed:.1f} requests/s")
    print_table(recorder)
    saved, stored, differences = compare_answers(env, people)
    print(f"  answers saved: {saved}; answers in the database: {stored}")
    for line in differences:
        print(f"    {line}")
    for line in recorder.errors:
        print(f"  error: {line[:400]}")

    print(f"\nPhase B: {concurrency} clients, {args.duration:.0f} s per page kind")
    results = phase_b(people, port, concurrency, args.duration)
    failed = print_phase_b(results, concurrency, database)
    phase_b_errors = sum(r["errors"] for r in results.values())

    problems = []
    if recorder.total_errors or phase_b_errors:
        problems.append(f"{recorder.total_errors + phase_b_errors} errors")
    if saved != stored or differences:
        problems.append("answers saved and in the database differ")
    if args.strict and failed:
        problems.append(f"targets failed: {', '.join(failed)}")
    if problems:
        print(f"\nFAILED: {'; '.join(problems)}. Server log tail:\n{server.tail(30)}")
        if worker:
            print(f"Worker log tail:\n{worker.tail(15)}")
        return 1
    print("\nOK: no errors; every saved answer is in the database.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
