"""Every assessments test starts from an organisation with an owner, an editor, a viewer and an
outsider (a member of another organisation), so tenancy is tested by default."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from assessments.models import Assessment, Organisation, Role
from assessments.organisations import services as organisation_services
from assessments.walkthrough import services

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    """A user by email address; with `full_name` (and `job_title`), a profile too. Without, an
    account from before names were asked for, which the site shows by its email address."""

    def make(email: str, *, full_name: str = "", job_title: str = "") -> User:
        user = User.objects.create_user(username=email, email=email, password=PASSWORD)
        if full_name:
            organisation_services.update_profile(
                user=user, full_name=full_name, job_title=job_title
            )
        return user

    return make


@pytest.fixture
def make_organisation(db) -> Callable[..., Organisation]:
    def make(owner: User, name: str = "Hillside Academy", **details) -> Organisation:
        defaults = {
            "kind": Organisation.Kind.SCHOOL,
            "nations": ["england"],
            "age_groups": ["11-13", "14-17"],
            "additional_vulnerabilities": True,
        }
        return organisation_services.create_organisation(
            user=owner, name=name, **(defaults | details)
        )

    return make


@pytest.fixture
def owner(make_user) -> User:
    return make_user("owner@hillside.example")


@pytest.fixture
def editor(make_user) -> User:
    return make_user("editor@hillside.example")


@pytest.fixture
def viewer(make_user) -> User:
    return make_user("viewer@hillside.example")


@pytest.fixture
def outsider(make_user, make_organisation) -> User:
    user = make_user("someone@elsewhere.example")
    make_organisation(user, name="Elsewhere Trust", kind=Organisation.Kind.CHARITY)
    return user


@pytest.fixture
def editor_client(client, editor) -> Client:
    client.force_login(editor)
    return client


@pytest.fixture
def organisation(make_organisation, owner, editor, viewer) -> Organisation:
    organisation = make_organisation(owner)
    organisation.memberships.create(user=editor, role=Role.EDITOR)
    organisation.memberships.create(user=viewer, role=Role.VIEWER)
    return organisation


@pytest.fixture
def make_assessment(edition, organisation, owner) -> Callable[..., Assessment]:
    def make(
        domains: tuple[str, ...] = ("environment", "content"), title: str = "Spring review", **kw
    ) -> Assessment:
        return services.start_assessment(
            organisation=kw.pop("organisation", organisation),
            user=kw.pop("user", owner),
            title=title,
            domains=list(edition.domains.filter(key__in=domains)),
            **kw,
        )

    return make


@pytest.fixture
def assessment(make_assessment) -> Assessment:
    """An assessment in progress with two domains in scope: Environment and Content."""
    return make_assessment()
