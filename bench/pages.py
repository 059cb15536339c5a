"""Benchmark: how long the heaviest pages take to build, in this process, and where the time goes.

    .venv/bin/python bench/pages.py                 # --runs 30, --profile to see where it goes

Uses a throwaway SQLite database (migrated, framework and demo data loaded) and DEBUG off, and
requests through Django's test Client, signed in as the demo owner: the lightest signed-in page
with the site's layout (the profile page), a domain section page of the check-in in
progress, and the report of the latest completed review. Prints each page's median and 95th
percentile milliseconds of wall time, its median CPU time, its queries, the Python function
calls a request makes (a measure of work that, unlike time, does not vary with other work on
the machine), and its CPU time as a multiple of the layout page's (the load targets are the
section page at ≥ 0.5 of the layout page's throughput, so at most 2×, and the report at
≥ 0.25, so at most 4×). With --profile, it also prints the functions where a section page and
a report spend most of their time (cProfile, cumulative).
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time

TARGETS = {"section page": 2.0, "report": 4.0}
# With --profile: the order (a pstats key such as "tottime") and length of each listing.
PROFILE_SORT = os.environ.get("PROFILE_SORT", "cumulative")
PROFILE_LINES = int(os.environ.get("PROFILE_LINES", "25"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page")
    parser.add_argument("--profile", action="store_true", help="print where the time goes")
    args = parser.parse_args()

    import _harness

    _harness.demo_in_process("drf-pages-")
    run(args)


def run(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from assessments.models import Organisation

    # Timed as in production: DEBUG off (Django keeps no list of queries).
    settings.DEBUG = False

    demo = Organisation.objects.get(slug="demo")
    in_progress = demo.assessments.exclude(status="completed").first()
    completed = demo.assessments.completed().order_by("-completed_at").first()
    domain = in_progress.domains.order_by("position").first()
    urls = {
        "layout page": reverse("assessments:profile"),
        "section page": reverse(
            "assessments:domain_section", args=["demo", in_progress.pk, domain.key]
        ),
        "report": reverse("assessments:report", args=["demo", completed.pk]),
    }
    client = Client()
    client.force_login(get_user_model().objects.get(email="demo@example.com"))

    results = {}
    for name, url in urls.items():
        for _ in range(3):  # warm: template compilation, caches
            _get(client, url)
        queries = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            _get(client, url)
        # Python function calls per request: unlike times, the same on a busy machine.
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(3):
            _get(client, url)
        profile.disable()
        calls = pstats.Stats(profile).total_calls / 3
        times, cpu_times = [], []
        for _ in range(args.runs):
            started, cpu_started = time.perf_counter(), time.process_time()
            _get(client, url)
            times.append((time.perf_counter() - started) * 1000)
            cpu_times.append((time.process_time() - cpu_started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        results[name] = (
            statistics.median(times),
            p95,
            statistics.median(cpu_times),
            len(queries),
            calls,
        )

    # Ratios of CPU time: on a machine shared with other work, wall time varies far more.
    base = results["layout page"][2]
    print(
        f"{'page':<14} {'median':>9} {'p95':>9} {'CPU':>9} {'queries':>8} {'calls':>8} "
        f"{'× layout':>9}  target"
    )
    for name, (median, p95, cpu, count, calls) in results.items():
        target = f"≤ {TARGETS[name]:.1f}×" if name in TARGETS else ""
        print(
            f"{name:<14} {median:>6.1f} ms {p95:>6.1f} ms {cpu:>6.1f} ms {count:>8} {calls:>8.0f} "
            f"{cpu / base:>8.2f}×  {target}"
        )

    if args.profile:
        for name in TARGETS:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(10):
                _get(client, urls[name])
            profile.disable()
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(PROFILE_SORT).print_stats(PROFILE_LINES)
            print(f"\n== {name}: 10 requests, by cumulative time ==")
            print(out.getvalue())


def _get(client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}")


if __name__ == "__main__":
    main()
