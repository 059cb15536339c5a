"""Support staff's view of organisations and groups. Members are managed here; assessments,
actions and reminders only read."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext as _

from assessments.models import (
    Action,
    Assessment,
    Group,
    GroupLink,
    GroupMembership,
    Invitation,
    Membership,
    Organisation,
    Profile,
    Reminder,
)
from assessments.organisations import services


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug", "created_at"]
    list_filter = ["kind"]
    # Searched by get_search_results; listing a field here is what shows the search box.
    search_fields = ["name"]
    search_help_text = (
        "The start of the organisation’s name, its exact slug, or a member’s exact email address."
    )
    # Counting every organisation on each search would read them all: the admin counts only
    # the matches.
    show_full_result_count = False
    # Each row costs the admin about a quarter of a millisecond to render, whatever the table's
    # size: 25 a page keeps a page of thousands of organisations near the cost of a short list
    # (bench/scale.py: 50 a page measured 1.1-1.6 times the list of 10).
    list_per_page = 25
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at"]
    inlines = [MembershipInline]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        """Search by what support staff have to hand, each answered from an index (see
        migration 0007) rather than a `LIKE '%…%'` over every organisation and member: the
        start of the name (the whole term, so "Riverside Community" finds it), the exact slug,
        or a member's exact email address (accounts are named by their lower-cased address)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if "@" in term:
            members = Membership.objects.filter(user__username=term.lower())
            return queryset.filter(pk__in=members.values("organisation_id")), False
        return queryset.filter(Q(name__istartswith=term) | Q(slug=term.lower())), False

    def action_checkbox(self, obj: Organisation) -> str:
        """Django's tick box for choosing rows, written directly: rendered through its widget
        template, once per row, it was half the time of a page of organisations."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

    def get_deleted_objects(self, objs, request: HttpRequest):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Assessments are read-only in their own admin, but go with their organisation.
        perms_needed.discard(Assessment._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    # Deleting goes through the service so the organisation's stored files go with it.
    def delete_model(self, request: HttpRequest, obj: Organisation) -> None:
        services.delete_organisation(organisation=obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for organisation in queryset:
            services.delete_organisation(organisation=organisation)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    """People's names and job titles, as the site shows them."""

    list_display = ["full_name", "job_title", "user"]
    search_fields = ["full_name", "job_title", "user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are made by owners on the site (the link exists only in the email); here
    support staff can look them up and delete one to revoke it."""

    list_display = [
        "email",
        "organisation",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "declined_at",
        "revoked_at",
    ]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Invitation | None = None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Read-only, so support staff can see what an organisation has without changing it."""

    list_display = ["title", "organisation", "edition", "status", "created_at", "completed_at"]
    list_filter = ["status", "edition"]
    # Searched by get_search_results; listing a field here is what shows the search box.
    search_fields = ["title"]
    search_help_text = "The start of the assessment’s title or of its organisation’s name."
    list_select_related = ["organisation", "edition"]
    show_full_result_count = False
    list_per_page = 25  # as for organisations: rendering rows, not reading them, is the cost

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        """The start of the title or of the organisation's name (the whole term), each from an
        index (migration 0007). The organisations are looked up first, so the database combines
        two index scans instead of joining every assessment to its organisation to filter."""
        term = search_term.strip()
        if not term:
            return queryset, False
        organisations = list(
            Organisation.objects.filter(name__istartswith=term)
            .order_by()
            .values_list("pk", flat=True)
        )
        return queryset.filter(
            Q(title__istartswith=term) | Q(organisation_id__in=organisations)
        ), False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Assessment | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Assessment | None = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that people make on the site, with their history: support staff look, never edit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "organisation", "assessment", "status", "target_date", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["organisation", "assessment", "answer"]
    search_fields = ["organisation__name__istartswith"]
    search_help_text = "The start of the organisation’s name."
    show_full_result_count = False
    list_per_page = 25


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    """Which reminders went to whom: `send_reminders` never sends one twice."""

    list_display = ["kind", "user", "organisation", "subject", "due_on", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username__istartswith"]
    search_help_text = "The start of the person’s email address."
    show_full_result_count = False


class GroupMembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]


class GroupLinkInline(admin.TabularInline):
    """Only an organisation's owner chooses to share with a group: here the links only show."""

    model = GroupLink
    extra = 0
    fields = ["organisation", "sharing", "joined_at", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name__istartswith", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at"]
    inlines = [GroupMembershipInline, GroupLinkInline]
