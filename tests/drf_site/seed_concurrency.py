"""Set-up for test_sqlite_concurrency, run in a subprocess against its own database (not
collected by pytest): migrate, load the framework, then one user per organisation, each with an
assessment of every domain. One process rather than three: Django starts once.

    DATABASE_URL=sqlite:///... python tests/drf_site/seed_concurrency.py COUNT

Prints, as JSON, each user's email, organisation slug and assessment id.
"""

import io
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "concurrency-password-4711"


def main(count: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drf_site.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from assessments.organisations.services import create_account, create_organisation
    from assessments.walkthrough.services import start_assessment
    from framework.models import Edition

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_framework", stdout=io.StringIO())
    edition = Edition.objects.current()
    # Hashed once with the production hasher (most of a second each) and shared; the accounts
    # are created with a fast one, then given that hash.
    hashed = make_password(PASSWORD)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    users = []
    for number in range(count):
        email = f"saver{number:02d}@example.com"
        user = create_account(email=email, password=PASSWORD, full_name=f"Saver {number}")
        User.objects.filter(pk=user.pk).update(password=hashed)
        organisation = create_organisation(user=user, name=f"Saver organisation {number}")
        assessment = start_assessment(
            organisation=organisation,
            user=user,
            title="Concurrent review",
            domains=list(edition.domains.all()),
        )
        users.append({"email": email, "org": organisation.slug, "pk": assessment.pk})
    print(json.dumps({"password": PASSWORD, "users": users}))


if __name__ == "__main__":
    main(int(sys.argv[1]))
