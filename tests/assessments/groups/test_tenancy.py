"""Every URL of a group's own pages (names starting "group_"), for every kind of person, with
GET and POST: the group's owner and viewer, a member of an organisation that shares with the
group, a member of an organisation outside it, someone signed in who belongs to nothing, and
anonymous.

What each gets:
- anonymous: the login page everywhere but the invitation links;
- anyone signed in: the pages not about one group (its list, creating one), the invitation links,
  and a GET of a POST-only action (a redirect to the page with its form, before any lookup);
- anyone not in the group, members of its organisations included: 404;
- a group viewer where an owner is needed: 403.

Then: a group viewer never reaches the answers, actions or notes of an organisation that shares
only a summary, and an organisation that stops sharing leaves every page and export at once.
"""

import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, reverse

from assessments.groups import services
from assessments.models import GroupInvitation, GroupLink, GroupRole
from assessments.urls import urlpatterns
from tests.assessments import test_tenancy as organisation_matrix
from tests.assessments.groups.conftest import MARKER
from tests.assessments.groups.factories import make_group

LOGIN, TOKEN, FORM_PAGE = "login", "token", "form page"
G_VIEWER, G_OWNER = GroupRole.VIEWER, GroupRole.OWNER

# URL name: (who may GET, who may POST).
LEVELS: dict[str, tuple[str, str]] = {
    "group_list": (LOGIN, LOGIN),
    "group_create": (LOGIN, LOGIN),
    # Read-only pages do not restrict the method: a POST shows the page again, changing nothing.
    "group_dashboard": (G_VIEWER, G_VIEWER),
    "group_csv": (G_VIEWER, G_VIEWER),
    "group_members": (G_VIEWER, G_VIEWER),
    "group_invite": (FORM_PAGE, G_OWNER),
    "group_member_role": (FORM_PAGE, G_OWNER),
    "group_member_remove": (G_OWNER, G_OWNER),
    "group_invitation_resend": (FORM_PAGE, G_OWNER),
    "group_invitation_revoke": (FORM_PAGE, G_OWNER),
    "group_organisation_remove": (G_OWNER, G_OWNER),
    # The full report of an organisation that shares it (see the tests below for the others).
    "group_report": (G_VIEWER, G_VIEWER),
    "group_report_pdf": (G_VIEWER, G_VIEWER),
    "group_invitation": (TOKEN, TOKEN),
    "group_invitation_decline": (TOKEN, TOKEN),
}
# The group's owner last: it may remove members and organisations.
PEOPLE = ["anonymous", "nobody", "outside member", "shared member", "group viewer", "group owner"]
PATTERNS = {pattern.name: pattern for pattern in urlpatterns if pattern.name in LEVELS}


def test_every_group_url_has_a_level_here():
    group_names = {
        name
        for name, levels in organisation_matrix.LEVELS.items()
        if organisation_matrix.GROUP in levels
    }
    named_group = {pattern.name for pattern in urlpatterns if pattern.name.startswith("group_")}

    assert group_names == named_group == set(LEVELS) == set(PATTERNS)


@pytest.fixture
def people(group_owner, group_viewer, viewer, outsider, nobody) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "nobody": nobody,
        # A viewer of Elsewhere Trust, which does not share with the group.
        "outside member": outsider,
        # A viewer of Hillside Academy, which shares its full report with the group.
        "shared member": viewer,
        "group viewer": group_viewer,
        "group owner": group_owner,
    }


@pytest.fixture
def url_kwargs(group, full_link, group_viewer, group_owner) -> Callable[..., dict]:
    def fill(pattern: URLPattern) -> dict:
        def invitation() -> tuple[GroupInvitation, str]:
            return services.invite(
                group=group,
                purpose=GroupInvitation.Purpose.MEMBER,
                email=f"invitee{GroupInvitation.objects.count()}@trust.example",
                role=GroupRole.VIEWER,
                invited_by=group_owner,
            )

        fillers = {
            "group": lambda: group.slug,
            "org": lambda: full_link.organisation.slug,
            "membership_id": lambda: group.memberships.get(user=group_viewer).pk,
            "invitation_id": lambda: invitation()[0].pk,
            "token": lambda: invitation()[1],
        }
        return {name: fillers[name]() for name in pattern.pattern.converters}

    return fill


def expectation(level: str, person: str) -> str:
    if person == "anonymous":
        return "allowed" if level == TOKEN else "login"
    if level in (LOGIN, TOKEN, FORM_PAGE):
        return "allowed"
    if not person.startswith("group "):
        return "404"
    if level == G_OWNER and person == "group viewer":
        return "403"
    return "allowed"


def outcome(response) -> str:
    login_url = resolve_url(settings.LOGIN_URL)
    if response.status_code == 302 and response.url.startswith(f"{login_url}?next="):
        return "login"
    if response.status_code in (403, 404, 405) or response.status_code >= 500:
        return str(response.status_code)
    return "allowed"


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", list(LEVELS))
def test_group_url_answers_each_person_as_its_level_allows(name, method, people, url_kwargs):
    level = LEVELS[name][0 if method == "get" else 1]
    problems = []
    for person in PEOPLE:
        client = Client(raise_request_exception=False)
        if people[person] is not None:
            client.force_login(people[person])
        url = reverse(f"assessments:{name}", kwargs=url_kwargs(PATTERNS[name]))
        response = getattr(client, method)(url)
        expected, actual = expectation(level, person), outcome(response)
        if actual != expected:
            problems.append(
                f"{method.upper()} {url} as {person}: expected {expected}, "
                f"got {response.status_code} ({actual})"
            )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", [name for name, (get, _) in LEVELS.items() if get == FORM_PAGE])
def test_get_of_a_post_only_group_action_goes_to_the_members_page(name, client, nobody, url_kwargs):
    client.force_login(nobody)  # says nothing about the group: the members page answers 404
    kwargs = url_kwargs(PATTERNS[name])

    response = client.get(reverse(f"assessments:{name}", kwargs=kwargs))

    assert response.status_code == 302
    assert response.url == reverse("assessments:group_members", args=[kwargs["group"]])


@pytest.fixture
def other_group(make_user, outsider) -> tuple:
    """Another trust, with a member, an invitation and Elsewhere Trust sharing its full report."""
    other_owner = make_user("head@other-trust.example")
    other = make_group(other_owner, name="Other Trust")
    elsewhere = outsider.memberships.get().organisation
    invitation, _ = services.invite(
        group=other,
        purpose=GroupInvitation.Purpose.ORGANISATION,
        email=outsider.email,
        invited_by=other_owner,
    )
    services.accept_organisation_invitation(
        invitation=invitation, user=outsider, organisation=elsewhere, sharing="full"
    )
    waiting, _ = services.invite(
        group=other,
        purpose=GroupInvitation.Purpose.MEMBER,
        email="someone@other-trust.example",
        role=GroupRole.VIEWER,
        invited_by=other_owner,
    )
    return other, other.memberships.get(), waiting, elsewhere


@pytest.mark.parametrize(
    ("name", "method"),
    [
        (name, method)
        for name, pattern in PATTERNS.items()
        if {"membership_id", "invitation_id", "org"} & set(pattern.pattern.converters)
        for method in ("get", "post")
        if LEVELS[name][0 if method == "get" else 1] != FORM_PAGE
    ],
)
def test_group_url_never_reaches_another_groups_rows(
    name, method, client, group, group_owner, full_link, other_group
):
    other, their_member, their_invitation, their_organisation = other_group
    client.force_login(group_owner)
    theirs = {
        "group": group.slug,
        "membership_id": their_member.pk,
        "invitation_id": their_invitation.pk,
        "org": their_organisation.slug,
    }
    kwargs = {key: theirs[key] for key in PATTERNS[name].pattern.converters}

    response = getattr(client, method)(reverse(f"assessments:{name}", kwargs=kwargs))

    assert response.status_code == 404
    assert other.memberships.filter(pk=their_member.pk).exists()
    their_invitation.refresh_from_db()
    assert their_invitation.is_usable
    assert GroupLink.objects.filter(group=other, organisation=their_organisation).exists()


# --- What a summary shows, and withdrawing -------------------------------------------------------


def group_pages(group, links) -> list[str]:
    """Every page and export of the group, and every report URL of each organisation in it."""
    pages = [
        reverse("assessments:group_list"),
        reverse("assessments:group_dashboard", args=[group.slug]),
        reverse("assessments:group_csv", args=[group.slug]),
        reverse("assessments:group_members", args=[group.slug]),
    ]
    for link in links:
        pages += [
            reverse("assessments:group_report", args=[group.slug, link.organisation.slug]),
            reverse("assessments:group_report_pdf", args=[group.slug, link.organisation.slug]),
        ]
    return pages


def crawl(client: Client, start: list[str], group_slug: str) -> dict[str, tuple[int, str]]:
    """Every page reachable from `start` by the group's own links (and those pages' links),
    with its status and text (a PDF's bytes as text)."""
    seen: dict[str, tuple[int, str]] = {}
    queue = list(start)
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        if response.streaming:
            body = b"".join(response.streaming_content).decode("latin-1")
        else:
            body = response.content.decode()
        seen[url] = (response.status_code, body)
        for link in re.findall(r'href="(/[^"#?]*)', body):
            if link.startswith((f"/groups/{group_slug}/", "/groups/")) and link not in seen:
                queue.append(link)
    return seen


def test_a_group_viewer_never_reaches_the_text_of_a_summary_only_organisation(
    client, group, group_viewer, full_link, summary_link
):
    client.force_login(group_viewer)

    pages = crawl(client, group_pages(group, [full_link, summary_link]), group.slug)

    oakfield = summary_link.organisation.slug
    leaks = [url for url, (_, body) in pages.items() if MARKER in body and oakfield in url]
    assert not leaks
    # Its report and PDF are "not found" for the group; the one of the full sharer works.
    for url, (status, _) in pages.items():
        if f"/orgs/{oakfield}/report" in url:
            assert status == 404, url
    full_report = reverse(
        "assessments:group_report", args=[group.slug, full_link.organisation.slug]
    )
    assert pages[full_report][0] == 200
    assert MARKER in pages[full_report][1]  # the control: the crawl does see a full report
    # Nothing else the group sees holds the marker at all: summaries never carry text.
    assert [url for url, (_, body) in pages.items() if MARKER in body] == [full_report]


def test_an_organisation_that_stops_sharing_leaves_every_group_page_at_once(
    client, group, group_viewer, full_link, summary_link, owner
):
    name = full_link.organisation.name
    organisation_client = Client()
    organisation_client.force_login(owner)
    url = reverse("assessments:organisation_group", args=[full_link.organisation.slug, group.slug])

    response = organisation_client.post(url, {"withdraw": "1"})

    assert response.status_code == 302
    client.force_login(group_viewer)
    pages = crawl(client, group_pages(group, [full_link, summary_link]), group.slug)
    assert [u for u, (_, body) in pages.items() if name in body] == []
    for page in group_pages(group, [full_link]):
        if full_link.organisation.slug in page:
            assert pages[page][0] == 404
    assert (
        summary_link.organisation.name
        in pages[reverse("assessments:group_csv", args=[group.slug])][1]
    )
