"""Read an assessment exported as JSON into a new assessment of an organisation."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessments.exports import json_import
from assessments.models import Organisation


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
        try:
            with open(file, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
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
