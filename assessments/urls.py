from django.urls import path

from assessments.actions import views as actions
from assessments.editions import views as editions
from assessments.exports import views as exports
from assessments.groups import views as groups
from assessments.organisations import views as organisations
from assessments.reporting import views as reporting
from assessments.reviews import views as reviews
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
    path("orgs/<slug:org>/actions/", actions.action_list, name="actions"),
    path("orgs/<slug:org>/actions/<int:action_id>/", actions.action_detail, name="action"),
    path("orgs/<slug:org>/actions.csv", exports.organisation_actions_csv, name="actions_csv"),
    # Reviews and reminders
    path("orgs/<slug:org>/reviews/", reviews.review_log, name="review_log"),
    path("orgs/<slug:org>/reviews.csv", reviews.review_log_csv, name="review_log_csv"),
    path("orgs/<slug:org>/reviews/interim/", reviews.interim_review, name="interim_review"),
    path("orgs/<slug:org>/reminders/", reviews.reminders, name="reminders"),
    # Editions
    path(
        "orgs/<slug:org>/assessments/<int:pk>/edition/",
        editions.move_edition,
        name="move_edition",
    ),
    # Groups (the group's own pages are tested by tests/assessments/groups/test_tenancy.py)
    path("groups/", groups.group_list, name="group_list"),
    path("groups/new/", groups.group_create, name="group_create"),
    path("groups/<slug:group>/", groups.group_dashboard, name="group_dashboard"),
    path("groups/<slug:group>/export.csv", groups.group_csv, name="group_csv"),
    path("groups/<slug:group>/members/", groups.group_members, name="group_members"),
    path("groups/<slug:group>/invite/", groups.group_invite, name="group_invite"),
    path(
        "groups/<slug:group>/members/<int:membership_id>/role/",
        groups.group_member_role,
        name="group_member_role",
    ),
    path(
        "groups/<slug:group>/members/<int:membership_id>/remove/",
        groups.group_member_remove,
        name="group_member_remove",
    ),
    path(
        "groups/<slug:group>/invitations/<int:invitation_id>/resend/",
        groups.group_invitation_resend,
        name="group_invitation_resend",
    ),
    path(
        "groups/<slug:group>/invitations/<int:invitation_id>/revoke/",
        groups.group_invitation_revoke,
        name="group_invitation_revoke",
    ),
    path(
        "groups/<slug:group>/orgs/<slug:org>/remove/",
        groups.group_organisation_remove,
        name="group_organisation_remove",
    ),
    path("groups/<slug:group>/orgs/<slug:org>/report/", groups.group_report, name="group_report"),
    path(
        "groups/<slug:group>/orgs/<slug:org>/report.pdf",
        groups.group_report_pdf,
        name="group_report_pdf",
    ),
    path("group-invitations/<str:token>/", groups.group_invitation, name="group_invitation"),
    path(
        "group-invitations/<str:token>/decline/",
        groups.group_invitation_decline,
        name="group_invitation_decline",
    ),
    path("orgs/<slug:org>/groups/", groups.organisation_groups, name="organisation_groups"),
    path(
        "orgs/<slug:org>/groups/<slug:group>/",
        groups.organisation_group,
        name="organisation_group",
    ),
]
