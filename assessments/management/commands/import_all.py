"""Restore a backup written by export_all into this database."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessments.exports import backup


class Command(BaseCommand):
    help = (
        "Load a backup written by `export_all DIR` into this database (migrated to the same "
        "release). Every row is checked first; all is written in one transaction, or nothing. "
        "The database must hold no accounts, organisations or editions yet, unless --flush."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="The directory export_all wrote.")
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Delete every account, organisation, assessment and edition here first.",
        )

    def handle(self, *args, directory: str, flush: bool, **options):
        try:
            counts = backup.import_backup(directory=Path(directory), flush=flush)
        except ValidationError as error:
            problems = "\n".join(f"  - {message}" for message in error.messages)
            raise CommandError(
                f"Could not load the backup {directory}; nothing was written.\n{problems}"
            ) from error
        total = sum(counts.values())
        self.stdout.write(self.style.SUCCESS(f"Loaded {total:,} rows from {directory}."))
