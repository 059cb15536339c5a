"""The guard that keeps released editions unchanged, on every path that writes rows."""

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from framework.models import (
    Audience,
    ChecklistStatement,
    Definition,
    Domain,
    Edition,
    EditionContent,
    EditionLocked,
    Factor,
    Feature,
    MemberOrganisation,
    Question,
    RatingGuidance,
    Resource,
    Stage,
    Step,
)

pytestmark = pytest.mark.django_db

# An unsaved row of every content model, placed in the given edition.
NEW_ROWS: dict[type[EditionContent], Callable[[Edition], EditionContent]] = {
    Step: lambda edition: Step(edition=edition, key="new", title="New step"),
    Definition: lambda edition: Definition(edition=edition, key="new", title="New", text="New"),
    Feature: lambda edition: Feature(edition=edition, key="new", text="New feature"),
    Stage: lambda edition: Stage(edition=edition, key="new", name="New"),
    Audience: lambda edition: Audience(edition=edition, key="new", name="New"),
    Factor: lambda edition: Factor(
        edition=edition, key="new", kind=Factor.Kind.EXTERNAL, name="New"
    ),
    ChecklistStatement: lambda edition: ChecklistStatement(edition=edition, key="new", text="New"),
    Domain: lambda edition: Domain(edition=edition, key="new", name="New", audience="", scope=""),
    Question: lambda edition: Question(
        domain=edition.domains.get(), stage=edition.stages.first(), key="new", text="New?"
    ),
    MemberOrganisation: lambda edition: MemberOrganisation(edition=edition, key="new", name="New"),
    Resource: lambda edition: Resource(
        member=edition.members.get(), key="new", title="New", url="https://example.com"
    ),
}
TAGS = ["stages", "statements", "domains", "audiences"]


@pytest.fixture
def released(make_edition) -> Edition:
    return make_edition(status=Edition.Status.PUBLISHED)


@pytest.fixture
def draft(make_edition) -> Edition:
    return make_edition()


def tag_of(edition: Edition, tags: str):
    """The edition's first row of the kind a resource's `tags` point at."""
    return Resource._meta.get_field(tags).related_model.objects.filter(edition=edition).first()


def resource_of(edition: Edition) -> Resource:
    return Resource.objects.get(member__edition=edition)


def links(tags: str) -> set[tuple[int, int]]:
    through = Resource._meta.get_field(tags).remote_field.through
    return set(through.objects.values_list(*[f.attname for f in through._meta.fields[1:]]))


@pytest.mark.parametrize("model", NEW_ROWS, ids=lambda model: model.__name__)
def test_bulk_create_content_in_released_edition_is_refused(released, model):
    before = model.objects.count()
    with pytest.raises(EditionLocked):
        model.objects.bulk_create([NEW_ROWS[model](released)])
    assert model.objects.count() == before


@pytest.mark.parametrize("model", NEW_ROWS, ids=lambda model: model.__name__)
def test_bulk_create_content_in_draft_edition_works(draft, model):
    model.objects.bulk_create([NEW_ROWS[model](draft)])
    assert model.objects.filter(key="new").count() == 1


def test_bulk_create_with_update_conflicts_cannot_overwrite_released_rows(released, draft):
    stage = released.stages.get(key="know")
    overwrite = Stage(pk=stage.pk, edition=draft, key="overwritten", name="Overwritten")
    with pytest.raises(EditionLocked):
        Stage.objects.bulk_create(
            [overwrite],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["edition", "key", "name"],
        )
    assert Stage.objects.get(pk=stage.pk).name == "Know"


def test_content_update_cannot_move_rows_into_released_edition(released, draft):
    question = Question.objects.filter(domain__edition=draft).first()
    question.key = "moving"  # a key the released domain does not have yet
    question.save()
    with pytest.raises(EditionLocked):
        Question.objects.filter(pk=question.pk).update(domain=released.domains.get())
    with pytest.raises(EditionLocked):
        Stage.objects.filter(edition=draft).update(edition_id=released.pk)
    assert question.domain.edition == draft
    assert Stage.objects.filter(edition=released).count() == 4


def test_edition_update_on_released_edition_is_refused(released):
    with pytest.raises(EditionLocked):
        Edition.objects.filter(pk=released.pk).update(title="Renamed")
    with pytest.raises(EditionLocked):
        Edition.objects.filter(pk=released.pk).update(status=Edition.Status.DRAFT)
    released.title = "Renamed"
    # In a savepoint: bulk_update marks its transaction as failed on error.
    with pytest.raises(EditionLocked), transaction.atomic():
        Edition.objects.bulk_update([released], ["title"])
    released.refresh_from_db()
    assert (released.title, released.status) == (
        "Digital Resilience Framework",
        Edition.Status.PUBLISHED,
    )


def test_edition_update_cannot_release_a_draft(released, draft):
    with pytest.raises(EditionLocked):
        Edition.objects.filter(pk=draft.pk).update(
            status=Edition.Status.PUBLISHED, published_at=timezone.now()
        )
    draft.refresh_from_db()
    assert draft.status == Edition.Status.DRAFT
    assert Edition.objects.current() == released


def test_edition_save_cannot_change_release_status(released, draft):
    released.status = Edition.Status.DRAFT
    with pytest.raises(EditionLocked):
        released.save(update_fields=["status"])
    draft.status = Edition.Status.PUBLISHED
    with pytest.raises(EditionLocked):
        draft.save()
    assert Edition.objects.get(pk=released.pk).status == Edition.Status.PUBLISHED
    assert Edition.objects.get(pk=draft.pk).status == Edition.Status.DRAFT


def test_edition_bulk_create_cannot_create_released_editions():
    with pytest.raises(EditionLocked):
        Edition.objects.bulk_create(
            [Edition(key="new", title="New", version="1", status=Edition.Status.PUBLISHED)]
        )
    assert not Edition.objects.filter(key="new").exists()


def test_edition_release_moves_only_drafts_and_archive_only_published(draft):
    Edition.objects.filter(pk=draft.pk).release(
        status=Edition.Status.PUBLISHED, published_at=timezone.now()
    )
    assert Edition.objects.current() == draft
    Edition.objects.archive()
    draft.refresh_from_db()
    assert draft.status == Edition.Status.ARCHIVED
    Edition.objects.filter(pk=draft.pk).release(
        status=Edition.Status.PUBLISHED, published_at=timezone.now()
    )
    draft.refresh_from_db()
    assert draft.status == Edition.Status.ARCHIVED


@pytest.mark.parametrize("tags", TAGS)
def test_draft_tag_cannot_be_given_a_released_resource(released, draft, tags):
    draft_tag, before = tag_of(draft, tags), links(tags)
    # Each in a savepoint: Django's m2m managers mark their transaction as failed on error.
    with pytest.raises(EditionLocked), transaction.atomic():
        draft_tag.resources.add(resource_of(released))
    with pytest.raises(EditionLocked), transaction.atomic():
        draft_tag.resources.set([resource_of(draft), resource_of(released)])
    assert links(tags) == before


@pytest.mark.parametrize("tags", TAGS)
def test_draft_resource_cannot_be_tagged_with_released_rows(released, draft, tags):
    manager, before = getattr(resource_of(draft), tags), links(tags)
    with pytest.raises(EditionLocked), transaction.atomic():
        manager.add(tag_of(released, tags))
    with pytest.raises(EditionLocked), transaction.atomic():
        manager.set([tag_of(released, tags)])
    assert links(tags) == before


@pytest.mark.parametrize("tags", TAGS)
@pytest.mark.parametrize("change", ["remove", "clear", "set"])
def test_draft_side_cannot_unlink_released_rows(released, draft, tags, change):
    # A link across editions, as data from before this guard might hold; only raw rows make one.
    through = Resource._meta.get_field(tags).remote_field.through
    released_resource, draft_tag = resource_of(released), tag_of(draft, tags)
    through.objects.create(resource=released_resource, **{draft_tag._meta.model_name: draft_tag})
    draft_resource, released_tag = resource_of(draft), tag_of(released, tags)
    through.objects.create(resource=draft_resource, **{released_tag._meta.model_name: released_tag})
    before = links(tags)
    calls = {
        "remove": [
            lambda: draft_tag.resources.remove(released_resource),
            lambda: getattr(draft_resource, tags).remove(released_tag),
        ],
        "clear": [
            lambda: draft_tag.resources.clear(),
            lambda: getattr(draft_resource, tags).clear(),
        ],
        "set": [
            lambda: draft_tag.resources.set([]),
            lambda: getattr(draft_resource, tags).set([]),
        ],
    }[change]
    for call in calls:
        with pytest.raises(EditionLocked), transaction.atomic():
            call()
    assert links(tags) == before


# --- Rating guidance: the tool's own guidance, guarded like the framework's content ----------


def new_guidance(edition: Edition, stage: str | None = "know", **fields) -> RatingGuidance:
    return RatingGuidance(
        edition=edition,
        stage=edition.stages.get(key=stage) if stage else None,
        **{
            "rating": RatingGuidance.Rating.WELL,
            "descriptor": "New descriptor",
            "school_example": "A school",
            "charity_example": "A charity",
        }
        | fields,
    )


def test_rating_guidance_of_a_released_edition_cannot_change(released, draft):
    guidance = released.rating_guidance.get(stage__key="understand")
    guidance.descriptor = "Changed"
    rows = RatingGuidance.objects.filter(edition=released)

    for change in [
        guidance.save,
        guidance.delete,
        lambda: rows.update(descriptor="Changed"),
        rows.delete,
        lambda: new_guidance(released).save(),
        lambda: RatingGuidance.objects.bulk_create([new_guidance(released)]),
        # Moving a draft's guidance into the released edition changes that edition too.
        lambda: RatingGuidance.objects.filter(edition=draft).update(edition=released),
    ]:
        with pytest.raises(EditionLocked):
            change()

    assert list(rows.values_list("descriptor", flat=True)) == [
        "Little helps people understand risk.",
        "You do this consistently and can show it works.",
    ]


def test_rating_guidance_of_a_draft_can_change(draft):
    added = new_guidance(draft)
    added.save()
    RatingGuidance.objects.filter(pk=added.pk).update(descriptor="Reworded")
    draft.rating_guidance.filter(stage=None).delete()

    assert [
        (row.stage.key if row.stage else None, row.descriptor)
        for row in draft.rating_guidance.all()
    ] == [
        ("understand", "Little helps people understand risk."),
        ("know", "Reworded"),
    ]


# make_edition gives Understand guidance for Poorly, and the checklist guidance for Well.
@pytest.mark.parametrize(
    ("stage", "rating"),
    [("understand", RatingGuidance.Rating.POORLY), (None, RatingGuidance.Rating.WELL)],
    ids=["stage", "checklist"],
)
def test_rating_guidance_is_one_row_per_stage_and_rating(draft, stage, rating):
    with pytest.raises(IntegrityError), transaction.atomic():
        new_guidance(draft, stage=stage, rating=rating).save()

    new_guidance(draft, stage=stage, rating=RatingGuidance.Rating.MODERATELY).save()
    assert draft.rating_guidance.count() == 3


def test_rating_guidance_stage_must_be_of_its_edition(draft, released):
    guidance = new_guidance(draft)
    guidance.stage = released.stages.get(key="know")

    with pytest.raises(ValidationError) as caught:
        guidance.full_clean()

    assert caught.value.message_dict["stage"] == ["Choose a stage of the same edition."]


def test_rating_guidance_reads_in_stage_order_then_rating_with_the_checklist_last(draft):
    for stage, rating in [("recover", 3), (None, 1), ("know", 2), ("know", 1)]:
        new_guidance(draft, stage=stage, rating=rating).save()

    assert [str(row) for row in draft.rating_guidance.select_related("stage")] == [
        "Understand: Poorly",
        "Know: Poorly",
        "Know: Moderately",
        "Recover: Well",
        "Checklist: Poorly",
        "Checklist: Well",
    ]
