"""Seed the load benchmark's users, fast, straight through the ORM (not the web).

    DATABASE_URL=... .venv/bin/python bench/seed_load.py --users 50 --output users.json
    DATABASE_URL=... .venv/bin/python bench/seed_load.py --answers 12,14,16


Each user gets an organisation of their own (as its owner) and two assessments of all four
domains, started through the walk-through's service so they are exactly what the site makes: one
to fill in, complete and report on (`assessment`), one left empty to measure the section page
(`spare`). The password is hashed once and shared: hashing it per user would take seconds each.
Writes the users as JSON: email, password, organisation slug, assessment ids.
Run after `migrate` and `load_framework`; refuses a database that already has bench users.

`--answers` reads back what the database holds for the given assessments, as JSON keyed like the
section forms' fields (`q12-rating`, `f3-note`, `s5-comment`, ...), with only the answers given:
the load benchmark compares it with what its users saved.
"""

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-4711"
EMAIL = "bench{:04d}@example.com"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--answers", help="comma-separated assessment ids to read back")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drf_site.settings")
    import django

    django.setup()
    if args.answers:
        print(json.dumps(read_answers([int(pk) for pk in args.answers.split(",")])))
        return
    if args.output is None:
        parser.error("--output is required to seed")
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from assessments.models import Membership, Organisation, Profile, Role
    from assessments.walkthrough import services
    from framework.models import Edition

    User = get_user_model()
    if User.objects.filter(username__startswith="bench").exists():
        raise SystemExit("This database already has bench users; use a fresh one.")
    edition = Edition.objects.current()
    if edition is None:
        raise SystemExit("No current edition: run load_framework first.")
    domains = list(edition.domains.all())
    hashed = make_password(PASSWORD)
    seeded = []
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(username=EMAIL.format(n), email=EMAIL.format(n), password=hashed)
            for n in range(args.users)
        )
        Profile.objects.bulk_create(
            Profile(user=user, full_name=f"Bench user {n}") for n, user in enumerate(users)
        )
        organisations = Organisation.objects.bulk_create(
            Organisation(name=f"Bench org {n}", slug=f"bench-{n:04d}", kind="school")
            for n in range(args.users)
        )
        Membership.objects.bulk_create(
            Membership(user=user, organisation=organisation, role=Role.OWNER)
            for user, organisation in zip(users, organisations, strict=True)
        )
        for user, organisation in zip(users, organisations, strict=True):
            assessment, spare = (
                services.start_assessment(
                    organisation=organisation, user=user, title=title, domains=domains
                )
                for title in ("Load review", "Spare review")
            )
            seeded.append(
                {
                    "email": user.email,
                    "password": PASSWORD,
                    "org": organisation.slug,
                    "assessment": assessment.pk,
                    "spare": spare.pk,
                }
            )
    args.output.write_text(json.dumps(seeded, indent=1))
    print(f"Seeded {len(seeded)} users, organisations and {2 * len(seeded)} assessments.")


def read_answers(assessment_ids: list[int]) -> dict[str, dict[str, object]]:
    """{assessment id: {form field name: value}} for every answer given (not empty)."""
    from assessments.models import Assessment, ChecklistAnswer, FactorAnswer, QuestionAnswer

    fields = {
        (FactorAnswer, "f", "factor_id"): ["relevant", "note"],
        (QuestionAnswer, "q", "question_id"): [
            "rating",
            "current_practice",
            "next_steps",
            "action_owner",
            "target_date",
        ],
        (ChecklistAnswer, "s", "statement_id"): ["rating", "comment"],
    }
    found: dict[str, dict[str, object]] = {str(pk): {} for pk in assessment_ids}
    for (model, prefix, key), names in fields.items():
        rows = model.objects.filter(assessment_id__in=assessment_ids).values(
            "assessment_id", key, *names
        )
        for row in rows:
            answers = found[str(row["assessment_id"])]
            for name in names:
                value = row[name]
                if value in (None, ""):
                    continue
                if isinstance(value, bool):
                    value = "yes" if value else "no"
                answers[f"{prefix}{row[key]}-{name}"] = str(value)
    for pk, groups in Assessment.objects.filter(pk__in=assessment_ids).values_list(
        "pk", "age_groups"
    ):
        if groups:
            found[str(pk)]["age_groups"] = ",".join(groups)
    return found


if __name__ == "__main__":
    main()
