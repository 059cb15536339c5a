"""Indexes for the admin's lists and searches, which otherwise read every row once there are
thousands of organisations (bench/scale.py measures them).

The admin searches by prefix (`name__istartswith`, `title__istartswith`), which PostgreSQL runs as
`UPPER(col::text) LIKE 'TERM%'`. A B-tree serves that LIKE only with a pattern operator class
(`text_pattern_ops`) whatever the database's collation, and an expression index with an operator
class cannot be declared portably in `Meta.indexes` (SQLite has no operator classes). So, like
Django's own `*_like` indexes, these two are made on PostgreSQL only and are not in the model
state.
"""

from django.db import migrations, models

PATTERN_INDEXES = [
    ("assessments_organisation_name_upper_like", "assessments_organisation", "name"),
    ("assessments_assessment_title_upper_like", "assessments_assessment", "title"),
]


def create_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in PATTERN_INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'((UPPER("{column}"::text)) text_pattern_ops)'
        )


def drop_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in PATTERN_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("assessments", "0006_accounts_hardening")]

    operations = [
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(fields=["-created_at", "-id"], name="assessment_created_id"),
        ),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["name", "-id"], name="organisation_name_id"),
        ),
        migrations.RunPython(create_pattern_indexes, drop_pattern_indexes),
    ]
