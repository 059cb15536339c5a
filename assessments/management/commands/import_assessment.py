"""Read an assessment exported as JSON into a new assessment of an organisation."""

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessments.exports import json_import
from assessments.models import Organisation

# An export of the largest assessment, every answer at its longest, is about 1 MB.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Import an assessment exported as JSON (the assessment's Download → JSON link) into a "
        "new assessment of the organisation --org. The file's edition of the framework must be "
        "loaded here first (load_framework). Nothing is created when the file has a problem."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The exported .json file.")
        parser.add_argument(
            "--org", required=True, help="Slug of the organisation to import the assessment into."
        )

    def handle(self, *args, file: str, org: str, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"There is no organisation with the slug “{org}”.")
        limit = getattr(settings, "ASSESSMENT_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)
        try:
            with open(file, "rb") as handle:
                raw = handle.read(limit + 1)
            if len(raw) > limit:
                raise CommandError(
                    f"Could not import {file}; nothing was created.\n  - The file is larger "
                    f"than {limit:,} bytes: it is not an assessment export. "
                    "(ASSESSMENT_IMPORT_MAX_BYTES sets the limit.)"
                )
            data = json.loads(raw.decode("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
            raise CommandError(f"Could not read {file}: {error}") from error
        try:
            assessment = json_import.import_assessment(data=data, organisation=organisation)
        except ValidationError as error:
            problems = "\n".join(f"  - {message}" for message in error.messages)
            raise CommandError(
                f"Could not import {file}; nothing was created.\n{problems}"
            ) from error

        for email in json_import.unmatched_emails(data):
            self.stdout.write(
                f"Note: no account here has the email address {email}; where the file names "
                "that person (who completed the assessment, who made a change), nobody is named."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported “{assessment}” into {organisation} ({assessment.get_absolute_url()})."
            )
        )
