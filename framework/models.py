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


class EditionLocked(ValidationError):
    """Raised on any attempt to change or delete a published or archived edition's content."""


class EditionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Edition.Status.PUBLISHED)

    def current(self) -> "Edition | None":
        """The edition new assessments start on: the newest published one."""
        return self.published().order_by("-published_at", "-pk").first()

    def delete(self):
        if self.exclude(status=Edition.Status.DRAFT).exists():
            raise EditionLocked("Published and archived editions cannot be deleted.", code="locked")
        return super().delete()


class Edition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived (superseded)"

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
        # Integrity guard, not business logic: a released edition is immutable. The only change
        # allowed is the status moving on (published -> archived), done by services.publish_edition.
        if kwargs.get("update_fields") != ["status"] and not self.stored_is_draft():
            raise EditionLocked(
                f"“{self}” is {self.get_status_display().lower()} and cannot be changed. "
                "Duplicate it as a new draft to edit it.",
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

    def stored_is_draft(self) -> bool:
        """The status in the database, which is what counts (the instance may be stale)."""
        if not self.pk:
            return True
        status = Edition.objects.filter(pk=self.pk).values_list("status", flat=True).first()
        return status in (None, self.Status.DRAFT)

    def ensure_editable(self) -> None:
        if not self.stored_is_draft():
            raise EditionLocked(
                f"“{self}” is {self.get_status_display().lower()}: its content cannot be changed. "
                "Duplicate it as a new draft to make changes.",
                code="locked",
            )


class EditionContentQuerySet(models.QuerySet):
    edition_path = "edition"

    def delete(self):
        locked = self.exclude(**{f"{self.edition_path}__status": Edition.Status.DRAFT})
        if locked.exists():
            raise EditionLocked("Content of a published edition cannot be deleted.", code="locked")
        return super().delete()

    def update(self, **kwargs):
        locked = self.exclude(**{f"{self.edition_path}__status": Edition.Status.DRAFT})
        if locked.exists():
            raise EditionLocked("Content of a published edition cannot be changed.", code="locked")
        return super().update(**kwargs)


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

    class Meta(EditionContent.Meta):
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="unique_audience_key"),
        ]

    def __str__(self) -> str:
        return self.name


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


def _refuse_tag_changes_in_released_editions(sender, instance, action, **kwargs) -> None:
    """Integrity guard for resource tags, which `save()` never sees: adding, removing or
    clearing a tag of a published edition's resource would change that edition in place."""
    if action in ("pre_add", "pre_remove", "pre_clear"):
        instance.get_edition().ensure_editable()


for _tags in (Resource.stages, Resource.statements, Resource.domains, Resource.audiences):
    models.signals.m2m_changed.connect(
        _refuse_tag_changes_in_released_editions, sender=_tags.through
    )
