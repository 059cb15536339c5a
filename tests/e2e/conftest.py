"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Every test in this directory is marked `e2e` (deselect with `-m "not e2e"`). Pages are opened
with paths relative to the live server, e.g. `page.goto("/framework/")`.
"""

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from assessments.models import Assessment, Organisation
from assessments.organisations import services as organisation_services
from assessments.walkthrough import services as walkthrough_services
from framework import services
from framework.models import Edition

# Playwright's sync API keeps an event loop running in the test thread, so Django would refuse
# the ORM calls that fixtures and database teardown make there. No coroutine shares that loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Playwright cannot download its own browsers here; use the distribution's Chromium.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Containers often give /dev/shm only 64 MB; Chromium's tabs then crash or stall.
    "--disable-dev-shm-usage",
]
BLOCKING_IMPACTS = {"serious", "critical"}
E2E_DIR = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_FLAGS,
    }


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """Lets pages open relative paths; pytest-playwright hands this to every browser context."""
    return live_server.url


@pytest.fixture(scope="package", autouse=True)
def _framework_loaded_again_afterwards(django_db_setup, django_db_blocker, framework_file):
    """Load the framework again once the browser tests here are done.

    The live server makes every test here transactional: its data is committed, so the live
    server can read it, and every table is flushed after it. The tests that follow, in this
    process, expect the framework that `django_db_setup` loaded. (Between browser tests, the
    `edition` fixture loads it again for the tests that need it.)
    """
    yield
    with django_db_blocker.unblock():
        services.load_edition(data=framework_file)


@pytest.fixture
def log_in(page: Page) -> Callable[[str, str], None]:
    """Log in through the login page, as the user with this email address and password."""

    def log_in_as(email: str, password: str) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    return log_in_as


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def assert_accessible(axe: Axe) -> Callable[[Page], None]:
    """Run axe-core on the page and fail on any serious or critical violation, listing each."""

    def check(page: Page) -> None:
        page.wait_for_load_state()  # axe must see the whole page, not one still loading
        results = axe.run(page)
        problems = [
            violation
            for violation in results.response["violations"]
            if violation["impact"] in BLOCKING_IMPACTS
        ]
        if problems:
            report = _describe(problems)
            pytest.fail(f"Accessibility violations on {page.url}:\n{report}", pytrace=False)

    return check


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {', '.join(map(str, node['target']))}" for node in violation["nodes"])
    return "\n".join(lines)


@pytest.fixture
def make_assessment(edition: Edition) -> Callable[..., Assessment]:
    """A person with a password, owner of a school, and an assessment of its Environment
    domain, started: what most walk-through tests begin from."""

    def make(email: str, password: str, *, title: str = "Spring review") -> Assessment:
        user = User.objects.create_user(username=email, email=email, password=password)
        organisation = organisation_services.create_organisation(
            user=user,
            name="Hillside Academy",
            kind=Organisation.Kind.SCHOOL,
            nations=["england"],
            age_groups=["11-13"],
            additional_vulnerabilities=False,
        )
        return walkthrough_services.start_assessment(
            organisation=organisation,
            user=user,
            title=title,
            domains=list(edition.domains.filter(key="environment")),
        )

    return make
