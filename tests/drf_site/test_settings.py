"""Settings read from the environment: a value that cannot be understood stops start-up."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from drf_site.settings import envbool, envint

ROOT = Path(__file__).resolve().parents[2]


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

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "SECURE_COOKIES='ture' is not a yes/no value" in result.stderr
