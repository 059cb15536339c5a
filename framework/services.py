"""Workflows over framework content: load, export, duplicate and publish editions."""

from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from framework.models import (
    Audience,
    ChecklistStatement,
    Definition,
    Domain,
    Edition,
    Factor,
    Feature,
    MemberOrganisation,
    Question,
    Resource,
    Stage,
    Step,
)

DEFAULT_DATA_FILE = (
    Path(settings.BASE_DIR) / "framework" / "data" / "ukcis_digital_resilience_framework.yaml"
)
FORMAT_VERSION = 1

# Edition fields carried in the data file's `edition:` mapping, in file order.
EDITION_FIELDS = [
    "key",
    "title",
    "version",
    "summary",
    "introduction",
    "who_is_it_for",
    "two_steps",
    "self_assessment_guidance",
    "factors_guidance",
    "factors_prompt",
    "checklist_guidance",
    "members_guidance",
    "about",
    "source_title",
    "source_url",
    "publisher",
    "licence",
    "licence_url",
    "attribution",
    "working_group",
]

# Simple per-edition lists: (data file section, model, fields besides key).
EDITION_LISTS = [
    ("steps", Step, ["title", "text"]),
    ("definitions", Definition, ["title", "text"]),
    ("features", Feature, ["text"]),
    ("stages", Stage, ["name"]),
    ("audiences", Audience, ["name"]),
    ("factors", Factor, ["kind", "name"]),
    ("checklist", ChecklistStatement, ["text"]),
]
RESOURCE_TAGS = [
    ("stages", "stages"),
    ("statements", "statements"),
    ("domains", "domains"),
    ("audiences", "audiences"),
]


def read_data_file(path: Path | str = DEFAULT_DATA_FILE) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION:
        raise ValidationError(
            f"{path} is not a framework data file (expected 'format: {FORMAT_VERSION}').",
            code="format",
        )
    return data


@transaction.atomic
def load_edition(*, data: dict[str, Any], status: str | None = None) -> tuple[Edition, bool]:
    """Create the edition described by `data` unless an edition with its key exists.

    Idempotent: loading the same data twice creates nothing the second time. Returns the edition
    and whether it was created. New editions take `data["edition"]["status"]` (default
    published), so a fresh installation has a current edition to assess against.
    """
    meta = data["edition"]
    existing = Edition.objects.filter(key=meta["key"]).first()
    if existing is not None:
        return existing, False

    edition = Edition(**{field: meta.get(field, _blank(field)) for field in EDITION_FIELDS})
    edition.save()
    for section, model, fields in EDITION_LISTS:
        model.objects.bulk_create(
            model(edition=edition, key=row["key"], position=index, **_pick(row, fields))
            for index, row in enumerate(data.get(section, []), start=1)
        )
    _load_domains(edition, data.get("domains", []))
    _load_members(edition, data.get("members", []))

    status = status or meta.get("status", Edition.Status.PUBLISHED)
    if status == Edition.Status.PUBLISHED:
        publish_edition(edition=edition, published_at=meta.get("published_at"))
    return edition, True


def _blank(field: str) -> Any:
    return {} if field == "working_group" else ""


def _pick(row: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    return {field: row.get(field, "") for field in fields}


def _load_domains(edition: Edition, domains: list[dict[str, Any]]) -> None:
    stages = {stage.key: stage for stage in edition.stages.all()}
    for index, row in enumerate(domains, start=1):
        domain = Domain.objects.create(
            edition=edition,
            key=row["key"],
            position=index,
            **_pick(row, ["name", "audience", "scope", "things_to_consider"]),
        )
        Question.objects.bulk_create(
            Question(
                domain=domain,
                stage=stages[question["stage"]],
                key=question["key"],
                text=question["text"],
                position=position,
            )
            for position, question in enumerate(row.get("questions", []), start=1)
        )


def _load_members(edition: Edition, members: list[dict[str, Any]]) -> None:
    lookups = {
        "stages": {row.key: row for row in edition.stages.all()},
        "statements": {row.key: row for row in edition.checklist_statements.all()},
        "domains": {row.key: row for row in edition.domains.all()},
        "audiences": {row.key: row for row in edition.audiences.all()},
    }
    for index, row in enumerate(members, start=1):
        member = MemberOrganisation.objects.create(
            edition=edition,
            key=row["key"],
            position=index,
            **_pick(row, ["name", "website", "description"]),
        )
        for position, item in enumerate(row.get("resources", []), start=1):
            resource = Resource.objects.create(
                member=member,
                key=item["key"],
                position=position,
                **_pick(item, ["title", "url", "description"]),
            )
            for section, attribute in RESOURCE_TAGS:
                try:
                    tags = [lookups[section][key] for key in item.get(section, [])]
                except KeyError as error:
                    raise ValidationError(
                        f"Resource {item['key']!r} is tagged with unknown {section} key {error}.",
                        code="unknown-tag",
                    ) from error
                getattr(resource, attribute).set(tags)


def export_edition(edition: Edition) -> dict[str, Any]:
    """The edition in the data file's format; `load_edition` reads it back losslessly."""
    meta = {field: getattr(edition, field) for field in EDITION_FIELDS}
    meta["status"] = edition.status
    if edition.published_at:
        meta["published_at"] = edition.published_at.isoformat()
    data: dict[str, Any] = {"format": FORMAT_VERSION, "edition": meta}
    for section, model, fields in EDITION_LISTS:
        rows = model.objects.filter(edition=edition)
        data[section] = [{"key": row.key, **{f: getattr(row, f) for f in fields}} for row in rows]
    data["domains"] = [
        {
            "key": domain.key,
            **{f: getattr(domain, f) for f in ["name", "audience", "scope", "things_to_consider"]},
            "questions": [
                {"key": q.key, "stage": q.stage.key, "text": q.text}
                for q in domain.questions.select_related("stage")
            ],
        }
        for domain in edition.domains.all()
    ]
    resources = Resource.objects.prefetch_related(*[attr for _, attr in RESOURCE_TAGS])
    members = edition.members.prefetch_related(Prefetch("resources", queryset=resources))
    data["members"] = [
        {
            "key": member.key,
            **{f: getattr(member, f) for f in ["name", "website", "description"]},
            "resources": [
                {
                    "key": resource.key,
                    **{f: getattr(resource, f) for f in ["title", "url", "description"]},
                    **{
                        section: [tag.key for tag in getattr(resource, attribute).all()]
                        for section, attribute in RESOURCE_TAGS
                    },
                }
                for resource in member.resources.all()
            ],
        }
        for member in members
    ]
    return data


def dump_data_file(data: dict[str, Any]) -> str:
    """YAML that people can read and edit: block scalars for long text, file order kept."""
    return yaml.dump(data, Dumper=_ReadableDumper, sort_keys=False, allow_unicode=True, width=100)


class _ReadableDumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ReadableDumper.add_representer(str, _represent_str)


@transaction.atomic
def duplicate_edition(*, edition: Edition, key: str = "", version: str = "") -> Edition:
    """Copy an edition and all its content into a new draft that admins can edit."""
    data = export_edition(edition)
    number = Edition.objects.filter(based_on=edition).count() + 2
    new_key = key or _free_key(f"{edition.key}-draft-{number}")
    data["edition"] |= {"key": new_key, "version": version or f"{edition.version} revision"}
    data["edition"].pop("published_at", None)
    draft, _ = load_edition(data=data, status=Edition.Status.DRAFT)
    draft.based_on = edition
    draft.save()
    return draft


def _free_key(base: str) -> str:
    key, counter = base, 1
    while Edition.objects.filter(key=key).exists():
        counter += 1
        key = f"{base}-{counter}"
    return key


def edition_problems(edition: Edition) -> list[str]:
    """What stops the edition being published; empty when it is complete."""
    problems = []
    stages = list(edition.stages.all())
    domains = list(edition.domains.prefetch_related("questions"))
    if not stages:
        problems.append("The edition has no stages.")
    if not domains:
        problems.append("The edition has no domains.")
    for domain in domains:
        asked = {question.stage_id for question in domain.questions.all()}
        for stage in stages:
            if stage.pk not in asked:
                problems.append(f"{domain.name} has no question for the {stage.name} stage.")
    if not edition.checklist_statements.exists():
        problems.append("The edition has no checklist statements.")
    return problems


@transaction.atomic
def publish_edition(*, edition: Edition, published_at: str | None = None) -> Edition:
    """Publish a complete draft; it becomes the current edition and supersedes the previous one.

    Raises ValidationError listing everything that is missing when the edition is incomplete.
    """
    if not edition.stored_is_draft():
        raise ValidationError(f"“{edition}” is already published.", code="published")
    problems = edition_problems(edition)
    if problems:
        raise ValidationError(problems, code="incomplete")
    for previous in Edition.objects.published().select_for_update():
        previous.status = Edition.Status.ARCHIVED
        previous.save(update_fields=["status"])
    edition.status = Edition.Status.PUBLISHED
    edition.published_at = _parse_datetime(published_at) or timezone.now()
    edition.save()
    return edition


def _parse_datetime(value):
    if isinstance(value, str):
        return parse_datetime(value)
    return value
