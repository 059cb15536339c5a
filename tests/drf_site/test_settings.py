"""Settings read from the environment: a value that cannot be understood stops start-up."""

import json
import os

import pytest
from django.core.exceptions import ImproperlyConfigured

from drf_site.settings import envbool, envint
from tests.drf_site.processes import run_python


@pytest.mark.parametrize("value", ["1", "true", "Yes", " on "])
def test_envbool_reads_yes_words_as_true(monkeypatch, value):
    monkeypatch.setenv("SOME_FLAG", value)

    assert envbool("SOME_FLAG", "0") is True


@pytest.mark.parametrize("value", ["0", "false", "NO", "off", ""])
def test_envbool_reads_no_words_as_false(monkeypatch, value):
    monkeypatch.setenv("SOME_FLAG", value)

    assert envbool("SOME_FLAG", "1") is False


def test_envbool_takes_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("SOME_FLAG", raising=False)

    assert envbool("SOME_FLAG", "1") is True


@pytest.mark.parametrize("value", ["ture", "enabled", "2", "y e s"])
def test_envbool_refuses_a_typo_instead_of_reading_it_as_false(monkeypatch, value):
    monkeypatch.setenv("SECURE_COOKIES", value)

    with pytest.raises(ImproperlyConfigured, match=r"SECURE_COOKIES=.* is not a yes/no value"):
        envbool("SECURE_COOKIES", "1")


def test_envint_refuses_a_value_that_is_not_a_number(monkeypatch):
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "sixty")

    with pytest.raises(ImproperlyConfigured, match="DATABASE_CONN_MAX_AGE='sixty' is not a whole"):
        envint("DATABASE_CONN_MAX_AGE", "0")


def test_a_typo_in_a_yes_no_setting_stops_start_up_with_a_clear_message():
    env = {
        **os.environ,
        "SECURE_COOKIES": "ture",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-long-random-secret-key-for-this-test-only-0123456789",
    }

    result = run_python("manage.py", "check", env=env)

    assert result.returncode != 0
    assert "SECURE_COOKIES='ture' is not a yes/no value" in result.stderr


# What the README's "Production deployment" lists as the variables a deployment sets.
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-secret-key-for-this-test-only-0123456789-abcdefghijkl",
    "ALLOWED_HOSTS": "resilience.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://resilience.example.org",
    "SITE_URL": "https://resilience.example.org",
    "DATABASE_URL": "postgres://resilience:secret@db.example.org:5432/resilience",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "smtp.example.org",
    "EMAIL_HOST_USER": "resilience",
    "EMAIL_HOST_PASSWORD": "secret",
    "DEFAULT_FROM_EMAIL": "Digital Resilience <noreply@resilience.example.org>",
}


def environment(**variables: str) -> dict[str, str]:
    """This process's environment without any variable the settings read, plus `variables`."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "EMAIL_", "SECURE_"))
    }
    return env | variables


def settings_with(names: list[str], **variables: str) -> dict:
    """The values of the named settings as drf_site/settings.py works them out from
    `variables`, read in a fresh interpreter."""
    code = (
        "import json; import drf_site.settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}, default=str))"
    )
    result = run_python("-c", code, env=environment(**variables))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_is_clean_with_the_documented_production_variables():
    result = run_python(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", env=environment(**PRODUCTION)
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize("backend", ["console", "locmem"])
def test_a_development_email_backend_is_refused_at_start_up_with_debug_off(backend):
    path = f"django.core.mail.backends.{backend}.EmailBackend"
    result = run_python(
        "-c", "import drf_site.settings", env=environment(**(PRODUCTION | {"EMAIL_BACKEND": path}))
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"EMAIL_BACKEND={path} cannot send email, and DJANGO_DEBUG is off" in result.stderr


def test_production_sends_hsts_and_redirects_to_https_but_trusts_no_proxy_header_unasked():
    values = settings_with(
        [
            "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SECURE_HSTS_PRELOAD",
            "SECURE_SSL_REDIRECT",
            "SECURE_PROXY_SSL_HEADER",
            "SESSION_COOKIE_SECURE",
        ],
        **PRODUCTION,
    )

    assert values == {
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": None,
        "SESSION_COOKIE_SECURE": True,
    }


def test_behind_a_tls_proxy_the_forwarded_proto_header_is_trusted_only_when_asked():
    values = settings_with(
        ["SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SECURE_HSTS_PRELOAD"],
        **(PRODUCTION | {"SECURE_PROXY_SSL_HEADER": "1", "SECURE_HSTS_PRELOAD": "0"}),
    )

    assert values == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_PRELOAD": False,
    }


def test_a_laptop_neither_redirects_to_https_nor_sends_hsts():
    values = settings_with(["SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT"])

    assert values == {"SECURE_HSTS_SECONDS": 0, "SECURE_SSL_REDIRECT": False}


def test_sqlite_takes_the_write_lock_up_front_waits_for_it_and_journals_to_a_wal():
    database = settings_with(["DATABASES"])["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["OPTIONS"] == {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }


def test_postgresql_keeps_connections_and_checks_them_before_reuse():
    database = settings_with(["DATABASES"], **PRODUCTION)["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (600, True)
    assert "transaction_mode" not in database.get("OPTIONS", {})


def test_how_long_connections_are_kept_is_configurable():
    variables = PRODUCTION | {"DATABASE_CONN_MAX_AGE": "0"}

    database = settings_with(["DATABASES"], **variables)["DATABASES"]["default"]

    assert database["CONN_MAX_AGE"] == 0
