"""Benchmark: rendering the demo's completed four-domain report to PDF, and serving it cached.

    make bench                  # or: .venv/bin/python bench/report_pdf.py --runs 10

Uses a throwaway SQLite database (migrated, framework and demo data loaded) and a throwaway
MEDIA_ROOT, so it never touches your data. Prints, for N renders in one process:
- cold: the first render (imports, font discovery, template compilation), seconds;
- warm: the median and maximum seconds of the following renders;
- memory: the process's peak resident set size after the cold render and after the warm ones,
  and the peak of Python allocations during one extra warm render traced by tracemalloc (timed
  renders are not traced: tracing slows WeasyPrint several times over);
- cached: the median and maximum milliseconds to serve the stored PDF through the real view;
- the ratio of warm median to the 0.6 s target and of cached median to the 20 ms target.
"""

import argparse
import io
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_TARGET_S = 0.6
CACHED_TARGET_MS = 20.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8, help="renders in all (first is cold)")
    parser.add_argument("--served", type=int, default=50, help="requests of the stored PDF")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="drf-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drf_site.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115

    from assessments.models import Assessment

    assessment = (
        Assessment.objects.completed()
        .filter(organisation__slug="demo")
        .order_by("-completed_at")
        .first()
    )
    print(f"Report: {assessment.organisation} – {assessment.title}")
    print(f"Domains in scope: {assessment.domains.count()}; renders: {args.runs}")

    cold_s, pages, size = _render_once(assessment)
    cold_rss = _max_rss_mib()
    warm_times = [_render_once(assessment)[0] for _ in range(args.runs - 1)]
    warm_rss = _max_rss_mib()
    traced_peak = _traced_peak(assessment)
    print(f"PDF: {pages} pages, {size / 1024:.0f} KiB")
    print(f"cold render:   {cold_s:.3f} s")
    if warm_times:
        median = statistics.median(warm_times)
        print(
            f"warm render:   median {median:.3f} s, max {max(warm_times):.3f} s over "
            f"{len(warm_times)} (target {WARM_TARGET_S} s: ratio {median / WARM_TARGET_S:.2f})"
        )
    print(
        f"memory:        peak RSS {cold_rss:.0f} MiB after the cold render, {warm_rss:.0f} MiB "
        f"after the warm ones; one warm render allocates at most {traced_peak:.1f} MiB"
    )
    served = _serve_cached(assessment, args.served)
    median_ms = statistics.median(served)
    print(
        f"cached serve:  median {median_ms:.2f} ms, max {max(served):.2f} ms over {len(served)} "
        f"requests (target {CACHED_TARGET_MS:.0f} ms: ratio {median_ms / CACHED_TARGET_MS:.2f})"
    )


def _render_once(assessment) -> tuple[float, int, int]:
    from pypdf import PdfReader

    from assessments.reporting.pdf import render_report_pdf
    from assessments.reporting.report import build_report

    started = time.perf_counter()
    content = render_report_pdf(build_report(assessment))
    seconds = time.perf_counter() - started
    return seconds, len(PdfReader(io.BytesIO(content)).pages), len(content)


def _traced_peak(assessment) -> float:
    from assessments.reporting.pdf import render_report_pdf
    from assessments.reporting.report import build_report

    tracemalloc.start()
    render_report_pdf(build_report(assessment))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _serve_cached(assessment, requests: int) -> list[float]:
    """Milliseconds for the real view to answer with the stored file (read in full)."""
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings
    from django.urls import reverse

    from assessments.reporting.tasks import request_pdf

    # Render and store once, inline (no worker runs here); the requests then serve the file.
    with override_settings(
        TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    ):
        request_pdf(assessment=assessment)
    client = Client()
    client.force_login(get_user_model().objects.get(email="demo@example.com"))
    url = reverse("assessments:report_pdf", args=[assessment.organisation.slug, assessment.pk])
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and body.startswith(b"%PDF")
    return timings


if __name__ == "__main__":
    main()
