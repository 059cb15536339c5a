from django.urls import path

from assessments.views import (
    accounts,
    assessments,
    comparison,
    dashboard,
    exports,
    organisations,
    reports,
    sections,
)

app_name = "assessments"

urlpatterns = [
    # Accounts (Django's auth views for login, logout and password reset live in drf_site/urls.py)
    path("accounts/signup/", accounts.signup, name="signup"),
    # Organisations and members
    path("orgs/", organisations.organisation_list, name="home"),
    path("orgs/new/", organisations.organisation_create, name="organisation_create"),
    path("orgs/<slug:org>/", dashboard.dashboard, name="dashboard"),
    path(
        "orgs/<slug:org>/settings/", organisations.organisation_update, name="organisation_update"
    ),
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
    path("invitations/<str:token>/", organisations.accept_invitation, name="accept_invitation"),
    # Assessments
    path("orgs/<slug:org>/assessments/new/", assessments.assessment_create, name="create"),
    path("orgs/<slug:org>/assessments/compare/", comparison.assessment_compare, name="compare"),
    path("orgs/<slug:org>/assessments/<int:pk>/", assessments.assessment_detail, name="detail"),
    path("orgs/<slug:org>/assessments/<int:pk>/report/", reports.report, name="report"),
    path("orgs/<slug:org>/assessments/<int:pk>/report.pdf", reports.report_pdf, name="report_pdf"),
    path(
        "orgs/<slug:org>/assessments/<int:pk>/history/",
        assessments.assessment_history,
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
        sections.people_section,
        name="people_section",
    ),
    path(
        "orgs/<slug:org>/assessments/<int:pk>/domains/<slug:domain>/",
        sections.domain_section,
        name="domain_section",
    ),
    path(
        "orgs/<slug:org>/assessments/<int:pk>/checklist/",
        sections.checklist_section,
        name="checklist_section",
    ),
    path(
        "orgs/<slug:org>/assessments/<int:pk>/check/",
        assessments.assessment_check,
        name="check",
    ),
    path(
        "orgs/<slug:org>/assessments/<int:pk>/complete/",
        assessments.assessment_complete,
        name="complete",
    ),
    path(
        "orgs/<slug:org>/assessments/<int:pk>/reopen/",
        assessments.assessment_reopen,
        name="reopen",
    ),
    path(
        "orgs/<slug:org>/assessments/<int:pk>/delete/",
        assessments.assessment_delete,
        name="delete",
    ),
]
