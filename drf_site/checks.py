"""System checks of settings read from the environment that Django cannot check itself.

Registered from AssessmentsConfig.ready, so `manage.py check` (and every command that runs the
checks, such as `runserver` and `migrate`) names a missing variable before the first PDF fails
to store.
"""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

S3_BACKEND = "storages.backends.s3.S3Storage"


@register(Tags.compatibility, deploy=False)
def check_s3_storage(app_configs=None, **kwargs) -> list:
    """With STORAGE_BACKEND=s3 the bucket is required, and credentials are expected (boto3 can
    also find them itself, e.g. from an instance role, hence a warning)."""
    default = settings.STORAGES.get("default", {})
    if default.get("BACKEND") != S3_BACKEND:
        return []
    options = default.get("OPTIONS", {})
    problems = []
    if not options.get("bucket_name"):
        problems.append(
            Error(
                "STORAGE_BACKEND=s3 needs the bucket to store PDFs in.",
                hint="Set AWS_STORAGE_BUCKET_NAME (and AWS_S3_ENDPOINT_URL for a store "
                "other than Amazon S3).",
                id="drf_site.E001",
            )
        )
    if bool(options.get("access_key")) != bool(options.get("secret_key")):
        problems.append(
            Error(
                "STORAGE_BACKEND=s3 has only half of its credentials.",
                hint="Set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither (to "
                "let boto3 find credentials itself).",
                id="drf_site.E002",
            )
        )
    elif not options.get("access_key"):
        problems.append(
            Warning(
                "STORAGE_BACKEND=s3 without AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: "
                "boto3 must find credentials itself (an instance role or ~/.aws).",
                hint="Set both variables unless the server has a role.",
                id="drf_site.W001",
            )
        )
    if not options.get("endpoint_url") and not options.get("region_name"):
        problems.append(
            Error(
                "STORAGE_BACKEND=s3 needs to know where the store is.",
                hint="Set AWS_S3_ENDPOINT_URL for an S3-compatible store, or "
                "AWS_S3_REGION_NAME for Amazon S3.",
                id="drf_site.E003",
            )
        )
    return problems
