from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

LOCAL_ADMIN_EMAIL = "admin@example.com"
LOCAL_ADMIN_PASSWORD = "admin"


class Command(BaseCommand):
    help = (
        "Local development only: make sure an admin account exists and print how to log in. "
        "Refuses to run when DEBUG is off, so a production site never gets a known password."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("ensure_local_admin only runs with DEBUG on (local set-up).")
        users = get_user_model().objects
        if not users.filter(username=LOCAL_ADMIN_EMAIL).exists():
            users.create_superuser(
                username=LOCAL_ADMIN_EMAIL, email=LOCAL_ADMIN_EMAIL, password=LOCAL_ADMIN_PASSWORD
            )
            self.stdout.write(self.style.SUCCESS("Created the local admin account."))
        self.stdout.write(
            f"  Admin:  {settings.SITE_URL.rstrip('/')}/admin/  "
            f"log in as {LOCAL_ADMIN_EMAIL} / password {LOCAL_ADMIN_PASSWORD} (local only)"
        )
