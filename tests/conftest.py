import pytest


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
def _fast_password_hashing(settings):
    """Tests create many users; the production hasher takes most of a second per password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
