from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from framework.services import DEFAULT_DATA_FILE, load_edition, read_data_file


class Command(BaseCommand):
    help = (
        "Load an edition of the Digital Resilience Framework from a data file (default: the "
        "UKCIS framework shipped with the app). Idempotent: an edition already loaded is skipped. "
        "A released edition stays released but does not replace the current edition unless "
        "--make-current is given (or none is current yet)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_DATA_FILE))
        parser.add_argument(
            "--make-current",
            action="store_true",
            help="Publish the loaded edition as the current one; the current one is archived.",
        )

    def handle(self, *args, file: str, make_current: bool, **options):
        try:
            edition, created = load_edition(data=read_data_file(file), make_current=make_current)
        except ValidationError as error:
            problems = "\n".join(f"  - {message}" for message in error.messages)
            raise CommandError(f"Could not load {file}; nothing was loaded.\n{problems}") from error
        except (OSError, KeyError) as error:
            raise CommandError(f"Could not load {file}: {error}") from error
        if created:
            self.stdout.write(self.style.SUCCESS(f"Loaded {edition} from {file}."))
        else:
            self.stdout.write(f"{edition} is already loaded; nothing changed.")
