"""The lossless JSON export of an assessment.

Everything in the JSON is addressed by stable keys (edition, domain, question, stage, checklist
statement, factor) and people by email address, never by database id, so a file moves between
installations that have loaded the same edition. The format is documented in README.md
("Assessment export format (JSON)"); `FORMAT_VERSION` changes whenever it does.

Every export reads in a fixed number of queries, however many domains the assessment covers.
"""

import json
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from assessments.models import (
    Action,
    ActionUpdate,
    Assessment,
    Rating,
)

FORMAT = "digital-resilience-assessment"
FORMAT_VERSION = 1
RATING_WORDS = {rating.value: rating.label.lower() for rating in Rating}
WORD_RATINGS = {word: value for value, word in RATING_WORDS.items()}


def export_assessment(assessment: Assessment) -> dict[str, Any]:
    """The whole assessment as plain data (for `json.dumps`), addressed by keys and emails."""
    edition = assessment.edition
    emails = dict(
        get_user_model()
        .objects.filter(pk__in={assessment.created_by_id, assessment.completed_by_id} - {None})
        .values_list("pk", "email")
    )
    activity = assessment.activity.select_related("user").order_by("at", "pk")
    questions = assessment.question_answers.select_related("question__domain", "question__stage")
    actions = Action.objects.filter(assessment=assessment).select_related(
        "owner", "answer__question__domain"
    )
    updates = (
        ActionUpdate.objects.filter(action__assessment=assessment)
        .select_related("user", "action__answer__question__domain")
        .order_by("at", "pk")
    )
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": _iso(timezone.now()),
        "organisation": {
            "name": assessment.organisation.name,
            "slug": assessment.organisation.slug,
        },
        "edition": {"key": edition.key, "title": edition.title, "version": edition.version},
        "assessment": {
            "title": assessment.title,
            "status": assessment.status,
            "created_at": _iso(assessment.created_at),
            "created_by": emails.get(assessment.created_by_id) or None,
            "completed_at": _iso(assessment.completed_at),
            "completed_by": emails.get(assessment.completed_by_id) or None,
            "age_groups": list(assessment.age_groups),
            "domains": list(
                assessment.domains.order_by("position", "pk").values_list("key", flat=True)
            ),
            "board_findings": assessment.board_findings,
            "board_plans": assessment.board_plans,
            "board_asks": assessment.board_asks,
            "approved_by": assessment.approved_by,
            "approved_on": _day(assessment.approved_on),
            "next_review_on": _day(assessment.next_review_on),
        },
        "factors": [
            {"factor": answer.factor.key, "relevant": answer.relevant, "note": answer.note}
            for answer in assessment.factor_answers.select_related("factor")
        ],
        "questions": [
            {
                "domain": answer.question.domain.key,
                "question": answer.question.key,
                "stage": answer.question.stage.key,
                "text": answer.question.text,
                "rating": RATING_WORDS.get(answer.rating),
                "current_practice": answer.current_practice,
                "next_steps": answer.next_steps,
                "action_owner": answer.action_owner,
                "target_date": _day(answer.target_date),
            }
            for answer in questions
        ],
        "checklist": [
            {
                "statement": answer.statement.key,
                "text": answer.statement.text,
                "rating": RATING_WORDS.get(answer.rating),
                "comment": answer.comment,
            }
            for answer in assessment.checklist_answers.select_related("statement")
        ],
        # The tracked actions (once completed) and their updates; files before them have none.
        "actions": [
            {
                "domain": action.answer.question.domain.key,
                "question": action.answer.question.key,
                "status": action.status,
                "owner": (action.owner.email or None) if action.owner else None,
                "owner_name": action.owner_name,
                "target_date": _day(action.target_date),
                "dropped_reason": action.dropped_reason,
            }
            for action in actions.order_by("pk")
        ],
        "action_updates": [
            {
                "domain": update.action.answer.question.domain.key,
                "question": update.action.answer.question.key,
                "at": _iso(update.at),
                "user": (update.user.email or None) if update.user else None,
                "status": update.status,
                "note": update.note,
                "changes": update.changes,
            }
            for update in updates
        ],
        "activity": [
            {
                "kind": entry.kind,
                "user": (entry.user.email or None) if entry.user else None,
                "at": _iso(entry.at),
                "section": entry.section_key,
                "item": entry.item,
                "item_key": entry.item_key,
                "field": entry.field,
                "field_name": entry.field_name,
                "old": entry.old_value,
                "new": entry.new_value,
            }
            for entry in activity
        ],
    }


def to_json(data: dict[str, Any]) -> str:
    """The export as the file's text: keys sorted, so the same assessment always reads the same."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def export_filename(assessment: Assessment, extension: str, *, suffix: str = "") -> str:
    """E.g. hillside-academy-spring-review-2026-03-04.json (the date is today's)."""
    title = slugify(assessment.title) or "assessment"
    return (
        f"{assessment.organisation.slug}-{title}{suffix}-"
        f"{timezone.localdate().isoformat()}.{extension}"
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None
