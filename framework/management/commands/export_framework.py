from django.core.management.base import BaseCommand, CommandError

from framework.models import Edition
from framework.services import dump_data_file, export_edition


class Command(BaseCommand):
    help = (
        "Write an edition of the framework in the data-file format that load_framework reads. "
        "Default: the current published edition, to standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("--edition", help="The edition's key (default: the current edition).")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, edition: str | None, output: str | None, **options):
        if edition:
            chosen = Edition.objects.filter(key=edition).first()
        else:
            chosen = Edition.objects.current()
        if chosen is None:
            raise CommandError(f"No edition {edition or '(current)'} found.")
        text = dump_data_file(export_edition(chosen))
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(f"Wrote {chosen} to {output}.")
        else:
            self.stdout.write(text, ending="")
