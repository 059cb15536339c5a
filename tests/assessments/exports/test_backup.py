"""Whole-database backups: `export_all DIR` then `import_all DIR` into another database (a fresh
SQLite file, and PostgreSQL where POSTGRES_TEST_URL names a server) moves every row losslessly."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.core.management import CommandError, call_command

from assessments.models import Assessment, Invitation, Role
from assessments.organisations import services as organisation_services
from framework.models import Edition
from framework.services import duplicate_edition, publish_edition
from tests.assessments.factories import complete, fill

MANAGE = Path(settings.BASE_DIR) / "manage.py"


@pytest.fixture
def everything(edition, organisation, owner, editor, make_assessment):
    """One of every kind of row: a group with a permission, profiles, an invitation, a completed
    assessment and one in progress (with answers and history), and three editions: the
    original archived, its successor published, and a draft."""
    group = Group.objects.create(name="Auditors")
    group.permissions.add(Permission.objects.get(codename="view_assessment"))
    editor.groups.add(group)
    organisation_services.update_profile(user=owner, full_name="Olu Owner", job_title="Head")
    organisation.invitations.create(
        email="new@hillside.example",
        role=Role.VIEWER,
        token_hash="a" * 64,
        invited_by=owner,
        expires_at="2030-01-01T00:00:00.123456+00:00",
    )
    done = make_assessment(title="Annual review")
    fill(done, next_steps="Line one\nLine two\ttabbed — “quoted”")
    complete(done, owner)
    make_assessment(title="Spring check-in", domains=("environment",))
    publish_edition(edition=duplicate_edition(edition=edition), key="ukcis-drf-2027")
    duplicate_edition(edition=Edition.objects.current(), key="ukcis-drf-next")


def manage(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = os.environ | {"DATABASE_URL": database_url, "DJANGO_DEBUG": "1"}
    return subprocess.run(
        [sys.executable, str(MANAGE), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def rows(directory: Path) -> dict[str, list[str]]:
    return {path.name: path.read_text().splitlines() for path in directory.glob("*.jsonl")}


def round_trip(tmp_path: Path, database_url: str) -> None:
    """Back up the test database, restore it into `database_url` (migrated here first), back
    that up, and compare the two backups row by row."""
    call_command("export_all", str(tmp_path / "source"))
    for args in [
        ("migrate", "--no-input", "-v", "0"),
        ("import_all", str(tmp_path / "source")),
        ("export_all", str(tmp_path / "copy")),
    ]:
        done = manage(*args, database_url=database_url)
        assert done.returncode == 0, done.stderr

    source, copy = rows(tmp_path / "source"), rows(tmp_path / "copy")
    assert source == copy
    manifest = json.loads((tmp_path / "source" / "manifest.json").read_text())
    assert manifest["counts"] == {name.removesuffix(".jsonl"): len(v) for name, v in copy.items()}
    statuses = [json.loads(line)["fields"]["status"] for line in copy["framework.edition.jsonl"]]
    assert sorted(statuses) == ["archived", "draft", "published"]
    users = [json.loads(line)["fields"] for line in copy["auth.user.jsonl"]]
    assert all(user["password"].startswith("md5$") for user in users)
    assert any(user["groups"] == [["Auditors"]] for user in users)


@pytest.mark.django_db
def test_backup_moves_everything_to_a_fresh_sqlite_database(everything, tmp_path):
    round_trip(tmp_path, f"sqlite:///{tmp_path / 'restored.sqlite3'}")


@pytest.mark.skipif(not os.environ.get("POSTGRES_TEST_URL"), reason="POSTGRES_TEST_URL not set")
def test_backup_moves_everything_from_sqlite_to_postgresql(everything, tmp_path):
    import psycopg

    server = os.environ["POSTGRES_TEST_URL"]
    name = f"drf_backup_{uuid.uuid4().hex[:12]}"
    base, _, _ = server.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            round_trip(tmp_path, f"{base}/{name}")
        finally:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_import_all_refuses_a_database_that_holds_rows(everything, tmp_path):
    call_command("export_all", str(tmp_path / "backup"))
    before = (User.objects.count(), Assessment.objects.count(), Invitation.objects.count())

    with pytest.raises(CommandError, match=r"nothing was written\.\n  - This database already"):
        call_command("import_all", str(tmp_path / "backup"))

    assert (User.objects.count(), Assessment.objects.count(), Invitation.objects.count()) == before


def test_import_all_checks_every_row_first_and_flushes_nothing_when_one_is_wrong(
    everything, tmp_path
):
    backup = tmp_path / "backup"
    call_command("export_all", str(backup))
    path = backup / "assessments.questionanswer.jsonl"
    lines = path.read_text().splitlines()
    first, second = json.loads(lines[0]), json.loads(lines[1])
    first["fields"]["next_steps"] = "nul\x00here"
    second["fields"]["target_date"] = "9999-12-31"
    second["fields"]["action_owner"] = "o" * 201
    path.write_text("\n".join([json.dumps(first), json.dumps(second)]) + "\n")
    before = (User.objects.count(), Assessment.objects.count(), Edition.objects.count())

    with pytest.raises(CommandError) as raised:
        call_command("import_all", str(backup), "--flush")

    assert str(raised.value).splitlines()[1:] == [
        f"  - assessments.questionanswer.jsonl: 2 rows, but the manifest says {len(lines)} "
        "(the backup is incomplete).",
        "  - assessments.questionanswer.jsonl line 1.next_steps: contains control characters "
        "(U+0000).",
        "  - assessments.questionanswer.jsonl line 2.action_owner: 201 characters; at most 200.",
        "  - assessments.questionanswer.jsonl line 2.target_date: '9999-12-31' is not a date "
        "this site can hold.",
    ]
    assert (User.objects.count(), Assessment.objects.count(), Edition.objects.count()) == before


def test_import_all_with_flush_replaces_what_is_here(everything, tmp_path, make_user):
    call_command("export_all", str(tmp_path / "backup"))
    make_user("later@hillside.example")
    assessments = set(Assessment.objects.values_list("pk", "title"))

    call_command("import_all", str(tmp_path / "backup"), "--flush")

    assert not User.objects.filter(email="later@hillside.example").exists()
    assert set(Assessment.objects.values_list("pk", "title")) == assessments
    assert sorted(Edition.objects.values_list("status", flat=True)) == [
        "archived",
        "draft",
        "published",
    ]


def test_export_all_refuses_a_directory_that_is_not_empty(tmp_path, db):
    (tmp_path / "old.txt").write_text("keep me")

    with pytest.raises(CommandError, match="is not an empty directory"):
        call_command("export_all", str(tmp_path))
