from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from framework.services import DEFAULT_DATA_FILE, load_edition, read_data_file


class Command(BaseCommand):
    help = (
        "Load an edition of the Digital Resilience Framework from a data file (default: the "
        "UKCIS framework shipped with the app). Idempotent: an edition already loaded is skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_DATA_FILE))

    def handle(self, *args, file: str, **options):
        try:
            edition, created = load_edition(data=read_data_file(file))
        except (OSError, ValidationError, KeyError) as error:
            raise CommandError(f"Could not load {file}: {error}") from error
        if created:
            self.stdout.write(self.style.SUCCESS(f"Loaded {edition} from {file}."))
        else:
            self.stdout.write(f"{edition} is already loaded; nothing changed.")
