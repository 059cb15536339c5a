"""Support staff's view of organisations. Members are managed here; assessments only read."""

from django.contrib import admin
from django.http import HttpRequest

from assessments.models import Assessment, Invitation, Membership, Organisation, Profile
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
    search_fields = ["name", "slug", "memberships__user__email"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at"]
    inlines = [MembershipInline]

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
    search_fields = ["title", "organisation__name"]
    list_select_related = ["organisation", "edition"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Assessment | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Assessment | None = None) -> bool:
        return False
