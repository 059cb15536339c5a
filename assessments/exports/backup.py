"""Whole-database backups: every account, organisation, assessment and edition, between two
databases (SQLite and PostgreSQL alike), losslessly.

The format is a directory: `manifest.json` (format, version, and each model's row count) and one
JSON Lines file per model, `<app>.<model>.jsonl`, a row per line in primary-key order, in
Django's serialization of a row (`{"model", "pk", "fields"}`) with times written in full
(Django's JSON encoder cuts microseconds to milliseconds, which would not be lossless).
Primary keys are kept, so every reference stays as it was. Users name their groups and
permissions by natural key (content types are numbered differently in every database).

Loading (`import_backup`) checks every row before writing any: the manifest, each file's count,
every field (type, column length, NUL and other control characters, dates), then writes all in
one transaction into a database that holds none of these rows yet. Rows are written raw, as
`loaddata` does (no `save()` logic runs). Editions are the exception that keeps the
released-edition guard honest: every edition is written as a draft, its content added to the
draft, and then released with `Edition.objects.release()`, the call publishing uses, with its
stored status and publication date.
"""

import json
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from framework.models import Edition

FORMAT = "digital-resilience-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# Accounts first, then every model of the framework and of assessments, in dependency order.
# Not backed up: sessions, the admin's log, throttling records and queued tasks, which belong to
# one running installation, and content types and permissions, which `migrate` creates.
ACCOUNT_MODELS = ["auth.Group", "auth.User"]
APPS = ["framework", "assessments"]
# Rows of these apps that belong to one running installation: rate-limit counters, and stored
# PDFs' records (the files stay in their storage; a restored site renders them again).
NOT_BACKED_UP = {"assessments.ratelimithit", "assessments.pdfrender"}
MAX_PROBLEMS = 50


def backed_up_models() -> list[type[models.Model]]:
    chosen = [apps.get_model(label) for label in ACCOUNT_MODELS]
    chosen += [
        model
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        if _label(model) not in NOT_BACKED_UP
    ]
    app_list = [(None, chosen)]
    return serializers.sort_dependencies(app_list, allow_cycles=True)


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


class _Encoder(DjangoJSONEncoder):
    """Times in full: Django's encoder drops the microseconds' last three digits."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


def export_backup(*, directory: Path) -> dict[str, int]:
    """Write every backed-up row to `directory` (created if missing); returns the counts."""
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    for model in backed_up_models():
        label = _label(model)
        natural = label in {name.lower() for name in ACCOUNT_MODELS}
        rows = model._base_manager.order_by("pk")
        with open(directory / f"{label}.jsonl", "w", encoding="utf-8") as handle:
            count = 0
            for record in serializers.serialize(
                "python", rows.iterator(), use_natural_foreign_keys=natural
            ):
                handle.write(json.dumps(record, cls=_Encoder, ensure_ascii=False, sort_keys=True))
                handle.write("\n")
                count += 1
        counts[label] = count
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "counts": counts,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return counts


def target_rows() -> dict[str, int]:
    """The backed-up models that already hold rows here."""
    return {_label(model): n for model in backed_up_models() if (n := model._base_manager.count())}


def import_backup(*, directory: Path, flush: bool = False) -> dict[str, int]:
    """Load a backup written by `export_backup` into this database, which must hold none of its
    rows yet; with `flush`, its rows are deleted first, in the same transaction (with rows of
    other tables that point at them, such as the admin's log). Raises ValidationError listing
    every problem (up to 50), writing nothing."""
    manifest = _manifest(directory)
    occupied = target_rows()
    if occupied and not flush:
        raise ValidationError(
            "This database already holds "
            + ", ".join(f"{n} {label}" for label, n in occupied.items())
            + ": a backup is loaded into an empty database (migrate a new one), or with "
            "--flush, which deletes everything here first.",
            code="not-empty",
        )
    loaded, problems = [], []
    for model in backed_up_models():
        label = _label(model)
        objects = list(_read(directory, label, manifest["counts"], problems))
        loaded += [(model, record) for record in objects]
    if problems:
        raise ValidationError(_capped(problems), code="invalid")
    try:
        with transaction.atomic():
            if occupied:
                _flush()
            _write(loaded)
    except (DatabaseError, ObjectDoesNotExist) as error:
        # What only the database can see (a unique key held twice, a reference to a row the
        # backup lacks); the transaction is rolled back.
        raise ValidationError(f"The database refused the backup: {error}", code="db") from error
    return {label: count for label, count in manifest["counts"].items()}


def _manifest(directory: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError(
            f"Cannot read {directory / MANIFEST}: {error}", code="manifest"
        ) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValidationError(f"{directory} is not a backup (no “{FORMAT}” manifest).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ValidationError(
            f"Backup format_version {manifest.get('format_version')!r} is not supported: this "
            f"installation reads version {FORMAT_VERSION}."
        )
    counts = manifest.get("counts")
    expected = {_label(model) for model in backed_up_models()}
    if not isinstance(counts, dict) or set(counts) != expected:
        missing = sorted(expected - set(counts or {}))
        extra = sorted(set(counts or {}) - expected)
        raise ValidationError(
            "The backup's models are not this installation's"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(extra)}" if extra else "")
            + ". Load it with the release that wrote it (then migrate), or migrate both alike."
        )
    return manifest


def _read(directory: Path, label: str, counts: dict[str, int], problems: list[str]) -> Iterator:
    """The deserialized rows of one file, each field checked; problems are appended."""
    path = directory / f"{label}.jsonl"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        problems.append(f"{path.name}: cannot be read ({error}).")
        return
    if len(lines) != counts[label]:
        problems.append(
            f"{path.name}: {len(lines)} rows, but the manifest says {counts[label]} "
            "(the backup is incomplete)."
        )
    for number, line in enumerate(lines, start=1):
        where = f"{path.name} line {number}"
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or record.get("model") != label:
                problems.append(f"{where}: not a {label} row.")
                continue
            row_problems = _value_problems(record, where)
            if row_problems:
                problems += row_problems
                continue
            objects = list(
                serializers.deserialize("python", [record], handle_forward_references=True)
            )
        except (json.JSONDecodeError, DeserializationError, ValidationError) as error:
            problems.append(f"{where}: {error}")
            continue
        yield from objects


def _value_problems(record: dict[str, Any], where: str) -> list[str]:
    """What the target database could not hold, or could hold only to break pages later."""
    model = apps.get_model(record["model"])
    fields = record.get("fields")
    if not isinstance(fields, dict):
        return [f"{where}: no fields."]
    problems = []
    for name, value in fields.items():
        try:
            field = model._meta.get_field(name)
        except Exception:
            problems.append(f"{where}: {model._meta.label} has no field “{name}”.")
            continue
        if isinstance(value, str):
            if getattr(field, "max_length", None) and len(value) > field.max_length:
                problems.append(
                    f"{where}.{name}: {len(value):,} characters; at most {field.max_length:,}."
                )
            refused = {c for c in value if unicodedata.category(c) in ("Cc", "Cs")} - set("\n\r\t")
            if refused:
                codes = ", ".join(f"U+{ord(c):04X}" for c in sorted(refused))
                problems.append(f"{where}.{name}: contains control characters ({codes}).")
        if isinstance(field, models.DateTimeField) and value is not None:
            try:
                parsed = datetime.fromisoformat(value)
                if timezone.is_naive(parsed) or not 1900 <= parsed.year <= 2999:
                    raise ValueError
            except (TypeError, ValueError):
                problems.append(f"{where}.{name}: {value!r} is not a time this site can hold.")
        elif isinstance(field, models.DateField) and value is not None:
            try:
                if not 1900 <= date.fromisoformat(value).year <= 2999:
                    raise ValueError
            except (TypeError, ValueError):
                problems.append(f"{where}.{name}: {value!r} is not a date this site can hold.")
    return problems


def _capped(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    return problems[:MAX_PROBLEMS] + [f"… and {len(problems) - MAX_PROBLEMS} more problems."]


def _flush() -> None:
    tables = set()
    for model in backed_up_models():
        tables.add(model._meta.db_table)
        tables |= {
            field.remote_field.through._meta.db_table for field in model._meta.local_many_to_many
        }
    statements = connection.ops.sql_flush(
        no_style(), sorted(tables), reset_sequences=True, allow_cascade=True
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # PostgreSQL refuses to TRUNCATE a table with deferred foreign-key checks still
            # pending from this transaction (rows written earlier in it): run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in statements:
            cursor.execute(statement)


def _write(loaded: list) -> None:
    """Insert every row as stored; editions as drafts, released once their content is in."""
    releases = []
    for model, deserialized in loaded:
        row = deserialized.object
        if model is Edition and row.status != Edition.Status.DRAFT:
            releases.append((row.pk, row.status, row.published_at))
            row.status, row.published_at = Edition.Status.DRAFT, None
        deserialized.save(force_insert=True)
    # References to rows written later (a user's groups), by natural key.
    for _, deserialized in loaded:
        if deserialized.deferred_fields:
            deserialized.save_deferred_fields()
    for pk, status, published_at in releases:
        Edition.objects.filter(pk=pk).release(status=status, published_at=published_at)
    touched = {model for model, _ in loaded}
    with connection.cursor() as cursor:
        # PostgreSQL's sequences go past the kept keys (SQLite's need nothing).
        for statement in connection.ops.sequence_reset_sql(no_style(), touched):
            cursor.execute(statement)
