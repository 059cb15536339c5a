"""Reused reads of actions."""

from django.db.models import QuerySet
from django.utils import timezone

from assessments.models import Action, Membership, Organisation


def open_actions(organisation: Organisation) -> QuerySet[Action]:
    """The organisation's actions not yet done or dropped."""
    return Action.objects.filter(organisation=organisation, status__in=Action.OPEN)


def dashboard_actions(membership: Membership) -> dict:
    """What the dashboard says about actions: the member's own open actions, and how many of
    the organisation's are open and overdue."""
    actions = open_actions(membership.organisation)
    mine = (
        actions.filter(owner=membership.user)
        .select_related("answer__question__domain", "assessment")
        .order_by("target_date", "pk")
    )
    return {
        "my_actions": list(mine[:10]),
        "open_actions": actions.count(),
        "overdue_actions": actions.filter(target_date__lt=timezone.localdate()).count(),
    }
