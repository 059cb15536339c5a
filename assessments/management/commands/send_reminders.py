"""Email today's reminders of reviews and actions due or overdue. Run once a day (see
docs/deploy/digital-resilience-reminders.timer); running it again sends nothing twice."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from assessments.reviews import services


class Command(BaseCommand):
    help = (
        "Email reminders: a review due in 30 days or overdue (to each organisation's owners "
        "and editors), an action due in 7 days or overdue (to its owner if a member, else to "
        "the owners). One email per person, through the task queue. Idempotent: a reminder "
        "is never sent twice. Members who switched reminders off get none."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print who would get which reminders; send and record nothing.",
        )

    def handle(self, *args, dry_run: bool, verbosity: int, **options):
        digests = services.send_reminders(today=timezone.localdate(), dry_run=dry_run)
        # Addresses go to the output only when asked for: a daily timer's log keeps counts.
        if dry_run or verbosity > 1:
            for digest in digests:
                verb = "Would send" if dry_run else "Sent"
                self.stdout.write(f"{verb} to {digest.user.email}: {digest.subject}")
                for item in digest.items:
                    self.stdout.write(f"  - {item.describe()}")
        reminders = sum(len(digest.items) for digest in digests)
        summary = (
            f"{reminders} reminder{'s' if reminders != 1 else ''} in "
            f"{len(digests)} email{'s' if len(digests) != 1 else ''}"
        )
        if dry_run:
            self.stdout.write(f"Dry run: would send {summary}. Nothing was sent or recorded.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Queued {summary}."))
