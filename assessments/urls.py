from django.urls import path

from assessments.actions import views as actions  # noqa: F401 (until its URLs are added)
from assessments.editions import views as editions  # noqa: F401 (until its URLs are added)
from assessments.exports import views as exports
from assessments.groups import views as groups  # noqa: F401 (until its URLs are added)
from assessments.organisations import views as organisations
from assessments.reporting import views as reporting
from assessments.reviews import views as reviews  # noqa: F401 (until its URLs are added)
from assessments.walkthrough import views as walkthrough

app_name = "assessments"

urlpatterns = [
    # Accounts (Django's auth views for login, logout and password reset live in drf_site/urls.py)
    path("accounts/signup/", organisations.signup, name="signup"),
    path("accounts/signup/sent/", organisations.signup_sent, name="signup_sent"),
    path(
        "accounts/signup/confirm/<str:token>/",
        organisations.signup_confirm,
        name="signup_confirm",
    ),
    path("accounts/profile/", organisations.profile, name="profile"),
    # Organisations and members
    path("orgs/", organisations.organisation_list, name="home"),
    path("orgs/new/", organisations.organisation_create, name="organisation_create"),
    path("orgs/<slug:org>/", reporting.dashboard, name="dashboard"),
    path(
        "orgs/<slug:org>/settings/", organisations.organisation_update, name="organisation_update"
    ),
    path("orgs/<slug:org>/delete/", organisations.organisation_delete, name="organisation_delete"),
    path("orgs/<slug:org>/members/", organisations.member_list, name="members"),
    path("orgs/<slug:org>/members/invite/", organisations.member_invite, name="member_invite"),
    path(
        "orgs/<slug:org>/members/<int:membership_id>/role/",
        organisations.member_role,
        name="member_role",
    ),
    path(
        "orgs/<slug:org>/members/<int:membership_id>/remove/",
        organisations.member_remove,
        name="member_remove",
    ),
    path(
        "orgs/<slug:org>/invitations/<int:invitation_id>/resend/",
        organisations.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "orgs/<slug:org>/invitations/<int:invitation_id>/revoke/",
        organisations.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", organisations.accept_invitation, name="accept_invitation"),
    path(
        "invitations/<str:token>/decline/",
        organisations.decline_invitation,
        name="decline_invitation",
    ),
    # Assessments
    path("orgs/<slug:org>/assessments/new/", walkthrough.assessment_create, name="create"),
    path("orgs/<slug:org>/assessments/compare/", reporting.assessment_compare, name="compare"),
    path("orgs/<slug:org>/assessments/<int:pk>/", walkthrough.assessment_detail, name="detail"),
    path("orgs/<slug:org>/assessments/<int:pk>/report/", reporting.report, name="report"),
    path(
        "orgs/<slug:org>/assessments/<int:pk>/report.pdf", reporting.report_pdf, name="report_pdf"
    ),
    path(
        "orgs/<slug:org>/assessments/<int:pk>/history/",
        walkthrough.assessment_history,
        name="history",
    ),
    path(
        "orgs/<slug:org>/assessments/<int:pk>/export.json",
        exports.export_json,
        name="export_json",
    ),
    path(
        "orgs/<slug:org>/assessments/<int:pk>/export.csv",
        exports.export_csv,
        name="export_csv",
    ),
    path(
        "orgs/<slug:org>/assessments/<int:pk>/actions.csv",
        exports.export_actions_csv,
        name="export_actions_csv",
    ),
    path(
        "orgs/<slug:org>/assessments/<int:pk>/people/",
        walkthrough.people_section,
        name="people_section",
    ),
    path(
        "orgs/<slug:org>/assessments/<int:pk>/domains/<slug:domain>/",
        walkthrough.domain_section,
        name="domain_section",
    ),
    path(
        "orgs/<slug:org>/assessments/<int:pk>/checklist/",
        walkthrough.checklist_section,
        name="checklist_section",
    ),
    path(
        "orgs/<slug:org>/assessments/<int:pk>/check/",
        walkthrough.assessment_check,
        name="check",
    ),
    path(
        "orgs/<slug:org>/assessments/<int:pk>/complete/",
        walkthrough.assessment_complete,
        name="complete",
    ),
    path(
        "orgs/<slug:org>/assessments/<int:pk>/completed/",
        walkthrough.assessment_completed,
        name="completed",
    ),
    path(
        "orgs/<slug:org>/assessments/<int:pk>/sign-off/",
        walkthrough.assessment_sign_off,
        name="sign_off",
    ),
    path(
        "orgs/<slug:org>/assessments/<int:pk>/reopen/",
        walkthrough.assessment_reopen,
        name="reopen",
    ),
    path(
        "orgs/<slug:org>/assessments/<int:pk>/delete/",
        walkthrough.assessment_delete,
        name="delete",
    ),
    # Actions
    # Reviews and reminders
    # Editions
    # Groups (the group's own pages are tested by tests/assessments/groups/test_tenancy.py)
]
