"""Workflows of actions: making them of a completed assessment's next steps (and keeping them in
step when it is reopened and completed again), and following each up with updates."""

from collections.abc import Iterable
from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.dateformat import format as format_date

from assessments.actions.queries import owner_label
from assessments.models import (
    Action,
    ActionUpdate,
    Assessment,
    Membership,
    QuestionAnswer,
    display_name,
)

REMOVED_FROM_PLAN = "Removed from the plan when the assessment was reopened"
BACK_IN_PLAN = "Back in the plan when the assessment was completed again"
NOT_SET = "not set"
# What may follow a member's name in an answer's "who will do it": "Priya Shah, Youth Lead".
NAME_ENDS = (",", " (", " -", " –", " —", " /")


class ActionChanged(Exception):
    """Someone else updated the action since this person opened it: nothing was saved."""

    def __init__(self, action: Action) -> None:
        super().__init__("The action was updated by someone else.")
        self.action = action


def match_member(text: str, members: Iterable[Membership]) -> AbstractBaseUser | None:
    """The member an answer's "who will do it" names: their full name or email address (any
    case), alone or followed by a role ("Priya Shah, Youth Programme Lead"). None when no
    member, or more than one, matches."""
    typed = " ".join(text.split()).casefold()
    if not typed:
        return None
    found = {}
    for membership in members:
        user = membership.user
        profile = getattr(user, "profile", None)
        for name in (profile.full_name if profile else "", user.email):
            name = " ".join(name.split()).casefold()
            if name and (typed == name or typed.startswith(tuple(name + e for e in NAME_ENDS))):
                found[user.pk] = user
    return next(iter(found.values())) if len(found) == 1 else None


def _owner_of(answer: QuestionAnswer, members: list[Membership]) -> tuple:
    """(owner, owner_name) of an answer's action: the member it names, else its text."""
    member = match_member(answer.action_owner, members)
    return (member, "") if member else (None, answer.action_owner.strip())


@transaction.atomic
def create_actions(*, assessment: Assessment, user: AbstractBaseUser | None = None) -> list[Action]:
    """Keep the assessment's actions in step with its answers' next steps (run when it is
    completed, the first time and after every reopening); returns the actions made.

    A next step without an action gets one, not started, with the answer's target date and its
    owner: the member whose name or email address the answer's "who will do it" gives, else
    that text (someone outside the organisation). An action nobody has updated follows its
    answer's owner and target date. An action whose next step was emptied is dropped, with
    REMOVED_FROM_PLAN as the reason, if it has a history, else deleted; one given a next step
    again is back in the plan, not started. Updates made here are `user`'s.
    """
    answers = list(QuestionAnswer.objects.filter(assessment=assessment).order_by("pk"))
    actions = {
        action.answer_id: action
        for action in Action.objects.filter(assessment=assessment).annotate(
            history=Count("updates")
        )
    }
    members = list(
        Membership.objects.filter(organisation_id=assessment.organisation_id).select_related(
            "user__profile"
        )
    )
    now = timezone.now()
    made, changed, updates, gone = [], [], [], []
    for answer in answers:
        action = actions.get(answer.pk)
        planned = bool(answer.next_steps.strip())
        if planned and action is None:
            owner, owner_name = _owner_of(answer, members)
            made.append(
                Action(
                    organisation_id=assessment.organisation_id,
                    assessment=assessment,
                    answer=answer,
                    owner=owner,
                    owner_name=owner_name,
                    target_date=answer.target_date,
                    created_at=now,
                )
            )
        elif planned and _removed(action):
            old = action.status
            owner, owner_name = _owner_of(answer, members)
            _set(action, status=Action.Status.NOT_STARTED, dropped_reason="", owner=owner)
            _set(action, owner_name=owner_name, target_date=answer.target_date)
            changed.append(action)
            updates.append(_update(action, user, now, [_status_change(old, action.status)]))
            updates[-1].note = BACK_IN_PLAN
        elif planned and not action.history:
            owner, owner_name = _owner_of(answer, members)
            if _set(action, owner=owner, owner_name=owner_name, target_date=answer.target_date):
                changed.append(action)
        elif not planned and action is not None and action.history:
            if action.status != Action.Status.DROPPED:
                old = action.status
                _set(action, status=Action.Status.DROPPED, dropped_reason=REMOVED_FROM_PLAN)
                changed.append(action)
                updates.append(_update(action, user, now, [_status_change(old, action.status)]))
                updates[-1].note = REMOVED_FROM_PLAN
        elif not planned and action is not None:
            gone.append(action.pk)
    for action in changed:
        # The version tells a page opened before that the action has moved on.
        action.version += 1
        action.updated_at = now
    Action.objects.bulk_update(
        changed,
        ["status", "dropped_reason", "owner", "owner_name", "target_date", "version", "updated_at"],
    )
    ActionUpdate.objects.bulk_create(updates)
    if gone:
        Action.objects.filter(pk__in=gone).delete()
    return Action.objects.bulk_create(made)


def _removed(action: Action | None) -> bool:
    return (
        action is not None
        and action.status == Action.Status.DROPPED
        and action.dropped_reason == REMOVED_FROM_PLAN
    )


def _set(action: Action, **values) -> bool:
    """Set the action's fields; True if any changed (the owner compared by id)."""
    changed = False
    for name, value in values.items():
        old = getattr(action, "owner_id" if name == "owner" else name)
        new = value.pk if name == "owner" and value is not None else value
        if old != new:
            setattr(action, name, value)
            changed = True
    return changed


def _update(action: Action, user, at, changes: list[str]) -> ActionUpdate:
    return ActionUpdate(
        action=action, at=at, user=user, status=action.status, changes="\n".join(changes)
    )


def _status_change(old: str, new: str) -> str:
    return f"Status: {Action.Status(old).label} → {Action.Status(new).label}"


def _day(value: date | None) -> str:
    return format_date(value, "j F Y") if value else NOT_SET


@transaction.atomic
def update_action(
    *,
    action: Action,
    user: AbstractBaseUser,
    version: int,
    status: str,
    owner: AbstractBaseUser | None,
    owner_name: str,
    target_date: date | None,
    note: str = "",
    dropped_reason: str = "",
) -> ActionUpdate | None:
    """Record one update of an action of a completed assessment: its status, a progress note,
    its owner (a member, or the name of someone outside the organisation: not both; neither is
    nobody), target date and, when dropped, why. The answer it came from stays as it was.

    `version` is the action's version the person saw: if someone updated it since, nothing is
    saved and ActionChanged says so (never a silent overwrite). Raises ValidationError for a
    dropped action without a reason, two owners, an owner who is not a member, or an
    assessment reopened meanwhile. Returns the update, or None when nothing changed.
    """
    action = Action.objects.select_for_update().select_related("assessment").get(pk=action.pk)
    if action.version != version:
        raise ActionChanged(action)
    if not action.assessment.is_locked:
        raise ValidationError(
            "The assessment was reopened, so its actions follow its answers until it is "
            "completed again.",
            code="reopened",
        )
    note, owner_name, dropped_reason = note.strip(), owner_name.strip(), dropped_reason.strip()
    _check_owner(action, owner, owner_name)
    if status == Action.Status.DROPPED and not dropped_reason:
        raise ValidationError("Say why the action was dropped", code="reason")
    if status != Action.Status.DROPPED:
        dropped_reason = ""
    changes = _changes(action, status, owner, owner_name, target_date, dropped_reason)
    if not changes and not note:
        return None
    _set(action, status=status, owner=owner, owner_name=owner_name, target_date=target_date)
    action.dropped_reason = dropped_reason
    action.version += 1
    action.updated_at = timezone.now()
    action.updated_by = user
    action.save()
    return ActionUpdate.objects.create(
        action=action,
        at=action.updated_at,
        user=user,
        status=status,
        note=note,
        changes="\n".join(changes),
    )


def _check_owner(action: Action, owner, owner_name: str) -> None:
    if owner is not None and owner_name:
        raise ValidationError(
            "Choose a member or name someone outside the organisation, not both", code="owners"
        )
    if (
        owner is not None
        and owner.pk != action.owner_id
        and not Membership.objects.filter(
            organisation_id=action.organisation_id, user=owner
        ).exists()
    ):
        raise ValidationError("Choose a member of the organisation", code="not-a-member")


def _changes(action, status, owner, owner_name, target_date, dropped_reason) -> list[str]:
    """What an update changes, in words, e.g. "Owner: Priya Shah → Sam Lewis"."""
    changes = []
    if status != action.status:
        changes.append(_status_change(action.status, status))
    new_owner = display_name(owner) if owner is not None else owner_name or "Nobody yet"
    if (owner.pk if owner else None, owner_name) != (action.owner_id, action.owner_name):
        changes.append(f"Owner: {owner_label(action)} → {new_owner}")
    if target_date != action.target_date:
        changes.append(f"Target date: {_day(action.target_date)} → {_day(target_date)}")
    if dropped_reason and dropped_reason != action.dropped_reason:
        changes.append(f"Why it was dropped: {dropped_reason}")
    return changes
