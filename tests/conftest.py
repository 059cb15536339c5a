import copy
from typing import Any

import pytest

from framework import cache
from framework.models import Edition
from framework.services import load_edition, read_data_file


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings):
    """Resolve {% static %} without the manifest that only `collectstatic` writes.

    With DEBUG off (as under pytest) settings pick WhiteNoise's manifest storage, which fails on
    any page that links a stylesheet until collectstatic has run.
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pytest_configure(config: pytest.Config) -> None:
    # WhiteNoise warns that STATIC_ROOT is missing; tests serve static files from the finders.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Stored PDFs go to the test's own directory: never the project's, nor another test's
    (xdist workers share the disk, and each worker's database numbers assessments from 1)."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _tasks_run_inline(settings):
    """Tasks run inline, in the test's own transaction: no worker process is needed. Django
    drops its cached task backends when TASKS changes (django.tasks.signals), so this holds even
    where a backend was used before. The worker tests start a real `db_worker` instead."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _framework_cache_cleared():
    """Each test reads released editions afresh: a rolled-back test may have released another
    edition under the same id (framework/cache.py keys by id and publication time)."""
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; the production hasher takes most of a second per password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def framework_file() -> dict[str, Any]:
    """The UKCIS framework data file, read once per session. Tests that change the data take
    `framework_data`, a copy of their own."""
    return read_data_file()


@pytest.fixture
def framework_data(framework_file) -> dict[str, Any]:
    """The UKCIS framework data file, as `load_framework` reads it: this test's own copy."""
    return copy.deepcopy(framework_file)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, framework_file) -> None:
    """The test database, with the real framework loaded once for the whole session.

    Under pytest-xdist each worker has a database of its own, and loads it once. A test's own
    changes to the framework are rolled back with its transaction; browser tests flush every
    table instead, and tests/e2e/conftest.py loads the framework again after them.
    """
    with django_db_blocker.unblock():
        load_edition(data=framework_file)


@pytest.fixture
def edition(db, framework_file) -> Edition:
    """The real UKCIS framework, published: the edition the session loaded, or, where a browser
    test has flushed the database since, loaded again (`load_edition` fetches an edition it
    already has)."""
    edition, _ = load_edition(data=framework_file)
    return edition
