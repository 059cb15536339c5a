"""Create a demo organisation with two annual reviews a year apart and a half-finished check-in.

The content lives in assessments/data/demo.yaml. Idempotent: the organisation is found by its slug
and each assessment by its title, so running the command again changes nothing, and an
installation seeded before an assessment was added to the file gets just that one on the next run.
"""

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from assessments.models import (
    Activity,
    Assessment,
    Membership,
    Organisation,
    Profile,
    Rating,
    Section,
    a_year_after,
)
from assessments.organisations import services as organisation_services
from assessments.walkthrough import services
from assessments.walkthrough.specs import domain_key
from framework.models import Edition
from framework.services import load_edition, read_data_file

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "demo.yaml"
DEMO_SLUG = "demo"
# The demo logins, printed by `make run`. Users get this known password only with DEBUG on or
# --allow-known-password; otherwise they exist (the history names them) but cannot log in.
DEMO_OWNER_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-password"

RATINGS = {choice.label.lower(): choice.value for choice in Rating}


# Completing and the sign-off recorded with it happen at the backdated completion time.
FINISHING = [Activity.Kind.COMPLETED, Activity.Kind.SIGNED_OFF]


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


class Command(BaseCommand):
    help = (
        "Create the demo organisation (slug 'demo') with its members and three assessments. "
        "Idempotent. Demo users get a known password only with DEBUG on or "
        "--allow-known-password."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-known-password",
            action="store_true",
            help=f"Give the demo users the password '{DEMO_PASSWORD}' even with DEBUG off.",
        )

    def handle(self, *args, allow_known_password: bool = False, **options):
        data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
        known_password = settings.DEBUG or allow_known_password
        edition, _ = load_edition(data=read_data_file())
        with transaction.atomic():
            users = {
                role: self.demo_user(details, known_password=known_password)
                for role, details in data["users"].items()
            }
            organisation = self.demo_organisation(data["organisation"], users)
            created = [
                self.seed_assessment(spec, organisation=organisation, edition=edition, users=users)
                for spec in data["assessments"]
                if not organisation.assessments.filter(title=spec["title"]).exists()
            ]
        if created:
            titles = ", ".join(f"“{assessment}”" for assessment in created)
            self.stdout.write(self.style.SUCCESS(f"Created the demo assessments {titles}."))
        else:
            self.stdout.write("The demo data is already loaded; nothing changed.")

        url = settings.SITE_URL.rstrip("/") + reverse("assessments:dashboard", args=[DEMO_SLUG])
        if known_password:
            self.stdout.write(
                f"  Demo organisation: {url} — log in as {DEMO_OWNER_EMAIL} / {DEMO_PASSWORD}"
            )
        else:
            self.stdout.write(f"  Demo organisation: {url}")
            self.stderr.write(
                self.style.WARNING(
                    "DEBUG is off, so the demo users have no known password and cannot log in. "
                    "Run with --allow-known-password to give them one."
                )
            )

    def demo_user(self, details: dict[str, str], *, known_password: bool) -> AbstractBaseUser:
        user = get_user_model().objects.filter(username=details["email"]).first()
        if user is None:
            return organisation_services.create_account(
                email=details["email"],
                password=DEMO_PASSWORD if known_password else None,
                full_name=details["full_name"],
                job_title=details["job_title"],
            )
        if not Profile.objects.filter(user=user).exists():
            # Seeded before people had names.
            organisation_services.update_profile(
                user=user, full_name=details["full_name"], job_title=details["job_title"]
            )
        if known_password and not user.has_usable_password():
            # Created earlier with DEBUG off; never overwrite a password someone has chosen.
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user

    def demo_organisation(
        self, details: dict[str, Any], users: dict[str, AbstractBaseUser]
    ) -> Organisation:
        organisation = Organisation.objects.filter(slug=details["slug"]).first()
        if organisation is None:
            organisation = Organisation.objects.create(**details)
        for role, user in users.items():
            Membership.objects.get_or_create(
                user=user, organisation=organisation, defaults={"role": role}
            )
        return organisation

    def seed_assessment(
        self,
        spec: dict[str, Any],
        *,
        organisation: Organisation,
        edition: Edition,
        users: dict[str, AbstractBaseUser],
    ) -> Assessment:
        """Answer an assessment section by section through the services, then backdate it.

        With `based_on`, it starts from that earlier assessment's answers, as a reassessment does;
        the file lists assessments oldest first so the earlier one exists by then.
        """
        based_on = None
        if "based_on" in spec:
            based_on = organisation.assessments.filter(title=spec["based_on"]).first()
        assessment = services.start_assessment(
            organisation=organisation,
            user=users[spec["created_by"]],
            title=spec["title"],
            domains=list(edition.domains.filter(key__in=spec["domains"])),
            edition=edition,
            based_on=based_on,
        )
        for section in spec["sections"]:
            self.save_section(assessment, section, user=users[section["by"]])
        if "completed_by" in spec:
            services.complete_assessment(
                assessment=assessment,
                user=users[spec["completed_by"]],
                sign_off=spec.get("sign_off"),
            )

        created_at = _at(spec["created_on"], 9)
        completed_at = _at(spec["completed_on"], 16) if "completed_on" in spec else None
        last_saved = max(_at(section["saved_on"], 11) for section in spec["sections"])
        Assessment.objects.filter(pk=assessment.pk).update(
            created_at=created_at, completed_at=completed_at, updated_at=completed_at or last_saved
        )
        if completed_at and "next_review_on" not in spec.get("sign_off", {}):
            Assessment.objects.filter(pk=assessment.pk).update(
                next_review_on=a_year_after(spec["completed_on"])
            )
        assessment.activity.filter(kind=Activity.Kind.CREATED).update(at=created_at)
        assessment.activity.filter(kind__in=FINISHING).update(at=completed_at)
        return assessment

    def save_section(
        self, assessment: Assessment, section: dict[str, Any], *, user: AbstractBaseUser
    ) -> None:
        key = section["key"]
        changes = []
        if "factors" in section:
            answers = {a.factor.key: a for a in assessment.factor_answers.select_related("factor")}
            for factor_key, values in section["factors"].items():
                answer = answers[factor_key]
                changes.append((answer, values))
        if "questions" in section:
            answers = {
                a.question.key: a
                for a in assessment.question_answers.select_related(
                    "question__domain", "question__stage"
                ).filter(question__domain__key=domain_key(key))
            }
            for question_key, values in section["questions"].items():
                answer = answers[question_key]
                changes.append((answer, self.answer_values(values)))
        if "statements" in section:
            answers = {
                a.statement.key: a for a in assessment.checklist_answers.select_related("statement")
            }
            for statement_key, values in section["statements"].items():
                answer = answers[statement_key]
                changes.append((answer, self.answer_values(values)))

        version = assessment.sections.get(key=key).version
        services.save_section(
            assessment=assessment,
            section_key=key,
            user=user,
            expected_version=version,
            changes=changes,
        )
        # Saving a section confirms the answers copied into it, as on the section page.
        services.confirm_section_review(assessment=assessment, section_key=key, user=user)
        saved_at = _at(section["saved_on"], 11)
        assessment.activity.filter(section_key=key).update(at=saved_at)
        Section.objects.filter(assessment=assessment, key=key).update(updated_at=saved_at)

    @staticmethod
    def answer_values(values: dict[str, Any]) -> dict[str, Any]:
        return {**values, "rating": RATINGS[values["rating"]]} if "rating" in values else values
