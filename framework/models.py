"""The UKCIS Digital Resilience Framework as data.

Everything hangs off an Edition. A published edition is a released version: it is never changed
or deleted in place, because saved assessments and their reports point at its questions. Admins
duplicate an edition as a draft, edit the draft and publish it (see framework/services.py).
Every content row carries a `key` that stays the same across editions, so answers can be compared
and exported by key.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.text import Truncator


class AgeGroup(models.TextChoices):
    """Age groups of the people an organisation supports. Audiences of resources name the age
    groups they suit, so signposting can put the right resources first."""

    UNDER_5 = "under-5", "Under 5"
    AGE_5_10 = "5-10", "5–10"
    AGE_11_13 = "11-13", "11–13"
    AGE_14_17 = "14-17", "14–17"
    AGE_18_24 = "18-24", "18–24"
    ADULTS = "adults", "Adults"
    OLDER_ADULTS = "older-adults", "Older adults"


class EditionLocked(ValidationError):
    """Raised on any attempt to change or delete a published or archived edition's content."""


# Why these guards live in the model layer and not in services: they protect integrity, not a
# workflow. Saved assessments and their reports point at a released edition's rows, so every
# path that writes rows (save, delete, queryset update/delete, bulk_create, resource tag
# changes from either side) must refuse to change a released edition, whoever calls it.


class EditionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Edition.Status.PUBLISHED)

    def released(self):
        return self.exclude(status=Edition.Status.DRAFT)

    def current(self) -> "Edition | None":
        """The edition new assessments start on: the published one.

        Publishing archives every other published edition, so at most one edition is published
        at a time; other released editions are archived. The ordering only breaks a tie.
        """
        return self.published().order_by("-published_at", "-pk").first()

    def update(self, **kwargs):
        if self.released().exists():
            raise EditionLocked("Published and archived editions cannot be changed.", code="locked")
        if Edition.RELEASE_FIELDS & kwargs.keys():
            raise EditionLocked(
                "An edition is released only by publishing it (services.publish_edition).",
                code="locked",
            )
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if any(obj.status != Edition.Status.DRAFT for obj in objs):
            raise EditionLocked("Editions start as drafts.", code="locked")
        return super().bulk_create(objs, *args, **kwargs)

    def delete(self):
        if self.released().exists():
            raise EditionLocked("Published and archived editions cannot be deleted.", code="locked")
        return super().delete()

    # The only status changes there are, each used by framework/services.py: a draft is released
    # (published, or archived when loaded from a file without becoming current), and publishing
    # archives the edition it supersedes. They bypass `update()` above on purpose.

    def release(self, *, status: str, published_at) -> int:
        """Release the drafts among these editions as published or archived."""
        if status not in (Edition.Status.PUBLISHED, Edition.Status.ARCHIVED):
            raise ValueError(f"Cannot release an edition as {status!r}.")
        drafts = self.filter(status=Edition.Status.DRAFT)
        return super(EditionQuerySet, drafts).update(status=status, published_at=published_at)

    def archive(self) -> int:
        """Archive the published editions among these (they are superseded)."""
        published = self.published()
        return super(EditionQuerySet, published).update(status=Edition.Status.ARCHIVED)


class Edition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived (superseded)"

    # Changed only by EditionQuerySet.release() and archive().
    RELEASE_FIELDS = frozenset({"status", "published_at"})

    key = models.SlugField(
        max_length=80,
        unique=True,
        help_text="Stable identifier used in exports, e.g. ukcis-drf-2019.",
    )
    title = models.CharField(max_length=200)
    version = models.CharField(
        "version label", max_length=40, help_text="Shown on reports, e.g. 1.0 or 2026 review."
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    published_at = models.DateTimeField("published", null=True, blank=True, editable=False)
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="derived_editions",
        editable=False,
    )
    summary = models.TextField(blank=True)
    introduction = models.TextField(blank=True)
    who_is_it_for = models.TextField("who is it for", blank=True)
    two_steps = models.CharField(
        "two steps heading",
        max_length=200,
        blank=True,
        help_text="Heading of the steps to using the framework.",
    )
    self_assessment_guidance = models.TextField(blank=True)
    factors_guidance = models.TextField(
        blank=True, help_text="Introduces the internal and external factors."
    )
    factors_prompt = models.TextField(
        blank=True, help_text="Shown beside every domain's things to consider."
    )
    checklist_guidance = models.TextField(blank=True)
    members_guidance = models.TextField(blank=True)
    about = models.TextField(blank=True)
    working_group = models.JSONField(
        default=dict,
        blank=True,
        help_text="The working group's name, url, about text, quote and case studies.",
    )
    source_title = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    licence = models.CharField(max_length=200, blank=True)
    licence_url = models.URLField(blank=True)
    attribution = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]

    def __str__(self) -> str:
        return f"{self.title} {self.version} ({self.get_status_display().lower()})"

    def save(self, *args, **kwargs):
        # Integrity guard, not business logic: a released edition is immutable, and an edition
        # is released only through EditionQuerySet.release(), used by framework/services.py.
        stored = self.stored_status()
        if stored not in (None, self.Status.DRAFT):
            raise EditionLocked(
                f"“{self}” is {self.get_status_display().lower()} and cannot be changed. "
                "Duplicate it as a new draft to edit it.",
                code="locked",
            )
        if self.status != self.Status.DRAFT or self.published_at is not None:
            raise EditionLocked(
                "An edition is released only by publishing it (services.publish_edition).",
                code="locked",
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("framework:framework")

    def delete(self, *args, **kwargs):
        if not self.stored_is_draft():
            raise EditionLocked("Published and archived editions cannot be deleted.", code="locked")
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def stored_status(self) -> str | None:
        """The status in the database, which is what counts (the instance may be stale)."""
        if not self.pk:
            return None
        return Edition.objects.filter(pk=self.pk).values_list("status", flat=True).first()

    def stored_is_draft(self) -> bool:
        return self.stored_status() in (None, self.Status.DRAFT)

    def ensure_editable(self) -> None:
        if not self.stored_is_draft():
            raise EditionLocked(
                f"“{self}” is {self.get_status_display().lower()}: its content cannot be changed. "
                "Duplicate it as a new draft to make changes.",
                code="locked",
            )


class EditionContentQuerySet(models.QuerySet):
    # How a row reaches its edition; the first step is the row's owner (edition, domain or member).
    edition_path = "edition"

    def released(self):
        """The rows that belong to a published or archived edition."""
        return self.exclude(**{f"{self.edition_path}__status": Edition.Status.DRAFT})

    def delete(self):
        if self.released().exists():
            raise EditionLocked("Content of a published edition cannot be deleted.", code="locked")
        return super().delete()

    def update(self, **kwargs):
        if self.released().exists():
            raise EditionLocked("Content of a published edition cannot be changed.", code="locked")
        owner = self.edition_path.split("__")[0]
        for name in (owner, f"{owner}_id"):
            if name in kwargs:
                self._refuse_released_owners([kwargs[name]])
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        owner = self.edition_path.split("__")[0]
        self._refuse_released_owners([getattr(obj, f"{owner}_id") for obj in objs])
        # With update_conflicts, rows given with a primary key may overwrite stored rows.
        stored = [obj.pk for obj in objs if obj.pk is not None]
        if stored and self.model._default_manager.filter(pk__in=stored).released().exists():
            raise EditionLocked("Content of a published edition cannot be changed.", code="locked")
        return super().bulk_create(objs, *args, **kwargs)

    def _refuse_released_owners(self, owners: list) -> None:
        """Refuse to put rows under an owner (edition, domain or member) of a released edition."""
        if any(hasattr(owner, "resolve_expression") for owner in owners):
            raise EditionLocked("Move content between editions one row at a time.", code="locked")
        pks = {getattr(owner, "pk", owner) for owner in owners} - {None}
        if not pks:
            return
        owner, _, rest = self.edition_path.partition("__")
        status = f"{rest}__status" if rest else "status"
        model = self.model._meta.get_field(owner).related_model
        rows = model._base_manager.filter(pk__in=pks)
        if rows.exclude(**{status: Edition.Status.DRAFT}).exists():
            raise EditionLocked(
                "Content cannot be added to a published or archived edition.", code="locked"
            )


class QuestionQuerySet(EditionContentQuerySet):
    edition_path = "domain__edition"


class ResourceQuerySet(EditionContentQuerySet):
    edition_path = "member__edition"


class EditionContent(models.Model):
    """Rows that belong to an edition and share its immutability once published."""

    key = models.SlugField(max_length=80, help_text="Stable identifier, kept across editions.")
    position = models.PositiveIntegerField(default=0, help_text="Order in lists (lowest first).")

    objects = EditionContentQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def save(self, *args, **kwargs):
        self.get_edition().ensure_editable()
        if self.pk:
            # Moving a row out of a published edition would change that edition too.
            stored = type(self).objects.filter(pk=self.pk).first()
            if stored is not None:
                stored.get_edition().ensure_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.get_edition().ensure_editable()
        return super().delete(*args, **kwargs)

    def get_edition(self) -> Edition:
        return self.edition


class Stage(EditionContent):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(max_length=60)

    class Meta(EditionContent.Meta):
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="unique_stage_key"),
        ]

    def __str__(self) -> str:
        return self.name


class Audience(EditionContent):
    """Who a member organisation's resource is for."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="audiences")
    name = models.CharField(max_length=80)
    age_groups = models.JSONField(
        default=list,
        blank=True,
        help_text="The age groups whose organisations this audience's resources suit, e.g. "
        "parents and carers for under-5 to 14–17. Leave empty for an audience that is not about "
        "an age group (professionals): the report then never ranks by it.",
    )

    class Meta(EditionContent.Meta):
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="unique_audience_key"),
        ]

    def __str__(self) -> str:
        return self.name

    def suits(self, age_groups: list[str]) -> bool:
        """Whether this audience's resources suit an organisation supporting `age_groups`."""
        return bool(set(self.age_groups) & set(age_groups))


class Step(EditionContent):
    """The framework's "two steps to using the Digital Resilience Framework"."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(max_length=120)
    text = models.TextField(blank=True)

    class Meta(EditionContent.Meta):
        constraints = [models.UniqueConstraint(fields=["edition", "key"], name="unique_step_key")]

    def __str__(self) -> str:
        return self.title


class Definition(EditionContent):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="definitions")
    title = models.CharField(max_length=200)
    text = models.TextField()

    class Meta(EditionContent.Meta):
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="unique_definition_key"),
        ]

    def __str__(self) -> str:
        return self.title


class Feature(EditionContent):
    """A feature associated with resilience."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="features")
    text = models.CharField(max_length=300)

    class Meta(EditionContent.Meta):
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="unique_feature_key"),
        ]

    def __str__(self) -> str:
        return self.text


class Domain(EditionContent):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="domains")
    name = models.CharField(max_length=80)
    audience = models.CharField(
        "who it is for",
        max_length=300,
        help_text="E.g. “Public and private providers of access to the internet”.",
    )
    scope = models.TextField(
        "what it includes", help_text="E.g. “Including any access point to the internet…”."
    )
    things_to_consider = models.TextField(blank=True)

    class Meta(EditionContent.Meta):
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="unique_domain_key"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("framework:domain", args=[self.key])


class Question(EditionContent):
    """A reflective question of a domain, asked at one stage."""

    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="questions")
    # RESTRICT: a stage with questions cannot be deleted on its own, but a draft edition can be
    # deleted whole (its domains take their questions with them).
    stage = models.ForeignKey(Stage, on_delete=models.RESTRICT, related_name="questions")
    text = models.TextField()

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["domain__position", "stage__position", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["domain", "key"], name="unique_question_key"),
        ]

    def __str__(self) -> str:
        return Truncator(self.text).chars(80)

    def get_edition(self) -> Edition:
        return self.domain.edition

    def clean(self) -> None:
        if self.domain_id and self.stage_id and self.stage.edition_id != self.domain.edition_id:
            raise ValidationError(
                {"stage": "Choose a stage of the same edition as the domain."}, code="edition"
            )


class ChecklistStatement(EditionContent):
    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="checklist_statements"
    )
    text = models.TextField()

    class Meta(EditionContent.Meta):
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="unique_statement_key"),
        ]

    def __str__(self) -> str:
        return Truncator(self.text).chars(80)


class RatingGuidance(EditionContent):
    """What Poorly, Moderately and Well mean at one stage of the domains' questions, or for the
    checklist (no stage), with an example for a school and one for a charity.

    This is the tool's own guidance, not UKCIS framework text: pages say so wherever they show
    it. A row is identified by its stage and rating, in every edition, so it needs no key of its
    own, and its order follows the stages'.
    """

    class Rating(models.IntegerChoices):
        # The ratings of assessments.models.Rating, which the framework cannot import.
        POORLY = 1, "Poorly"
        MODERATELY = 2, "Moderately"
        WELL = 3, "Well"

    key = None
    position = None
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="rating_guidance")
    stage = models.ForeignKey(
        Stage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rating_guidance",
        help_text="Leave empty for the self-assessment checklist.",
    )
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    descriptor = models.TextField(help_text="What the rating means, in a sentence or two.")
    school_example = models.TextField("example for a school")
    charity_example = models.TextField("example for a charity")

    class Meta:
        verbose_name = "rating guidance"
        verbose_name_plural = "rating guidance"
        ordering = [models.F("stage__position").asc(nulls_last=True), "stage_id", "rating"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "stage", "rating"],
                condition=models.Q(stage__isnull=False),
                name="unique_stage_rating_guidance",
                violation_error_message="This stage already has guidance for this rating.",
            ),
            models.UniqueConstraint(
                fields=["edition", "rating"],
                condition=models.Q(stage__isnull=True),
                name="unique_checklist_rating_guidance",
                violation_error_message="The checklist already has guidance for this rating.",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__in=[1, 2, 3]), name="rating_guidance_rating"
            ),
        ]

    def __str__(self) -> str:
        where = self.stage.name if self.stage_id else "Checklist"
        return f"{where}: {self.get_rating_display()}"

    def clean(self) -> None:
        if self.edition_id and self.stage_id and self.stage.edition_id != self.edition_id:
            raise ValidationError({"stage": "Choose a stage of the same edition."}, code="edition")


class Factor(EditionContent):
    class Kind(models.TextChoices):
        INTERNAL = "internal", "Internal factor"
        EXTERNAL = "external", "External factor"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="factors")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=200)

    class Meta(EditionContent.Meta):
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="unique_factor_key"),
        ]

    def __str__(self) -> str:
        return self.name


class MemberOrganisation(EditionContent):
    """A UKCIS member whose resources the framework signposts."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(max_length=200)
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)

    class Meta(EditionContent.Meta):
        verbose_name = "member organisation"
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="unique_member_key"),
        ]

    def __str__(self) -> str:
        return self.name


class Resource(EditionContent):
    """Help a member organisation offers, tagged with what it helps with."""

    member = models.ForeignKey(
        MemberOrganisation, on_delete=models.CASCADE, related_name="resources"
    )
    title = models.CharField(max_length=200)
    url = models.URLField("URL")
    description = models.TextField("what it offers")
    stages = models.ManyToManyField(Stage, blank=True, related_name="resources")
    statements = models.ManyToManyField(
        ChecklistStatement,
        blank=True,
        related_name="resources",
        verbose_name="checklist statements",
    )
    domains = models.ManyToManyField(Domain, blank=True, related_name="resources")
    audiences = models.ManyToManyField(Audience, blank=True, related_name="resources")

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["member__position", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "key"], name="unique_resource_key"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_edition(self) -> Edition:
        return self.member.edition


def _refuse_tag_changes_in_released_editions(
    sender, instance, action, reverse, model, pk_set, **kwargs
) -> None:
    """Integrity guard for resource tags, which `save()` never sees: adding, removing or
    clearing a tag of a published edition's resource would change that edition in place.

    Either side may be released: `stage.resources.add(resource)` arrives with the stage as
    `instance` (reverse) and the resource in `pk_set`, so both sides are checked.
    """
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    instance.get_edition().ensure_editable()
    others = model._default_manager.all()
    if action == "pre_clear":
        field = _TAG_FIELDS[sender]
        others = others.filter(**{field.name if reverse else field.related_query_name(): instance})
    else:
        others = others.filter(pk__in=pk_set)
    if others.released().exists():
        raise EditionLocked(
            "Tags linking to a published or archived edition's rows cannot change.", code="locked"
        )


_TAG_FIELDS = {
    tags.through: tags.field
    for tags in (Resource.stages, Resource.statements, Resource.domains, Resource.audiences)
}
for _through in _TAG_FIELDS:
    models.signals.m2m_changed.connect(_refuse_tag_changes_in_released_editions, sender=_through)
