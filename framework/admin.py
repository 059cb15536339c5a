"""The admin is how a non-technical editor maintains the framework.

A published or archived edition is in use by saved assessments, so it and all its content are shown
read-only here (the models refuse changes too; the admin just never offers them). To change it, the
editor duplicates it as a draft, edits the draft and publishes that (framework/services.py).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from framework import services
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
    RatingGuidance,
    Resource,
    Stage,
    Step,
)

KEY_HELP = (
    "Keys are stable identifiers used to compare assessments across editions: keep a row's key "
    "when you reword it, and only give it a new key when it means something new. "
    "Position sets the order in lists (lowest first)."
)
# Compact widgets so a row of a list on the parent's page fits the screen.
COMPACT = {
    models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})},
    models.SlugField: {"widget": forms.TextInput(attrs={"size": 24})},
}


def edition_of(obj: models.Model | None) -> Edition | None:
    if obj is None or isinstance(obj, Edition):
        return obj
    return obj.get_edition()


def is_editable(obj: models.Model | None) -> bool:
    """Only a draft edition and its content can be changed; None means a new row."""
    edition = edition_of(obj)
    return edition is None or edition.is_draft


def limit_choices(form_class: type[forms.BaseForm], edition: Edition | None) -> None:
    """Offer only rows of `edition` in the form's choice fields, or rows of any draft when adding.

    `form_class` is the class the admin has just built for this request, so changing its fields
    affects no other request.
    """
    for field in form_class.base_fields.values():
        if not isinstance(field, forms.ModelChoiceField):
            continue
        queryset = field.queryset
        if queryset.model is Edition:
            field.queryset = queryset.filter(status=Edition.Status.DRAFT)
            continue
        lookup = queryset.edition_path
        if edition is not None:
            field.queryset = queryset.filter(**{lookup: edition})
        else:
            field.queryset = queryset.filter(
                **{f"{lookup}__status": Edition.Status.DRAFT}
            ).select_related(lookup)
            # Several drafts may share names ("Connectivity"), so say which edition each is from.
            field.label_from_instance = lambda row: f"{row} ({row.get_edition()})"


class EditionStatusFilter(admin.SimpleListFilter):
    title = "edition status"
    parameter_name = "edition_status"

    def lookups(self, request, model_admin):
        return Edition.Status.choices

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(**{f"{queryset.edition_path}__status": self.value()})


class KeyFilter(admin.SimpleListFilter):
    """Filter on a related row's key, so one choice covers the same row in every edition."""

    related_model: type[models.Model]

    def lookups(self, request, model_admin):
        names = {}
        for key, name in self.related_model.objects.values_list("key", "name"):
            names.setdefault(key, name)
        return list(names.items())

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(**{f"{self.parameter_name}__key": self.value()}).distinct()


class DomainFilter(KeyFilter):
    title = "domain"
    parameter_name = "domain"
    related_model = Domain


class StageFilter(KeyFilter):
    title = "stage"
    parameter_name = "stage"
    related_model = Stage


class TaggedDomainFilter(DomainFilter):
    parameter_name = "domains"


class TaggedStageFilter(StageFilter):
    parameter_name = "stages"


class TaggedAudienceFilter(KeyFilter):
    title = "who it is for"
    parameter_name = "audiences"
    related_model = Audience


class LabelledInlineFormSet(forms.BaseInlineFormSet):
    """A tabular inline shows each field's label once, as its column heading, which labels none
    of the inputs below it: give every input its own accessible name, e.g. "Name, row 2"."""

    def add_fields(self, form: forms.BaseForm, index: int | None) -> None:
        super().add_fields(form, index)
        row = "new row" if index is None else f"row {index + 1}"
        for field in form.fields.values():
            # Radio buttons and lists of tick boxes are named by their options' own labels.
            if field.widget.is_hidden or isinstance(field.widget, forms.RadioSelect):
                continue
            field.widget.attrs.setdefault("aria-label", f"{field.label}, {row}")


class ContentInline(admin.TabularInline):
    """Rows edited on their parent's page; read-only when the parent's edition is not a draft."""

    extra = 0
    formset = LabelledInlineFormSet
    formfield_overrides = COMPACT

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        # No add/change/delete icons beside a stage or tag: edit those on their own pages.
        if formfield is not None and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            formfield.widget = formfield.widget.widget
        return formfield

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        limit_choices(formset.form, edition_of(obj))
        return formset

    def has_add_permission(self, request, obj=None):
        return is_editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return is_editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_editable(obj) and super().has_delete_permission(request, obj)


class ContentAdmin(admin.ModelAdmin):
    """A row of an edition: editable while its edition is a draft, read-only afterwards."""

    # Content never moves between editions: the duplicate keeps its key in the new edition.
    readonly_on_change: tuple[str, ...] = ("edition",)
    list_filter = ("edition", EditionStatusFilter)
    list_select_related = ("edition",)

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly + self.readonly_on_change if obj is not None else readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        limit_choices(form, edition_of(obj))
        return form

    def has_change_permission(self, request, obj=None):
        return is_editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_editable(obj) and super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and not is_editable(obj) and request.method == "GET":
            edition = edition_of(obj)
            self.message_user(
                request,
                format_html(
                    "This belongs to <a href='{}'>{}</a>, which is {} and in use by saved "
                    "assessments, so it cannot be changed. Duplicate the edition to make changes.",
                    reverse("admin:framework_edition_change", args=[edition.pk]),
                    f"{edition.title} {edition.version}",
                    edition.get_status_display().lower(),
                ),
                messages.WARNING,
            )
        return super().change_view(request, object_id, form_url, extra_context)


class StageInline(ContentInline):
    model = Stage
    fields = ("name", "key", "position")
    prepopulated_fields = {"key": ("name",)}


class AudienceInline(ContentInline):
    model = Audience
    fields = ("name", "key", "position")
    prepopulated_fields = {"key": ("name",)}
    verbose_name_plural = "audiences (who a member organisation's resources are for)"


class StepInline(ContentInline):
    model = Step
    fields = ("title", "text", "key", "position")
    prepopulated_fields = {"key": ("title",)}


class DefinitionInline(ContentInline):
    model = Definition
    fields = ("title", "text", "key", "position")
    prepopulated_fields = {"key": ("title",)}


class FeatureInline(ContentInline):
    model = Feature
    fields = ("text", "key", "position")
    verbose_name_plural = "features associated with resilience"


class FactorInline(ContentInline):
    model = Factor
    fields = ("kind", "name", "key", "position")
    prepopulated_fields = {"key": ("name",)}


class ChecklistStatementInline(ContentInline):
    model = ChecklistStatement
    fields = ("text", "key", "position")


class RatingGuidanceFormSet(LabelledInlineFormSet):
    def clean(self) -> None:
        """Refuse two rows for the same stage and rating before the database does."""
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            stage, rating = form.cleaned_data.get("stage"), form.cleaned_data.get("rating")
            if rating is None:
                continue
            if (stage, rating) in seen:
                where = stage.name if stage else "the checklist"
                label = RatingGuidance.Rating(rating).label
                raise ValidationError(
                    f"There are two rows of guidance for {label} in {where}: keep one.",
                    code="duplicate",
                )
            seen.add((stage, rating))


class RatingGuidanceInline(ContentInline):
    model = RatingGuidance
    formset = RatingGuidanceFormSet
    fields = ("stage", "rating", "descriptor", "school_example", "charity_example")
    verbose_name_plural = (
        "rating guidance (this tool's own guidance on Poorly, Moderately and Well, shown under "
        "each question of the walk-through; not part of the UKCIS framework)"
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("stage")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        stage = formset.form.base_fields.get("stage")
        if stage is not None:
            stage.empty_label = "The checklist (no stage)"
            # Read the stages once for every row's menu, not once per row.
            stage.choices = list(stage.choices)
        return formset


class PublishEditionForm(forms.Form):
    """The key and version label a draft is published under: both fixed once it is published."""

    key = forms.SlugField(
        max_length=Edition._meta.get_field("key").max_length,
        help_text="Stable identifier used in exports, e.g. ukcis-drf-2027. Lowercase letters, "
        "numbers and hyphens.",
        error_messages={
            "required": "Enter a key",
            "invalid": "The key can only contain lowercase letters, numbers, hyphens and "
            "underscores",
        },
    )
    version = forms.CharField(
        label="Version label",
        max_length=Edition._meta.get_field("version").max_length,
        help_text="Shown on reports, e.g. 2.0 or 2027 review.",
        error_messages={"required": "Enter a version label"},
    )

    def __init__(self, *args, edition: Edition, **kwargs) -> None:
        super().__init__(*args, initial={"key": edition.key, "version": edition.version}, **kwargs)
        self.edition = edition

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if Edition.objects.exclude(pk=self.edition.pk).filter(key=key).exists():
            raise ValidationError(
                f"An edition with the key “{key}” already exists. Choose a key no other "
                "edition has.",
                code="unique",
            )
        return key


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    change_form_template = "admin/framework/edition/change_form.html"
    list_display = ("title", "version", "status", "published_at", "based_on")
    list_filter = ("status",)
    list_select_related = ("based_on",)
    search_fields = ("title", "version", "key")
    readonly_fields = ("status", "published_at", "based_on", "created_at")
    prepopulated_fields = {"key": ("title", "version")}
    actions = ("duplicate", "publish")
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 4})}}
    inlines = (
        StageInline,
        StepInline,
        DefinitionInline,
        FeatureInline,
        FactorInline,
        ChecklistStatementInline,
        RatingGuidanceInline,
        AudienceInline,
    )
    fieldsets = (
        (
            "Identity",
            {
                "fields": ("title", "version", "key", "status", "published_at", "based_on"),
                "description": (
                    "An edition is one released version of the framework. Edit a draft, then "
                    "publish it: new assessments then use it and the previous published edition "
                    "is archived. Published and archived editions cannot be changed, because "
                    "saved assessments point at them; duplicate one as a new draft instead. "
                    "Domains, questions, member organisations and their resources are edited "
                    "on their own pages (see the menu); the lists further down this page hold "
                    "the edition's stages, steps, definitions, features, factors, checklist "
                    "statements, rating guidance and audiences."
                ),
            },
        ),
        (
            "Framework text",
            {
                "fields": (
                    "summary",
                    "introduction",
                    "who_is_it_for",
                    "self_assessment_guidance",
                    "factors_guidance",
                    "factors_prompt",
                    "checklist_guidance",
                    "members_guidance",
                    "about",
                ),
                "description": (
                    "The framework's own words, shown to people using the tool. Reproduce the "
                    "published wording exactly."
                ),
            },
        ),
        (
            "Working group",
            {
                "fields": ("working_group",),
                "classes": ("collapse",),
                "description": (
                    "Written in JSON, a structured format: change the words between quotation "
                    "marks and leave the punctuation around them as it is."
                ),
            },
        ),
        (
            "Attribution and licence",
            {
                "fields": (
                    "source_title",
                    "source_url",
                    "publisher",
                    "licence",
                    "licence_url",
                    "attribution",
                ),
                "classes": ("collapse",),
                "description": (
                    "Where the framework's wording comes from and the licence it is reused "
                    "under. Shown wherever the framework is credited."
                ),
            },
        ),
        ("Record", {"fields": ("created_at",), "classes": ("collapse",)}),
    )

    def has_change_permission(self, request, obj=None):
        return is_editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_editable(obj) and super().has_delete_permission(request, obj)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/duplicate/",
                self.admin_site.admin_view(self.duplicate_view),
                name="framework_edition_duplicate",
            ),
            path(
                "<path:object_id>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="framework_edition_publish",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        edition = self.get_object(request, unquote(object_id))
        if edition is not None and edition.is_draft:
            extra_context = {
                **(extra_context or {}),
                "problems": services.edition_problems(edition),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Duplicate as a new draft", permissions=["add"])
    def duplicate(self, request: HttpRequest, queryset) -> None:
        for edition in queryset:
            self._duplicate(request, edition)

    @admin.action(description="Publish…", permissions=["change"])
    def publish(self, request: HttpRequest, queryset) -> HttpResponseRedirect | None:
        """Go to the chosen draft's confirmation page, where the editor publishes it."""
        if len(queryset) != 1:
            self.message_user(request, "Select exactly one draft to publish.", messages.ERROR)
            return None
        edition = queryset[0]
        if not edition.is_draft:
            self.message_user(request, self._not_a_draft(edition), messages.ERROR)
            return None
        return HttpResponseRedirect(reverse("admin:framework_edition_publish", args=[edition.pk]))

    @staticmethod
    def _not_a_draft(edition: Edition) -> str:
        return (
            f"“{edition}” was NOT published: only a draft can be published. "
            "Duplicate it as a new draft first."
        )

    @staticmethod
    def _publish(request: HttpRequest, edition: Edition, *, key: str, version: str) -> bool:
        """Publish the draft under `key` and `version`; say what happened, and whether it did."""
        try:
            edition = services.publish_edition(edition=edition, key=key, version=version)
        except ValidationError as error:
            messages.error(
                request,
                f"“{edition}” was NOT published. It is still a draft. "
                "Complete the following, then publish it again:",
            )
            for problem in error.messages:
                messages.error(request, problem)
            return False
        messages.success(
            request,
            f"“{edition.title} {edition.version}” is published: new assessments will use it. "
            "The previously published edition is archived.",
        )
        return True

    @staticmethod
    def _duplicate(request: HttpRequest, edition: Edition) -> Edition:
        draft = services.duplicate_edition(edition=edition)
        messages.success(
            request,
            format_html(
                "Created the draft <a href='{}'>{}</a> from “{}”. Edit it, then publish it.",
                reverse("admin:framework_edition_change", args=[draft.pk]),
                draft,
                edition,
            ),
        )
        return draft

    def _edition_or_404(self, request: HttpRequest, object_id: str) -> Edition:
        edition = self.get_object(request, unquote(object_id))
        if edition is None:
            raise Http404("No such edition.")
        return edition

    @staticmethod
    def _change_url(edition: Edition) -> str:
        return reverse("admin:framework_edition_change", args=[edition.pk])

    @method_decorator(require_POST)
    def duplicate_view(self, request: HttpRequest, object_id: str) -> HttpResponseRedirect:
        edition = self._edition_or_404(request, object_id)
        if not self.has_add_permission(request):
            raise PermissionDenied
        draft = self._duplicate(request, edition)
        return HttpResponseRedirect(self._change_url(draft))

    def publish_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Ask for confirmation, and the key and version label, before publishing a draft."""
        edition = self._edition_or_404(request, object_id)
        if not self.has_change_permission(request, edition):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        form = PublishEditionForm(data, edition=edition)
        if form.is_valid():
            if self._publish(request, edition, **form.cleaned_data):
                return HttpResponseRedirect(self._change_url(edition))
            edition.refresh_from_db()  # still the draft it was: the key and version were kept
        context = {
            **self.admin_site.each_context(request),
            "title": "Publish this edition?",
            "subtitle": str(edition),
            "opts": self.opts,
            "original": edition,
            "form": form,
            "problems": services.edition_problems(edition),
            "current": Edition.objects.current(),
        }
        return TemplateResponse(
            request, "admin/framework/edition/publish_confirmation.html", context
        )


@admin.register(Stage)
class StageAdmin(ContentAdmin):
    list_display = ("name", "key", "edition", "position")
    search_fields = ("name", "key")
    fields = ("edition", "name", "key", "position")
    prepopulated_fields = {"key": ("name",)}


@admin.register(Audience)
class AudienceAdmin(StageAdmin):
    pass


@admin.register(Step)
class StepAdmin(ContentAdmin):
    list_display = ("title", "edition", "position")
    search_fields = ("title", "text")
    fields = ("edition", "title", "text", "key", "position")
    prepopulated_fields = {"key": ("title",)}


@admin.register(Definition)
class DefinitionAdmin(StepAdmin):
    pass


@admin.register(Feature)
class FeatureAdmin(ContentAdmin):
    list_display = ("text", "edition", "position")
    search_fields = ("text",)
    fields = ("edition", "text", "key", "position")


class QuestionInline(ContentInline):
    model = Question
    fields = ("stage", "key", "text", "position")
    ordering = ("stage__position", "position", "pk")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("stage")


@admin.register(Domain)
class DomainAdmin(ContentAdmin):
    list_display = ("name", "edition", "position")
    search_fields = ("name", "key", "audience", "scope")
    prepopulated_fields = {"key": ("name",)}
    inlines = (QuestionInline,)
    fieldsets = (
        (
            None,
            {
                "fields": ("edition", "name", "audience", "scope", "things_to_consider"),
                "description": (
                    "A domain is one area of a child's online life, with reflective questions "
                    "for each stage. Save a new domain first, then add its questions below."
                ),
            },
        ),
        ("Key and order", {"fields": ("key", "position"), "description": KEY_HELP}),
    )

    def get_inlines(self, request, obj):
        # Which stages a question may use depends on the domain's edition, known once it is saved.
        return self.inlines if obj is not None else ()


@admin.register(Question)
class QuestionAdmin(ContentAdmin):
    readonly_on_change = ()
    list_display = ("__str__", "domain", "stage", "edition")
    list_filter = ("domain__edition", EditionStatusFilter, DomainFilter, StageFilter)
    list_select_related = ("domain__edition", "stage")
    search_fields = ("text", "key")
    fieldsets = (
        (None, {"fields": ("domain", "stage", "text")}),
        ("Key and order", {"fields": ("key", "position"), "description": KEY_HELP}),
    )

    @admin.display(description="edition", ordering="domain__edition")
    def edition(self, question: Question) -> Edition:
        return question.domain.edition


@admin.register(ChecklistStatement)
class ChecklistStatementAdmin(ContentAdmin):
    list_display = ("__str__", "edition", "position")
    search_fields = ("text", "key")
    fieldsets = (
        (None, {"fields": ("edition", "text")}),
        ("Key and order", {"fields": ("key", "position"), "description": KEY_HELP}),
    )


@admin.register(Factor)
class FactorAdmin(ContentAdmin):
    list_display = ("name", "kind", "edition", "position")
    list_filter = ("edition", EditionStatusFilter, "kind")
    search_fields = ("name", "key")
    prepopulated_fields = {"key": ("name",)}
    fieldsets = (
        (None, {"fields": ("edition", "kind", "name")}),
        ("Key and order", {"fields": ("key", "position"), "description": KEY_HELP}),
    )


class ResourceInline(ContentInline):
    model = Resource
    template = "admin/edit_inline/stacked.html"
    formset = forms.BaseInlineFormSet  # stacked: every field has its visible label
    fields = (
        ("title", "url"),
        "description",
        "stages",
        "audiences",
        "domains",
        "statements",
        ("key", "position"),
    )
    prepopulated_fields = {"key": ("title",)}
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})},
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
    }


@admin.register(MemberOrganisation)
class MemberOrganisationAdmin(ContentAdmin):
    list_display = ("name", "edition", "position")
    search_fields = ("name", "description", "website")
    prepopulated_fields = {"key": ("name",)}
    inlines = (ResourceInline,)
    fieldsets = (
        (
            None,
            {
                "fields": ("edition", "name", "website", "description"),
                "description": (
                    "A UKCIS member whose resources the framework signposts. Save a new member "
                    "first, then add its resources below and tick what each one helps with."
                ),
            },
        ),
        ("Key and order", {"fields": ("key", "position"), "description": KEY_HELP}),
    )

    def get_inlines(self, request, obj):
        # A resource's tags come from the member's edition, known once the member is saved.
        return self.inlines if obj is not None else ()


class ResourceForm(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        member = cleaned_data.get("member") or getattr(self.instance, "member", None)
        if member is None:
            return cleaned_data
        for name in ("stages", "statements", "domains", "audiences"):
            if any(tag.edition_id != member.edition_id for tag in cleaned_data.get(name, ())):
                self.add_error(name, "Choose only tags from the member organisation's edition.")
        return cleaned_data


@admin.register(Resource)
class ResourceAdmin(ContentAdmin):
    form = ResourceForm
    readonly_on_change = ()
    list_display = ("title", "member_name", "edition", "tags")
    list_filter = (
        "member__edition",
        EditionStatusFilter,
        TaggedStageFilter,
        TaggedAudienceFilter,
        TaggedDomainFilter,
    )
    list_select_related = ("member__edition",)
    search_fields = ("title", "description", "url")
    filter_horizontal = ("stages", "statements", "domains", "audiences")
    prepopulated_fields = {"key": ("title",)}
    fieldsets = (
        (None, {"fields": ("member", "title", "url", "description")}),
        (
            "What it helps with",
            {
                "fields": ("stages", "audiences", "domains", "statements"),
                "description": (
                    "These tags decide where the resource is suggested: on a stage, to an "
                    "audience, in a domain and beside checklist statements."
                ),
            },
        ),
        ("Key and order", {"fields": ("key", "position"), "description": KEY_HELP}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("stages", "audiences", "domains", "statements")
        )

    # A method rather than the field, so that long names wrap instead of widening the table.
    @admin.display(description="member organisation", ordering="member__name")
    def member_name(self, resource: Resource) -> str:
        return resource.member.name

    @admin.display(description="edition", ordering="member__edition")
    def edition(self, resource: Resource) -> Edition:
        return resource.member.edition

    @admin.display(description="tagged with")
    def tags(self, resource: Resource) -> str:
        counts = {
            "stage": len(resource.stages.all()),
            "audience": len(resource.audiences.all()),
            "domain": len(resource.domains.all()),
            "statement": len(resource.statements.all()),
        }
        return (
            ", ".join(
                f"{number} {name}{pluralize(number)}" for name, number in counts.items() if number
            )
            or "nothing yet"
        )
