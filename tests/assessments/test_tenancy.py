"""Every URL of the assessments app, for every role, with GET and POST.

The URLs are read from `assessments.urls`, so a new URL fails this module until LEVELS says who
may use it and `url_kwargs` knows how to fill its arguments.

What each role gets:
- anonymous: the login page (with ?next=) everywhere except the public pages;
- a method the URL does not accept: 405 for every signed-in user, before any lookup, so it says
  nothing about whether the organisation exists; a GET of a form's POST-only action instead
  redirects every signed-in user, also before any lookup, to the page that holds the form;
- outsider (a member of another organisation): 404 for every URL of the organisation's data;
- a member whose role is too low: 403;
- a member whose role is enough (the owner always): neither 403, 404, 405 nor a server error.
"""

from collections.abc import Callable
from itertools import count

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, reverse

from assessments.access import ROLE_RANK
from assessments.models import Action, Assessment, Invitation, Organisation, Role
from assessments.organisations import services as organisation_services
from assessments.urls import urlpatterns
from tests.assessments.groups.factories import shared_group

PUBLIC = "public"  # anyone, signed in or not
LOGIN = "login"  # any signed-in user: not about one organisation's data
TOKEN = "token"  # whoever holds the invitation link
NOT_ALLOWED = "405"  # the URL does not accept this method
FORM_PAGE = "form page"  # a POST-only action: a GET goes to the page with its form (any user)
VIEWER, EDITOR, OWNER = Role.VIEWER, Role.EDITOR, Role.OWNER

# URL name: (who may GET, who may POST).
LEVELS: dict[str, tuple[str, str]] = {
    "signup": (PUBLIC, PUBLIC),
    # After signing up, and the link emailed to confirm the address (a bad link: 400).
    "signup_sent": (PUBLIC, PUBLIC),
    "signup_confirm": (PUBLIC, PUBLIC),
    "profile": (LOGIN, LOGIN),
    "home": (LOGIN, LOGIN),
    "organisation_create": (LOGIN, LOGIN),
    # Read-only pages do not restrict the method: a POST renders the page again and changes
    # nothing, so members of any role may send one.
    "dashboard": (VIEWER, VIEWER),
    "organisation_update": (OWNER, OWNER),
    "organisation_delete": (OWNER, OWNER),
    "members": (VIEWER, VIEWER),
    "member_invite": (FORM_PAGE, OWNER),
    "member_role": (NOT_ALLOWED, OWNER),
    "member_remove": (OWNER, OWNER),
    "invitation_resend": (FORM_PAGE, OWNER),
    "invitation_revoke": (FORM_PAGE, OWNER),
    "accept_invitation": (TOKEN, TOKEN),
    # The person invited may decline without an account; a GET goes to the invitation.
    "decline_invitation": (TOKEN, TOKEN),
    "create": (EDITOR, EDITOR),
    "detail": (VIEWER, VIEWER),
    "history": (VIEWER, VIEWER),
    "report": (VIEWER, VIEWER),
    "report_pdf": (VIEWER, VIEWER),
    "compare": (VIEWER, VIEWER),
    # Downloads are for every member, viewers included.
    "export_json": (VIEWER, VIEWER),
    "export_csv": (VIEWER, VIEWER),
    "export_actions_csv": (VIEWER, VIEWER),
    # Section pages show viewers the answers read-only; saving needs an editor.
    "people_section": (VIEWER, EDITOR),
    "domain_section": (VIEWER, EDITOR),
    "checklist_section": (VIEWER, EDITOR),
    "check": (VIEWER, VIEWER),
    "complete": (FORM_PAGE, EDITOR),
    # The confirmation after completing: any member may read it; nothing to post.
    "completed": (VIEWER, NOT_ALLOWED),
    # The sign-off of a completed assessment (before completing: back to check your answers).
    "sign_off": (OWNER, OWNER),
    "reopen": (FORM_PAGE, OWNER),
    "delete": (OWNER, OWNER),
    # Moving an assessment in progress to a newer edition: a preview, then the move (owners).
    "move_edition": (OWNER, OWNER),
    # Reviews: the log (page and CSV) for every member; an interim review needs an editor;
    # each member switches their own reminders.
    "review_log": (VIEWER, VIEWER),
    "review_log_csv": (VIEWER, VIEWER),
    "interim_review": (EDITOR, EDITOR),
    "reminders": (VIEWER, VIEWER),
}
# Actions: every member reads them (and downloads them); updating one needs an editor.
LEVELS |= {
    "actions": (VIEWER, VIEWER),
    "action": (VIEWER, EDITOR),
    "actions_csv": (VIEWER, VIEWER),
}
# A group's own pages (names starting "group_"): their roles are the group's, so
# tests/assessments/groups/test_tenancy.py has their matrix. The organisation's side of groups
# is here: every member sees which groups see what; owners change it.
GROUP = "group"
LEVELS |= {
    name: (GROUP, GROUP)
    for name in [
        "group_list",
        "group_create",
        "group_dashboard",
        "group_csv",
        "group_members",
        "group_invite",
        "group_member_role",
        "group_member_remove",
        "group_invitation_resend",
        "group_invitation_revoke",
        "group_organisation_remove",
        "group_report",
        "group_report_pdf",
        "group_invitation",
        "group_invitation_decline",
    ]
}
LEVELS |= {
    "organisation_groups": (VIEWER, OWNER),
    "organisation_group": (OWNER, OWNER),
}
ROLES = ["anonymous", "outsider", "viewer", "editor", "owner"]  # the owner last: it may delete
PATTERNS = {pattern.name: pattern for pattern in urlpatterns}
_invitees = count(1)


def test_every_url_pattern_has_a_level():
    assert all(isinstance(pattern, URLPattern) for pattern in urlpatterns)
    assert set(LEVELS) == set(PATTERNS), "Add new URLs to LEVELS; remove old ones."


@pytest.fixture
def url_kwargs(organisation, assessment, viewer, owner) -> Callable[..., dict]:
    """The arguments of a URL pattern, naming this organisation's data (or `other` data)."""

    def fill(pattern: URLPattern, **other) -> dict:
        fillers = {
            "org": lambda: organisation.slug,
            "pk": lambda: other.get("pk", assessment.pk),
            "membership_id": lambda: other.get(
                "membership_id", organisation.memberships.get(user=viewer).pk
            ),
            "invitation_id": lambda: other.get(
                "invitation_id",
                organisation_services.invite_member(
                    organisation=organisation,
                    email=f"invitee{next(_invitees)}@example.com",
                    role=Role.EDITOR,
                    invited_by=owner,
                )[0].pk,
            ),
            "domain": lambda: "environment",
            "action_id": lambda: other.get("action_id", _action_of(assessment).pk),
            # A group the organisation shares with (the organisation's side of groups).
            "group": lambda: shared_group(organisation, owner).slug,
            "token": lambda: organisation_services.invite_member(
                organisation=organisation,
                email=f"invitee{next(_invitees)}@example.com",
                role=Role.EDITOR,
                invited_by=owner,
            )[1],
        }
        unknown = set(pattern.pattern.converters) - set(fillers)
        if unknown:
            pytest.fail(f"No value to fill {sorted(unknown)} of the URL {pattern.name!r}.")
        return {name: fillers[name]() for name in pattern.pattern.converters}

    return fill


def _action_of(assessment: Assessment) -> Action:
    """An action of the assessment (of its first answer), made once."""
    answer = assessment.question_answers.order_by("pk").first()
    return Action.objects.get_or_create(
        answer=answer,
        defaults={"organisation_id": assessment.organisation_id, "assessment": assessment},
    )[0]


def expectation(level: str, role: str) -> str:
    if role == "anonymous":
        return "allowed" if level in (PUBLIC, TOKEN) else "login"
    if level == NOT_ALLOWED:
        return "405"
    if level in (PUBLIC, LOGIN, TOKEN, FORM_PAGE):
        return "allowed"
    if role == "outsider":
        return "404"
    return "allowed" if ROLE_RANK[Role(role)] >= ROLE_RANK[Role(level)] else "403"


def outcome(response) -> str:
    login_url = resolve_url(settings.LOGIN_URL)
    if response.status_code == 302 and response.url.startswith(f"{login_url}?next="):
        return "login"
    if response.status_code in (403, 404, 405) or response.status_code >= 500:
        return str(response.status_code)
    return "allowed"


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    # A group's pages have their own matrix, in tests/assessments/groups/test_tenancy.py.
    "name",
    [name for name in PATTERNS if LEVELS.get(name, (None,))[0] != GROUP],
)
def test_url_answers_each_role_as_its_level_allows(
    name, method, url_kwargs, owner, editor, viewer, outsider
):
    users: dict[str, User | None] = {
        "anonymous": None,
        "outsider": outsider,
        "viewer": viewer,
        "editor": editor,
        "owner": owner,
    }
    if name not in LEVELS:
        pytest.fail(f"The URL {name!r} has no level in LEVELS.")
    level = LEVELS[name][0 if method == "get" else 1]
    problems = []
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if users[role] is not None:
            client.force_login(users[role])
        url = reverse(f"assessments:{name}", kwargs=url_kwargs(PATTERNS[name]))
        response = getattr(client, method)(url)
        expected, actual = expectation(level, role), outcome(response)
        if actual != expected:
            problems.append(
                f"{method.upper()} {url} as {role}: expected {expected}, "
                f"got {response.status_code} ({actual})"
            )
    assert not problems, "\n".join(problems)


def _cross_organisation_cases() -> list[tuple[str, str]]:
    """(URL name, method) of every URL naming an assessment, a membership or an invitation by
    id."""
    return [
        (name, method)
        for name, pattern in PATTERNS.items()
        if {"pk", "membership_id", "invitation_id", "action_id"} & set(pattern.pattern.converters)
        for method, level in zip(("get", "post"), LEVELS.get(name, ()), strict=False)
        if level not in (NOT_ALLOWED, FORM_PAGE, GROUP)
    ]


@pytest.fixture
def other_assessment(make_assessment, outsider) -> Assessment:
    elsewhere = Organisation.objects.get(memberships__user=outsider)
    return make_assessment(organisation=elsewhere, user=outsider, title="Their review")


@pytest.fixture
def other_invitation(other_assessment, outsider) -> Invitation:
    invitation, _ = organisation_services.invite_member(
        organisation=other_assessment.organisation,
        email="theirs@elsewhere.example",
        role=Role.EDITOR,
        invited_by=outsider,
    )
    return invitation


@pytest.mark.parametrize(("name", "method"), _cross_organisation_cases())
def test_url_of_one_organisation_never_reaches_another_organisations_rows(
    name, method, client, owner, outsider, other_assessment, other_invitation, url_kwargs
):
    client.force_login(owner)
    theirs = {
        "pk": other_assessment.pk,
        "membership_id": other_assessment.organisation.memberships.get(user=outsider).pk,
        "invitation_id": other_invitation.pk,
        "action_id": _action_of(other_assessment).pk,
    }
    url = reverse(f"assessments:{name}", kwargs=url_kwargs(PATTERNS[name], **theirs))

    response = getattr(client, method)(url)

    assert response.status_code == 404
    assert Assessment.objects.filter(pk=other_assessment.pk).exists()
    assert other_assessment.organisation.memberships.count() == 1
    other_invitation.refresh_from_db()
    assert other_invitation.is_usable


# The page that holds the form of each POST-only action (by default the members page).
FORM_PAGES = {"complete": "check", "reopen": "detail"}


@pytest.mark.parametrize("name", [n for n, (get, _) in LEVELS.items() if get == FORM_PAGE])
def test_get_of_a_post_only_action_goes_to_the_page_with_its_form(
    name, client, outsider, url_kwargs
):
    client.force_login(outsider)  # says nothing about the organisation: the page answers 404
    kwargs = url_kwargs(PATTERNS[name])

    response = client.get(reverse(f"assessments:{name}", kwargs=kwargs))

    assert response.status_code == 302
    page = FORM_PAGES.get(name, "members")
    page_kwargs = {key: kwargs[key] for key in ("org", "pk") if key in kwargs}
    assert response.url == reverse(f"assessments:{page}", kwargs=page_kwargs)


def test_domain_section_of_a_domain_out_of_scope_is_not_found(client, owner, assessment):
    client.force_login(owner)
    url = reverse(
        "assessments:domain_section", args=[assessment.organisation.slug, assessment.pk, "policy"]
    )

    assert client.get(url).status_code == 404
