"""Benchmark: do an organisation's pages and the admin stay as fast with 10,000 organisations?

    .venv/bin/python bench/scale.py            # --runs 15 --orgs 10000 --port 54361

Starts a throwaway PostgreSQL cluster on 127.0.0.1 (as `.ci/run` does; removed on exit) with two
databases, each migrated, with the framework and the demo organisation, and generated
organisations (an owner each, five assessments each, every answer row, the older ones rated and
completed) added with bulk inserts: 10 organisations in one, `--orgs` in the other. It times,
through Django's test Client in this process, the demo organisation's dashboard, task list, a
domain section page, the report and the comparison, and the admin's organisation and assessment
lists with and without a search, requesting each page from both databases in turn (so that other
work on the machine slows both alike). It prints each page's median time in both and their
ratio, and exits non-zero if any ratio is above 1.5: pages must not slow down as other
organisations join. One search that matches many organisations only in the large set is shown
for information: its page renders a full page of rows instead of one.

Each database also has a group (a trust) owned by the demo owner that `--group` of the generated
organisations share with (10 in the small one): its dashboard and CSV are timed too and shown
for information, with their ratio to the organisation dashboard timed in the same database
and run. They grow with the group (one row per organisation), not with the site.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 1.5
SMALL = 10
BROAD = "admin organisations search, many matches"
GROUP_PAGES = ("group dashboard", "group CSV")


# --- Data ---------------------------------------------------------------------------------


def add_organisations(count: int, *, start: int) -> None:
    """Add `count` generated organisations, numbered from `start`: an owner each and five
    assessments each (all domains, every answer row, the older ones rated and completed), written
    with bulk inserts so that 10,000 organisations take seconds, not hours."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from assessments.models import Assessment, Membership, Organisation, Role
    from framework.models import Edition

    edition = Edition.objects.current()
    kinds = [choice for choice, _ in Organisation.Kind.choices]
    words = ["Hillside", "Riverside", "Oakfield", "St Mary's", "Northgate", "Meadow", "Harbour"]
    kinds_of_place = ["Academy", "Primary School", "Youth Trust", "Library", "Care Home", "Club"]
    password = make_password(None)
    now = timezone.now()
    numbers = range(start, start + count)
    with transaction.atomic():
        users = get_user_model().objects.bulk_create(
            get_user_model()(
                username=f"owner{n}@org{n}.example",
                email=f"owner{n}@org{n}.example",
                password=password,
            )
            for n in numbers
        )
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"{words[n % len(words)]} {kinds_of_place[n % len(kinds_of_place)]} {n}",
                slug=f"org-{n}",
                kind=kinds[n % len(kinds)],
                nations=["england"],
                age_groups=["11-13"],
            )
            for n in numbers
        )
        Membership.objects.bulk_create(
            Membership(user=user, organisation=organisation, role=Role.OWNER)
            for user, organisation in zip(users, organisations, strict=True)
        )
        assessments = Assessment.objects.bulk_create(
            Assessment(
                organisation=organisation,
                edition=edition,
                title=f"Annual review {2021 + year}",
                created_by=user,
                created_at=now - timedelta(days=365 * (5 - year) + organisation.pk % 300),
                status=Assessment.Status.COMPLETED if year < 4 else Assessment.Status.IN_PROGRESS,
                completed_at=(
                    now - timedelta(days=365 * (5 - year) - 30 + organisation.pk % 300)
                    if year < 4
                    else None
                ),
                completed_by=user if year < 4 else None,
            )
            for user, organisation in zip(users, organisations, strict=True)
            for year in range(5)
        )
        first, last = assessments[0].pk, assessments[-1].pk
        with connection.cursor() as cursor:
            params = {"first": first, "last": last, "edition": edition.pk}
            for statement in _ROWS_SQL:
                cursor.execute(statement, params)


# Every row an assessment has once started (see walkthrough.services.start_assessment), for the
# assessments with ids first..last, with ratings and notes on the completed ones.
_ROWS_SQL = [
    """INSERT INTO assessments_assessment_domains (assessment_id, domain_id)
       SELECT a.id, d.id FROM assessments_assessment a, framework_domain d
       WHERE a.id BETWEEN %(first)s AND %(last)s AND d.edition_id = %(edition)s""",
    """INSERT INTO assessments_section (assessment_id, key, status, version, needs_review)
       SELECT a.id, k.key, CASE WHEN a.status = 'completed' THEN 'completed' ELSE 'not-started'
       END, 0, false FROM assessments_assessment a,
       (SELECT 'people' AS key UNION ALL SELECT 'checklist'
        UNION ALL SELECT 'domain-' || key FROM framework_domain WHERE edition_id = %(edition)s) k
       WHERE a.id BETWEEN %(first)s AND %(last)s""",
    """INSERT INTO assessments_factoranswer (assessment_id, factor_id, relevant, note)
       SELECT a.id, f.id, CASE WHEN a.status = 'completed' THEN f.id %% 2 = 0 END, ''
       FROM assessments_assessment a, framework_factor f
       WHERE a.id BETWEEN %(first)s AND %(last)s AND f.edition_id = %(edition)s""",
    """INSERT INTO assessments_questionanswer (assessment_id, question_id, rating,
         current_practice, next_steps, action_owner, target_date, previous_question_text)
       SELECT a.id, q.id, CASE WHEN a.status = 'completed' THEN 1 + (a.id + q.id) %% 3 END,
         CASE WHEN a.status = 'completed' THEN 'Posters in every room and a termly assembly.'
         ELSE '' END,
         CASE WHEN a.status = 'completed' THEN 'Add the helpline to the app.' ELSE '' END,
         '', NULL, ''
       FROM assessments_assessment a, framework_question q JOIN framework_domain d
         ON q.domain_id = d.id
       WHERE a.id BETWEEN %(first)s AND %(last)s AND d.edition_id = %(edition)s""",
    """INSERT INTO assessments_checklistanswer (assessment_id, statement_id, rating, comment)
       SELECT a.id, s.id, CASE WHEN a.status = 'completed' THEN 1 + (a.id + s.id) %% 3 END, ''
       FROM assessments_assessment a, framework_checkliststatement s
       WHERE a.id BETWEEN %(first)s AND %(last)s AND s.edition_id = %(edition)s""",
    """INSERT INTO assessments_activity (assessment_id, kind, user_id, at, section_key,
         section_version, item, item_key, field, field_name, old_value, new_value)
       SELECT a.id, 'created', a.created_by_id, a.created_at, '', 0, '', '', '', '', '', ''
       FROM assessments_assessment a WHERE a.id BETWEEN %(first)s AND %(last)s""",
]


def add_group(count: int) -> str:
    """A trust owned by the demo owner that the first `count` generated organisations share with
    (every other one its full report); returns its slug."""
    from django.contrib.auth import get_user_model

    from assessments.models import Group, GroupLink, GroupMembership, GroupRole, Organisation

    group = Group.objects.create(name="Bench Trust", slug="bench-trust", kind=Group.Kind.TRUST)
    GroupMembership.objects.create(
        group=group,
        user=get_user_model().objects.get(email="demo@example.com"),
        role=GroupRole.OWNER,
    )
    organisations = Organisation.objects.filter(slug__startswith="org-").order_by("pk")[:count]
    GroupLink.objects.bulk_create(
        GroupLink(group=group, organisation=organisation, sharing=("full", "summary")[n % 2])
        for n, organisation in enumerate(organisations)
    )
    return group.slug


# --- Timing -------------------------------------------------------------------------------


def pages() -> dict[str, str]:
    """The pages to time: the demo organisation's, and the admin's lists and searches."""
    from django.urls import reverse

    from assessments.models import Organisation

    demo = Organisation.objects.get(slug="demo")
    done = list(demo.assessments.completed().order_by("completed_at"))
    latest = demo.assessments.order_by("-created_at").first()
    domain = latest.domains.order_by("position").first()
    args = ["demo", done[-1].pk]
    return {
        "dashboard": reverse("assessments:dashboard", args=["demo"]),
        "task list": reverse("assessments:detail", args=["demo", latest.pk]),
        "section page": reverse("assessments:domain_section", args=["demo", latest.pk, domain.key]),
        "report": reverse("assessments:report", args=args),
        "compare": reverse("assessments:compare", args=["demo"])
        + f"?a={done[0].pk}&b={done[-1].pk}",
        "admin organisations": reverse("admin:assessments_organisation_changelist"),
        "admin organisations search": reverse("admin:assessments_organisation_changelist")
        + "?q=Riverside Community",
        # Matches one organisation in the small set and 1,430 in the large one, so the large
        # page shows a full page of rows: its ratio measures rendering a page of rows, not one.
        BROAD: reverse("admin:assessments_organisation_changelist") + "?q=Riverside",
        "admin organisations search by member": reverse("admin:assessments_organisation_changelist")
        + "?q=demo@example.com",
        "admin assessments": reverse("admin:assessments_assessment_changelist"),
        "admin assessments search": reverse("admin:assessments_assessment_changelist")
        + "?q=Spring term check-in",
        "admin assessments search by organisation": reverse(
            "admin:assessments_assessment_changelist"
        )
        + "?q=Riverside Community",
    }


def use(name: str) -> None:
    """Point the app's database connection ("default") at the database `name`, so the same code,
    unchanged, reads the small set and then the large one, request by request."""
    from django.db import connections

    connections["default"] = _wrappers[name]


_wrappers: dict = {}


def time_pages(clients: dict, urls: dict, runs: int) -> dict[str, dict[str, float]]:
    """Median milliseconds per page and database over `runs` rounds (after two unmeasured).
    Each round requests the page from both databases, in alternating order, so that other work
    on the machine slows both sides alike and the ratio stays meaningful."""
    medians: dict[str, dict[str, float]] = {alias: {} for alias in clients}
    for name in urls[next(iter(clients))]:
        times: dict[str, list[float]] = {alias: [] for alias in clients}
        for i in range(runs + 2):
            order = list(clients) if i % 2 else list(reversed(clients))
            for alias in order:
                use(alias)
                url = urls[alias][name]
                started = time.perf_counter()
                response = clients[alias].get(url)
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    sys.exit(f"{name}: {url} answered {response.status_code} on {alias}")
                if i >= 2:
                    times[alias].append(elapsed * 1000)
        for alias in clients:
            medians[alias][name] = statistics.median(times[alias])
    return medians


def analyse() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed requests per page and size")
    parser.add_argument("--orgs", type=int, default=10_000, help="organisations in the large set")
    parser.add_argument("--port", type=int, default=54361, help="PostgreSQL port on 127.0.0.1")
    parser.add_argument(
        "--group", type=int, default=500, help="organisations in the large set's group"
    )
    args = parser.parse_args()

    # The throwaway cluster the benchmarks share (bench/_harness.py), removed at exit.
    import _harness

    postgres = _harness.Postgres(args.port)
    run(postgres.url, _harness.workdir("drf-scale-"), args)


def run(url: str, workdir: Path, args: argparse.Namespace) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DATABASE_CONN_MAX_AGE"] = "600"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drf_site.settings")
    sys.path.insert(0, str(ROOT))

    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("CREATE DATABASE small")
        connection.execute("CREATE DATABASE large")

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connections
    from django.db.utils import load_backend
    from django.test import Client
    from django.urls import reverse

    from assessments.models import Organisation

    # Django keeps every query in memory with DEBUG on; the timings should not include that.
    settings.DEBUG = False
    quiet = open(os.devnull, "w")  # noqa: SIM115
    clients, urls = {}, {}
    for name, count in (("small", SMALL), ("large", args.orgs)):
        settings_dict = {**connections.settings["default"], "NAME": name}
        _wrappers[name] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(
            settings_dict, "default"
        )
        use(name)
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("seed_demo", stdout=quiet)
        for batch_start in range(1, count, 2000):
            add_organisations(min(2000, count - batch_start), start=batch_start)
        group = add_group(min(count, SMALL if name == "small" else args.group))
        owner = get_user_model().objects.get(email="demo@example.com")
        owner.is_staff = owner.is_superuser = True
        owner.save()
        analyse()
        clients[name] = Client()
        clients[name].force_login(owner)
        urls[name] = pages() | {
            "group dashboard": reverse("assessments:group_dashboard", args=[group]),
            "group CSV": reverse("assessments:group_csv", args=[group]),
        }
        print(
            f"{name}: {Organisation.objects.count()} organisations, "
            f"made in {time.perf_counter() - started:.0f} s"
        )

    from assessments.admin import OrganisationAdmin

    medians = time_pages(clients, urls, args.runs)
    small, large = medians["small"], medians["large"]
    width = max(len(name) for name in small)
    print(f"\n{'page':<{width}}  {SMALL:>8} orgs  {args.orgs:>8} orgs  ratio")
    failed = []
    for name in small:
        ratio = large[name] / small[name]
        flag = "" if ratio <= LIMIT else f"  > {LIMIT}"
        if name in GROUP_PAGES:
            group_size = min(args.orgs, args.group)
            print(
                f"{name:<{width}}  {small[name]:>8.1f} ms  {large[name]:>8.1f} ms  {ratio:5.2f}"
                f"  (for information: {SMALL} against {group_size} organisations in the group;"
                f" {large[name] / large['dashboard']:.1f}× the organisation dashboard)"
            )
            continue
        if name == BROAD:
            print(
                f"{name:<{width}}  {small[name]:>8.1f} ms  {large[name]:>8.1f} ms  {ratio:5.2f}"
                f"  (for information: 1 row against {OrganisationAdmin.list_per_page})"
            )
            continue
        print(
            f"{name:<{width}}  {small[name]:>8.1f} ms  {large[name]:>8.1f} ms  {ratio:5.2f}{flag}"
        )
        if ratio > LIMIT:
            failed.append(name)
    if failed:
        sys.exit(f"\n{len(failed)} page(s) slower than {LIMIT}× at scale: {', '.join(failed)}")
    print(f"\nEvery page within {LIMIT}× at {args.orgs} organisations.")


if __name__ == "__main__":
    main()
