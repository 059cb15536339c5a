"""Reused reads of actions: the organisation's list (filtered, overdue first), one action with
its history, the dashboard's "Your actions" and the plan's statuses for a report. Each reads in
a fixed number of queries, however many actions there are."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from assessments.models import (
    Action,
    ActionUpdate,
    Assessment,
    Membership,
    Organisation,
    display_name,
)

# Filter values of the owner that are not a member's id.
ME, OUTSIDE, NOBODY = "me", "outside", "nobody"
OVERDUE = "overdue"
MY_ACTIONS_SHOWN = 10


def owner_label(action: Action) -> str:
    """Who owns the action, in words: a member's name, the name of someone outside the
    organisation, or "Nobody yet". Select "owner__profile" with actions listed."""
    if action.owner_id:
        return display_name(action.owner)
    return action.owner_name or "Nobody yet"


def open_actions(organisation: Organisation) -> QuerySet[Action]:
    """The organisation's actions not yet done or dropped, of its completed assessments."""
    return Action.objects.followed_up().open().filter(organisation=organisation)


def with_details(actions: QuerySet[Action]) -> QuerySet[Action]:
    """Actions with what a list shows of each: the question, its domain and stage, the
    assessment, the owner's name, and the date and note of the latest update (one query)."""
    latest = ActionUpdate.objects.filter(action=OuterRef("pk")).order_by("-at", "-pk")
    return actions.select_related(
        "answer__question__domain",
        "answer__question__stage",
        "assessment",
        "owner__profile",
    ).annotate(
        last_update_at=Subquery(latest.values("at")[:1]),
        last_note=Subquery(latest.exclude(note="").values("note")[:1]),
    )


def overdue_first(actions: QuerySet[Action], today: date | None = None) -> QuerySet[Action]:
    """Open actions past their target date first, then by target date (undated last)."""
    today = today or timezone.localdate()
    overdue = Case(
        When(status__in=Action.OPEN, target_date__lt=today, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return actions.annotate(overdue_rank=overdue).order_by(
        "overdue_rank", F("target_date").asc(nulls_last=True), "pk"
    )


@dataclass(frozen=True)
class ActionFilters:
    """What the actions page shows; empty values do not filter."""

    owner: str = ""
    status: str = ""
    domain: str = ""
    assessment: int | None = None
    # Done and dropped actions too (a status filter of done or dropped implies it).
    closed: bool = False


def organisation_actions(
    organisation: Organisation, user: AbstractBaseUser, filters: ActionFilters
) -> QuerySet[Action]:
    """The actions of the organisation's completed assessments that match `filters`, overdue
    first (see `overdue_first`); open ones only unless `filters.closed` or a status asks."""
    actions = Action.objects.followed_up().filter(organisation=organisation)
    today = timezone.localdate()
    if filters.status == OVERDUE:
        actions = actions.filter(status__in=Action.OPEN, target_date__lt=today)
    elif filters.status:
        actions = actions.filter(status=filters.status)
    elif not filters.closed:
        actions = actions.filter(status__in=Action.OPEN)
    if filters.owner == ME:
        actions = actions.filter(owner=user)
    elif filters.owner == OUTSIDE:
        actions = actions.filter(owner__isnull=True).exclude(owner_name="")
    elif filters.owner == NOBODY:
        actions = actions.filter(owner__isnull=True, owner_name="")
    elif filters.owner.isdigit():
        actions = actions.filter(owner_id=int(filters.owner))
    if filters.domain:
        actions = actions.filter(answer__question__domain__key=filters.domain)
    if filters.assessment:
        actions = actions.filter(assessment_id=filters.assessment)
    return overdue_first(with_details(actions), today)


def members(organisation: Organisation) -> list[Membership]:
    """The organisation's members with their names (one query)."""
    return list(
        Membership.objects.filter(organisation=organisation).select_related("user__profile")
    )


def member_choices(memberships: list[Membership]) -> list[tuple[str, str]]:
    """(user id, name) of each member, by name: the choices of an owner."""
    return sorted(
        ((str(m.user_id), display_name(m.user)) for m in memberships),
        key=lambda choice: choice[1].casefold(),
    )


def filter_choices(organisation: Organisation) -> dict[str, list[tuple[str, str]]]:
    """The members, domains and completed assessments the filters offer (three queries)."""
    domains = (
        Action.objects.filter(organisation=organisation)
        .values_list("answer__question__domain__key", "answer__question__domain__name")
        .order_by("answer__question__domain__position", "answer__question__domain__key")
        .distinct()
    )
    assessments = Assessment.objects.completed().filter(organisation=organisation)
    return {
        "members": member_choices(members(organisation)),
        "domains": list(dict.fromkeys(domains)),
        "assessments": [(str(a.pk), a.title) for a in assessments.only("pk", "title")],
    }


def action_of(membership: Membership, action_id: int) -> Action:
    """An action of the membership's organisation, with its question, answer and assessment
    (404 for any other id)."""
    action = (
        Action.objects.select_related(
            "answer__question__domain",
            "answer__question__stage",
            "assessment__organisation",
            "owner__profile",
            "updated_by__profile",
        )
        .filter(organisation=membership.organisation, pk=action_id)
        .first()
    )
    if action is None:
        raise Http404("No such action.")
    return action


def action_history(action: Action) -> list[ActionUpdate]:
    """The action's updates, oldest first, with who made each (one query)."""
    return list(action.updates.select_related("user__profile"))


def dashboard_actions(membership: Membership) -> dict:
    """What the dashboard says about actions: the member's own open actions (overdue first) and
    how many of the organisation's are open and overdue (two queries)."""
    today = timezone.localdate()
    actions = open_actions(membership.organisation)
    counts = actions.aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(target_date__lt=today))
    )
    mine = overdue_first(
        actions.filter(owner=membership.user).select_related(
            "answer__question__domain", "answer__question__stage", "assessment"
        ),
        today,
    )
    return {
        "my_actions": list(mine[:MY_ACTIONS_SHOWN]),
        "open_actions": counts["open"],
        "overdue_actions": counts["overdue"],
    }


def plan_statuses(assessment: Assessment) -> dict[int, Action]:
    """The tracked actions of the assessment by answer id, with their owners and latest
    progress notes (`last_note`), for the report's action plan (one query)."""
    actions = with_details(Action.objects.filter(assessment=assessment))
    return {action.answer_id: action for action in actions}
