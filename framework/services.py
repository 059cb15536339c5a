"""Workflows over framework content: load, export, duplicate and publish editions."""

import unicodedata
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import models, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from framework.models import (
    AgeGroup,
    Audience,
    ChecklistStatement,
    Definition,
    Domain,
    Edition,
    EditionContent,
    Factor,
    Feature,
    MemberOrganisation,
    Question,
    RatingGuidance,
    Resource,
    Stage,
    Step,
)

DEFAULT_DATA_FILE = (
    Path(settings.BASE_DIR) / "framework" / "data" / "ukcis_digital_resilience_framework.yaml"
)
FORMAT_VERSION = 1
# The UKCIS framework is about 45 kB; anything this big is not an edition of it.
MAX_DATA_FILE_BYTES = 2 * 1024 * 1024
# libyaml's parser where PyYAML was built with it: several times faster than pure Python.
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

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
    ("audiences", Audience, ["name", "age_groups"]),
    ("factors", Factor, ["kind", "name"]),
    ("checklist", ChecklistStatement, ["text"]),
]
# Rating guidance names its rating in words in the data file: poorly, moderately or well.
GUIDANCE_RATINGS = {rating.label.lower(): rating.value for rating in RatingGuidance.Rating}
GUIDANCE_FIELDS = ["descriptor", "school_example", "charity_example"]
RESOURCE_TAGS = [
    ("stages", "stages"),
    ("statements", "statements"),
    ("domains", "domains"),
    ("audiences", "audiences"),
]


def read_data_file(path: Path | str = DEFAULT_DATA_FILE) -> dict[str, Any]:
    """Read a framework data file, refusing anything that is not a plain, small YAML file.

    Aliases (`&anchor` / `*alias`) are refused before anything is built from the YAML: a few
    lines of nested aliases expand into billions of objects (an "alias bomb").
    """
    with open(path, "rb") as handle:
        raw = handle.read(MAX_DATA_FILE_BYTES + 1)
    if len(raw) > MAX_DATA_FILE_BYTES:
        raise ValidationError(
            f"{path} is larger than {MAX_DATA_FILE_BYTES // (1024 * 1024)} MB; "
            "a framework data file is far smaller.",
            code="too-large",
        )
    try:
        text = raw.decode("utf-8")
        if any(_is_alias_or_anchor(event) for event in yaml.parse(text, Loader=_YamlLoader)):
            raise ValidationError(
                f"{path} uses YAML aliases or anchors (& or *); write each value out in full.",
                code="alias",
            )
        data = yaml.load(text, Loader=_YamlLoader)
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        raise ValidationError(f"{path} is not readable YAML: {error}", code="yaml") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION:
        raise ValidationError(
            f"{path} is not a framework data file (expected 'format: {FORMAT_VERSION}').",
            code="format",
        )
    return data


def _is_alias_or_anchor(event: yaml.Event) -> bool:
    return isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None


@transaction.atomic
def load_edition(
    *, data: dict[str, Any], status: str | None = None, make_current: bool = False
) -> tuple[Edition, bool]:
    """Create the edition described by `data` unless an edition with its key exists.

    Idempotent: loading the same data twice changes nothing the second time. Returns the edition
    and whether it was created. The edition keeps its release status, `status` if given, else
    `data["edition"]["status"]` (default published), and its `published_at` if the data has one:

    - a draft stays a draft;
    - a released edition stays released without superseding this installation's current
      edition: a published one becomes current only where no edition is current yet (a fresh
      installation), else it is archived, as a superseded edition is;
    - with `make_current`, it is published as the current edition and the previous current
      edition is archived, as `publish_edition` does.

    Released editions must be complete (see `edition_problems`). Every value is checked
    first (`data_problems`): nothing is written from a file with a problem.
    """
    problems = data_problems(data)
    if problems:
        raise ValidationError(problems, code="invalid")
    meta = data["edition"]
    unknown = sorted(
        {
            str(group)
            for audience in data.get("audiences", [])
            for group in audience.get("age_groups", [])
        }
        - set(AgeGroup.values)
    )
    if unknown:
        raise ValidationError(
            f"Audiences name unknown age groups: {', '.join(unknown)}. "
            f"Use {', '.join(AgeGroup.values)}.",
            code="age-groups",
        )
    existing = Edition.objects.filter(key=meta["key"]).first()
    if existing is not None:
        return existing, False

    edition = Edition.objects.create(
        **{field: meta.get(field, _blank(field)) for field in EDITION_FIELDS}
    )
    rows = {
        section: model.objects.bulk_create(
            model(edition=edition, key=row["key"], position=index, **_pick(row, fields))
            for index, row in enumerate(data.get(section, []), start=1)
        )
        for section, model, fields in EDITION_LISTS
    }
    rows["domains"] = _load_domains(edition, data.get("domains", []), stages=rows["stages"])
    _load_rating_guidance(edition, data.get("rating_guidance", []), stages=rows["stages"])
    _load_members(
        edition,
        data.get("members", []),
        tags={
            "stages": rows["stages"],
            "statements": rows["checklist"],
            "domains": rows["domains"],
            "audiences": rows["audiences"],
        },
    )

    status = status or meta.get("status", Edition.Status.PUBLISHED)
    published_at = _parse_datetime(meta.get("published_at"))
    if make_current or (
        status == Edition.Status.PUBLISHED and not Edition.objects.published().exists()
    ):
        publish_edition(edition=edition, published_at=published_at)
    elif status in (Edition.Status.PUBLISHED, Edition.Status.ARCHIVED):
        _release(edition, status=Edition.Status.ARCHIVED, published_at=published_at)
    return edition, True


def data_problems(data: dict[str, Any]) -> list[str]:
    """Every value of a data file that the database or the pages could not hold: a missing
    key, text of the wrong type or too long for its column, control characters (one-line text
    takes none; long text keeps newlines and tabs), keys that are not slugs, malformed URLs."""
    meta = data.get("edition")
    if not isinstance(meta, dict):
        return ["edition: expected a mapping of the edition's fields."]
    problems = _row_problems(Edition, meta, "edition", EDITION_FIELDS, ["key", "title", "version"])
    for section, model, fields in EDITION_LISTS:
        for where, row in _listed(data, section, problems):
            problems += _row_problems(model, row, where, ["key", *fields], ["key"])
    domain_fields = ["key", "name", "audience", "scope", "things_to_consider"]
    for where, row in _listed(data, "domains", problems):
        problems += _row_problems(Domain, row, where, domain_fields, ["key"])
        for inner, question in _listed(row, "questions", problems, where):
            problems += _row_problems(
                Question, question, inner, ["key", "text"], ["key", "stage", "text"]
            )
    for where, row in _listed(data, "rating_guidance", problems):
        problems += _row_problems(RatingGuidance, row, where, GUIDANCE_FIELDS, [])
    for where, row in _listed(data, "members", problems):
        problems += _row_problems(
            MemberOrganisation, row, where, ["key", "name", "website", "description"], ["key"]
        )
        for inner, resource in _listed(row, "resources", problems, where):
            problems += _row_problems(
                Resource, resource, inner, ["key", "title", "url", "description"], ["key"]
            )
    return problems


def _listed(data: Any, section: str, problems: list[str], where: str = ""):
    """The rows of a list in the file, as (where, row); a row that is not a mapping is a
    problem (appended to `problems`) and skipped."""
    name = f"{where}.{section}" if where else section
    rows = data.get(section, []) if isinstance(data, dict) else []
    if not isinstance(rows, list):
        problems.append(f"{name}: expected a list.")
        return
    for index, row in enumerate(rows):
        if isinstance(row, dict):
            yield f"{name}[{index}]", row
        else:
            problems.append(f"{name}[{index}]: expected a mapping.")


def _row_problems(
    model: type[models.Model],
    row: dict[str, Any],
    where: str,
    fields: list[str],
    required: list[str],
) -> list[str]:
    problems = [f"{where}.{name}: missing (required)." for name in required if name not in row]
    for name in fields:
        value = row.get(name)
        field = model._meta.get_field(name)
        if value is None or isinstance(field, models.JSONField):
            continue
        if not isinstance(value, str):
            problems.append(f"{where}.{name}: expected text, got {type(value).__name__}.")
            continue
        if field.max_length and len(value) > field.max_length:
            problems.append(
                f"{where}.{name}: {len(value):,} characters; at most {field.max_length:,}."
            )
        kept = "\n\r\t" if isinstance(field, models.TextField) else ""
        refused = sorted(
            {c for c in value if unicodedata.category(c) in ("Cc", "Cs") and c not in kept}
        )
        if refused:
            codes = ", ".join(f"U+{ord(c):04X}" for c in refused)
            problems.append(f"{where}.{name}: contains control characters ({codes}).")
        for kind, validator, label in (
            (models.SlugField, validate_slug, "key (letters, numbers, - and _)"),
            (models.URLField, _url, "URL"),
        ):
            if isinstance(field, kind) and value:
                try:
                    validator(value)
                except ValidationError:
                    problems.append(f"{where}.{name}: {value[:80]!r} is not a valid {label}.")
    return problems


_url = URLValidator()


def _blank(field: str) -> Any:
    return {"working_group": {}, "age_groups": []}.get(field, "")


def _pick(row: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    return {field: row.get(field, _blank(field)) for field in fields}


def _load_domains(
    edition: Edition, domains: list[dict[str, Any]], *, stages: list[Stage]
) -> list[Domain]:
    """Bulk-create the domains and their questions: two inserts however many there are."""
    created = Domain.objects.bulk_create(
        Domain(
            edition=edition,
            key=row["key"],
            position=index,
            **_pick(row, ["name", "audience", "scope", "things_to_consider"]),
        )
        for index, row in enumerate(domains, start=1)
    )
    stage_by_key = {stage.key: stage for stage in stages}
    Question.objects.bulk_create(
        Question(
            domain=domain,
            stage=stage_by_key[question["stage"]],
            key=question["key"],
            text=question["text"],
            position=position,
        )
        for domain, row in zip(created, domains, strict=True)
        for position, question in enumerate(row.get("questions", []), start=1)
    )
    return created


def _load_rating_guidance(
    edition: Edition, guidance: list[dict[str, Any]], *, stages: list[Stage]
) -> None:
    """Bulk-create the edition's rating guidance: a stage key (none for the checklist) and a
    rating in words per row."""
    stage_by_key = {stage.key: stage for stage in stages}
    rows, seen = [], set()
    for row in guidance:
        stage_key, rating = row.get("stage"), str(row.get("rating", "")).lower()
        if stage_key is not None and stage_key not in stage_by_key:
            raise ValidationError(
                f"Rating guidance names an unknown stage {stage_key!r}.", code="unknown-stage"
            )
        if rating not in GUIDANCE_RATINGS:
            raise ValidationError(
                f"Rating guidance has the rating {row.get('rating')!r}; "
                f"use {', '.join(GUIDANCE_RATINGS)}.",
                code="unknown-rating",
            )
        if (stage_key, rating) in seen:
            raise ValidationError(
                f"Rating guidance for {stage_key or 'the checklist'} ({rating}) is given twice.",
                code="duplicate-guidance",
            )
        seen.add((stage_key, rating))
        rows.append(
            RatingGuidance(
                edition=edition,
                stage=stage_by_key.get(stage_key),
                rating=GUIDANCE_RATINGS[rating],
                **_pick(row, GUIDANCE_FIELDS),
            )
        )
    RatingGuidance.objects.bulk_create(rows)


def _load_members(
    edition: Edition, members: list[dict[str, Any]], *, tags: dict[str, list[EditionContent]]
) -> None:
    """Bulk-create the members, their resources and the resources' tags (the m2m rows)."""
    created = MemberOrganisation.objects.bulk_create(
        MemberOrganisation(
            edition=edition,
            key=row["key"],
            position=index,
            **_pick(row, ["name", "website", "description"]),
        )
        for index, row in enumerate(members, start=1)
    )
    items = [
        (member, position, item)
        for member, row in zip(created, members, strict=True)
        for position, item in enumerate(row.get("resources", []), start=1)
    ]
    resources = Resource.objects.bulk_create(
        Resource(
            member=member,
            key=item["key"],
            position=position,
            **_pick(item, ["title", "url", "description"]),
        )
        for member, position, item in items
    )
    lookups = {section: {row.key: row for row in rows} for section, rows in tags.items()}
    for section, attribute in RESOURCE_TAGS:
        field = Resource._meta.get_field(attribute)
        through = field.remote_field.through
        links = []
        for resource, (_, _, item) in zip(resources, items, strict=True):
            for key in dict.fromkeys(item.get(section, [])):
                if key not in lookups[section]:
                    raise ValidationError(
                        f"Resource {item['key']!r} is tagged with unknown {section} key {key!r}.",
                        code="unknown-tag",
                    )
                links.append(
                    through(
                        **{
                            field.m2m_field_name(): resource,
                            field.m2m_reverse_field_name(): lookups[section][key],
                        }
                    )
                )
        # The m2m manager would check and insert resource by resource; the edition is a new
        # draft, so its tags are inserted at once.
        through.objects.bulk_create(links)


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
    data["rating_guidance"] = [
        {
            "stage": row.stage.key if row.stage else None,
            "rating": row.get_rating_display().lower(),
            **{f: getattr(row, f) for f in GUIDANCE_FIELDS},
        }
        for row in edition.rating_guidance.select_related("stage")
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
    def ignore_aliases(self, data: Any) -> bool:
        # Write shared values out in full: read_data_file refuses aliases.
        return True


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
def publish_edition(
    *, edition: Edition, published_at: Any = None, key: str = "", version: str = ""
) -> Edition:
    """Publish a complete draft; it becomes the current edition and supersedes the previous one.

    A `key` or `version` label given is the draft's from now on: the last chance to set them,
    as a published edition never changes. Raises ValidationError listing everything that is
    missing when the edition is incomplete, and then changes nothing.
    """
    if not edition.stored_is_draft():
        raise ValidationError(f"“{edition}” is already published.", code="published")
    if key or version:
        edition.key, edition.version = key or edition.key, version or edition.version
        edition.save(update_fields=["key", "version"])
    return _release(
        edition, status=Edition.Status.PUBLISHED, published_at=published_at, supersede=True
    )


def _release(
    edition: Edition, *, status: str, published_at: Any, supersede: bool = False
) -> Edition:
    """Release a complete draft as published or archived, dated `published_at` (default now).

    With `supersede`, the edition published until now is archived.
    """
    problems = edition_problems(edition)
    if problems:
        raise ValidationError(problems, code="incomplete")
    if supersede:
        Edition.objects.archive()
    published_at = _parse_datetime(published_at) or timezone.now()
    Edition.objects.filter(pk=edition.pk).release(status=status, published_at=published_at)
    edition.status, edition.published_at = status, published_at
    return edition


def _parse_datetime(value):
    if isinstance(value, str):
        return parse_datetime(value)
    return value
