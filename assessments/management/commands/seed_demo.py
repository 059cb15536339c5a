"""Create a demo organisation with two annual reviews a year apart and a half-finished check-in,
what became of its actions, and a trust of schools that oversees it.

The content lives in assessments/data/demo.yaml (the organisation) and demo_trust.yaml (the
Demo Learning Trust, its members and its schools). Idempotent: organisations and groups are
found by their slugs, people by their email addresses and each assessment by its title, so
running the command again changes nothing, and an installation seeded before something was
added to the files (an assessment, the trust) gets just that on the next run.
"""

from datetime import date, datetime, time
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from assessments.actions import services as action_services
from assessments.models import (
    Action,
    ActionUpdate,
    Activity,
    Assessment,
    Group,
    GroupLink,
    GroupMembership,
    Membership,
    Organisation,
    Profile,
    Rating,
    Section,
    a_year_after,
)
from assessments.organisations import services as organisation_services
from assessments.reviews import services as review_services
from assessments.walkthrough import services
from assessments.walkthrough.specs import domain_key
from framework.models import Edition
from framework.services import load_edition, read_data_file

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "demo.yaml"
TRUST_FILE = DATA_FILE.with_name("demo_trust.yaml")
DEMO_SLUG = "demo"
TRUST_SLUG = "demo-trust"
TRUST_VIEWER_EMAIL = "trust@example.com"
# The demo logins, printed by `make run`. Users get this known password only with DEBUG on or
# --allow-known-password; otherwise they exist (the history names them) but cannot log in.
DEMO_OWNER_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-password"

RATINGS = {choice.label.lower(): choice.value for choice in Rating}


# Completing and the sign-off recorded with it happen at the backdated completion time (the
# sign-off on the day the board approved it, if that was later).
FINISHING = [Activity.Kind.COMPLETED, Activity.Kind.SIGNED_OFF]


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


class Command(BaseCommand):
    help = (
        "Create the demo organisation (slug 'demo') with its members, three assessments and "
        "their actions, and the Demo Learning Trust (slug 'demo-trust') with its schools. "
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
        known_password = settings.DEBUG or allow_known_password
        edition, _ = load_edition(data=read_data_file())
        with transaction.atomic():
            done = self.seed(edition=edition, known_password=known_password)
        for line in done:
            self.stdout.write(self.style.SUCCESS(line))
        if not done:
            self.stdout.write("The demo data is already loaded; nothing changed.")

        site = settings.SITE_URL.rstrip("/")
        url = site + reverse("assessments:dashboard", args=[DEMO_SLUG])
        try:
            group_url = site + reverse("assessments:group_dashboard", args=[TRUST_SLUG])
        except NoReverseMatch:
            # The group pages are not wired up in this checkout: the path they will have.
            group_url = f"{site}/groups/{TRUST_SLUG}/"
        if known_password:
            self.stdout.write(
                f"  Demo organisation: {url} — log in as {DEMO_OWNER_EMAIL} / {DEMO_PASSWORD}"
            )
            self.stdout.write(
                f"  Demo Learning Trust: {group_url} — log in as {TRUST_VIEWER_EMAIL} / "
                f"{DEMO_PASSWORD}"
            )
        else:
            self.stdout.write(f"  Demo organisation: {url}")
            self.stdout.write(f"  Demo Learning Trust: {group_url}")
            self.stderr.write(
                self.style.WARNING(
                    "DEBUG is off, so the demo users have no known password and cannot log in. "
                    "Run with --allow-known-password to give them one."
                )
            )

    def seed(self, *, edition: Edition, known_password: bool) -> list[str]:
        """Add whatever of the data files is missing; returns what was done, in words."""
        data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
        users = {
            role: self.demo_user(details, known_password=known_password)
            for role, details in data["users"].items()
        }
        organisation = self.demo_organisation(data["organisation"], users)
        done = []
        created = self.seed_assessments(
            data["assessments"], organisation=organisation, edition=edition, users=users
        )
        if created:
            titles = ", ".join(f"“{assessment}”" for assessment in created)
            done.append(f"Created the demo assessments {titles}.")
        followed = self.follow_up_actions(
            data["action_updates"], organisation=organisation, users=users
        )
        if followed:
            done.append(f"Recorded what became of {followed} of the demo organisation's actions.")
        trust = yaml.safe_load(TRUST_FILE.read_text(encoding="utf-8"))
        return done + self.demo_group(
            trust, edition=edition, known_password=known_password, demo=(organisation, users)
        )

    @cached_property
    def known_password_hash(self) -> str:
        """The demo password, hashed once: hashing takes most of a second, and the seed makes
        a dozen accounts (the password is public, so sharing one salt hides nothing)."""
        return make_password(DEMO_PASSWORD)

    def demo_user(self, details: dict[str, str], *, known_password: bool) -> AbstractBaseUser:
        user = get_user_model().objects.filter(username=details["email"]).first()
        if user is None:
            user = organisation_services.create_account(
                email=details["email"],
                password=None,
                full_name=details["full_name"],
                job_title=details["job_title"],
            )
        elif not Profile.objects.filter(user=user).exists():
            # Seeded before people had names.
            organisation_services.update_profile(
                user=user, full_name=details["full_name"], job_title=details["job_title"]
            )
        if known_password and not user.has_usable_password():
            # New, or created earlier with DEBUG off; never overwrite a password someone chose.
            user.password = self.known_password_hash
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

    def follow_up_actions(
        self,
        updates: dict[str, dict[str, list[dict[str, Any]]]],
        *,
        organisation: Organisation,
        users: dict[str, AbstractBaseUser],
    ) -> int:
        """Give the organisation's actions the history in the file (by assessment title, then
        question key), through the actions' own service, then backdate it; returns how many
        actions got one. Only actions nobody has updated: a second run, or someone trying the
        demo, never has their updates replayed or overwritten.

        First, actions made before their owners were matched to members (by migration 0010,
        from an earlier seed) are kept in step with their answers, as completing does now."""
        if not updates:
            return 0
        for assessment in organisation.assessments.completed():
            action_services.create_actions(assessment=assessment)
        actions = (
            Action.objects.filter(
                organisation=organisation,
                assessment__title__in=updates,
                updates__isnull=True,
            )
            .select_related("assessment", "answer__question", "owner")
            .order_by("pk")
        )
        followed = 0
        for action in actions:
            history = updates[action.assessment.title].get(action.answer.question.key)
            if not history:
                continue
            for entry in history:
                update = action_services.update_action(
                    action=action,
                    user=users[entry["by"]],
                    version=action.version,
                    status=entry["status"],
                    note=entry.get("note", ""),
                    owner=action.owner,
                    owner_name=action.owner_name,
                    target_date=entry.get("target_date", action.target_date),
                    dropped_reason=entry.get("dropped_reason", ""),
                )
                if update is None:
                    continue
                at = _at(entry["date"], 14)
                ActionUpdate.objects.filter(pk=update.pk).update(at=at)
                Action.objects.filter(pk=action.pk).update(updated_at=at)
                action = update.action
            followed += 1
        return followed

    def demo_group(
        self,
        details: dict[str, Any],
        *,
        edition: Edition,
        known_password: bool,
        demo: tuple[Organisation, dict[str, AbstractBaseUser]],
    ) -> list[str]:
        """The Demo Learning Trust: the group, its members, and the organisations it oversees
        (the demo organisation and schools, each with its owner, assessments and actions).

        Returns what was done, in words. An organisation is linked when it or the group is new,
        so one that stopped sharing with the trust (trying out withdrawing) stays out on the
        next run. The group's rows are written directly: inviting and accepting need a person at
        each end."""
        group, created = Group.objects.get_or_create(
            slug=details["group"]["slug"], defaults=details["group"]
        )
        for member in details["members"]:
            if "full_name" in member:
                user = self.demo_user(member, known_password=known_password)
            else:
                user = get_user_model().objects.get(username=member["email"])
            GroupMembership.objects.get_or_create(
                group=group, user=user, defaults={"role": member["role"]}
            )
        assessments, followed = [], 0
        for entry in details["organisations"]:
            if "organisation" in entry:
                new = not Organisation.objects.filter(slug=entry["organisation"]["slug"]).exists()
                users = {"owner": self.demo_user(entry["owner"], known_password=known_password)}
                organisation = self.demo_organisation(entry["organisation"], users)
            else:
                new = False
                organisation, users = demo
            assessments += self.seed_assessments(
                entry.get("assessments", []),
                organisation=organisation,
                edition=edition,
                users=users,
            )
            followed += self.follow_up_actions(
                entry.get("action_updates", {}), organisation=organisation, users=users
            )
            if created or new:
                joined_at = _at(entry["joined_on"], 10)
                GroupLink.objects.get_or_create(
                    group=group,
                    organisation=organisation,
                    defaults={
                        "sharing": entry["sharing"],
                        "joined_at": joined_at,
                        "updated_at": joined_at,
                        "updated_by": users["owner"],
                    },
                )
        done = []
        if created:
            done.append(f"Created the group “{group}” with {group.links.count()} organisations.")
        if assessments:
            titles = ", ".join(f"{item.organisation}: “{item}”" for item in assessments)
            done.append(f"Created the trust's assessments {titles}.")
        if followed:
            done.append(f"Recorded what became of {followed} of the schools' actions.")
        return done

    def seed_assessments(
        self,
        specs: list[dict[str, Any]],
        *,
        organisation: Organisation,
        edition: Edition,
        users: dict[str, AbstractBaseUser],
    ) -> list[Assessment]:
        """Seed each assessment of the file the organisation does not have (by title)."""
        return [
            self.seed_assessment(spec, organisation=organisation, edition=edition, users=users)
            for spec in specs
            if not organisation.assessments.filter(title=spec["title"]).exists()
        ]

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
        if "interim_reason" in spec:
            # As the reviews page starts one: from the latest completed assessment.
            assessment = review_services.start_interim_review(
                organisation=organisation,
                user=users[spec["created_by"]],
                reason=spec["interim_reason"],
                details=spec["interim_details"],
                title=spec["title"],
            )
        else:
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
        if completed_at and assessment.approved_on:
            # The board approved it after it was completed: the owner recorded the sign-off on
            # the day of the approval, not before it.
            recorded = max(completed_at, _at(assessment.approved_on, 17))
            assessment.activity.filter(kind=Activity.Kind.SIGNED_OFF).update(at=recorded)
        if completed_at:
            # Completing made its next steps actions.
            assessment.actions.update(created_at=completed_at)
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
