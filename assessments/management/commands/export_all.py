"""Back up the whole database: every account, organisation, assessment and edition."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.exports import backup


class Command(BaseCommand):
    help = (
        "Write every user (with password hashes), organisation, membership, invitation, "
        "profile, assessment with its answers and history, and framework edition to DIR, "
        "one JSON Lines file per model and a manifest. `import_all DIR` loads it into another "
        "database. DIR must be empty or missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Directory to write (created if missing).")

    def handle(self, *args, directory: str, **options):
        path = Path(directory)
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise CommandError(f"{path} is not an empty directory; choose a new one.")
        try:
            counts = backup.export_backup(directory=path)
        except OSError as error:
            raise CommandError(f"Could not write the backup to {path}: {error}") from error
        total = sum(counts.values())
        self.stdout.write(self.style.SUCCESS(f"Wrote {total:,} rows to {path}."))
