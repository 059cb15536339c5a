"""Actions start from a completed assessment whose every question has a next step: completing
made each an action (see `tests.assessments.factories.fill`)."""

from collections.abc import Callable
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from assessments.models import Action, Assessment
from tests.assessments.factories import complete, fill


@pytest.fixture
def completed(assessment, owner) -> Assessment:
    """The assessment (Environment and Content, eight questions) filled in and completed: eight
    actions, each owned by "Jo Bloggs, Safeguarding Lead" (nobody of the organisation), due
    31 March 2027."""
    fill(assessment)
    return complete(assessment, owner)


@pytest.fixture
def action(completed) -> Action:
    """The action of the completed assessment's first question (Environment – Understand)."""
    return Action.objects.get(assessment=completed, answer__question__key="environment-understand")


@pytest.fixture
def viewer_client(client, viewer) -> Client:
    client.force_login(viewer)
    return client


@pytest.fixture
def owner_client(client, owner) -> Client:
    client.force_login(owner)
    return client


def actions_url(organisation, *args) -> str:
    return reverse("assessments:actions", args=[organisation.slug, *args])


def action_url(action: Action) -> str:
    return reverse("assessments:action", args=[action.organisation.slug, action.pk])


@pytest.fixture
def update_data() -> Callable[..., dict]:
    """What the action's form posts: its current values, with `changes` (a date as a `date`)."""

    def data(action: Action, **changes) -> dict:
        values = {
            "status": action.status,
            "note": "",
            "owner": action.owner_id or "",
            "owner_name": action.owner_name,
            "target_date": action.target_date,
            "dropped_reason": action.dropped_reason,
            "version": action.version,
        } | changes
        target = values.pop("target_date")
        if isinstance(target, date):
            values |= {
                "target_date_0": target.day,
                "target_date_1": target.month,
                "target_date_2": target.year,
            }
        elif isinstance(target, tuple):
            values |= dict(
                zip(("target_date_0", "target_date_1", "target_date_2"), target, strict=True)
            )
        return {key: "" if value is None else str(value) for key, value in values.items()}

    return data


def set_owner(action: Action, user: User | None, name: str = "") -> Action:
    Action.objects.filter(pk=action.pk).update(owner=user, owner_name=name)
    action.refresh_from_db()
    return action
