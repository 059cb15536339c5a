"""The storage settings check: with STORAGE_BACKEND=s3, `manage.py check` names every missing
variable; the default file system store needs none."""

import os

import pytest
from django.core.files.storage import FileSystemStorage, storages

from drf_site import checks
from tests.drf_site.processes import run_python

S3 = "storages.backends.s3.S3Storage"
COMPLETE = {
    "bucket_name": "reports",
    "endpoint_url": "http://127.0.0.1:9000",
    "region_name": None,
    "access_key": "key-id",
    "secret_key": "secret",
}


def ids(settings, **options) -> list[str]:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": S3, "OPTIONS": {**COMPLETE, **options}},
    }
    return [message.id for message in checks.check_s3_storage()]


def test_the_default_store_is_the_file_system_and_needs_no_settings():
    assert isinstance(storages["default"], FileSystemStorage)
    assert checks.check_s3_storage() == []


def test_a_complete_s3_configuration_passes(settings):
    assert ids(settings) == []


def test_an_amazon_region_instead_of_an_endpoint_passes(settings):
    assert ids(settings, endpoint_url=None, region_name="eu-west-2") == []


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"bucket_name": ""}, ["drf_site.E001"]),
        ({"secret_key": ""}, ["drf_site.E002"]),
        ({"access_key": "", "secret_key": ""}, ["drf_site.W001"]),
        ({"endpoint_url": None}, ["drf_site.E003"]),
    ],
)
def test_a_missing_s3_setting_is_named(settings, options, expected):
    assert ids(settings, **options) == expected


def test_manage_py_check_stops_on_s3_without_a_bucket_and_names_the_variables():
    env = {
        **os.environ,
        "STORAGE_BACKEND": "s3",
        "AWS_STORAGE_BUCKET_NAME": "",
        "AWS_S3_ENDPOINT_URL": "",
        "AWS_S3_REGION_NAME": "",
    }
    env.pop("DATABASE_URL", None)

    result = run_python("manage.py", "check", env=env, timeout=60)

    assert result.returncode != 0
    assert "drf_site.E001" in result.stderr
    assert "AWS_STORAGE_BUCKET_NAME" in result.stderr
    assert "AWS_S3_ENDPOINT_URL" in result.stderr


def test_an_unknown_storage_backend_stops_start_up():
    env = {**os.environ, "STORAGE_BACKEND": "ftp"}

    result = run_python("manage.py", "check", env=env, timeout=60)

    assert result.returncode != 0
    assert "STORAGE_BACKEND='ftp' is not known" in result.stderr
