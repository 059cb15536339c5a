"""Reading an assessment's JSON export back, on this or another installation.

A file is trusted for nothing: its shape, then every value (lengths, characters, dates, a status
that agrees with its timestamps) and its keys are checked before anything is written, and every
problem is listed at once.
"""

import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import Truncator

from assessments.actions import services as action_services
from assessments.actions.forms import ActionUpdateForm
from assessments.exports.json_export import FORMAT, FORMAT_VERSION, WORD_RATINGS
from assessments.models import (
    Action,
    ActionUpdate,
    Activity,
    AgeGroup,
    Assessment,
    ChecklistAnswer,
    FactorAnswer,
    Membership,
    Organisation,
    QuestionAnswer,
    Section,
)
from assessments.walkthrough import services
from assessments.walkthrough.forms import (
    ChecklistAnswerForm,
    FactorAnswerForm,
    QuestionAnswerForm,
    SignOffForm,
)
from assessments.walkthrough.specs import for_assessment
from framework.models import ChecklistStatement, Domain, Edition, Factor, Question


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def _is_datetime(value: Any) -> bool:
    """An ISO 8601 date and time with its time zone, as exports write them."""
    try:
        return isinstance(value, str) and timezone.is_aware(datetime.fromisoformat(value))
    except ValueError:
        return False


def _is_date(value: Any) -> bool:
    try:
        return isinstance(value, str) and bool(date.fromisoformat(value))
    except ValueError:
        return False


def _is_text_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _one_of(values: list[str]) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, str) and value in values


def _or_null(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda value: value is None or check(value)


# Each field: (check, what it must be, required). A missing optional field takes its blank
# value (empty text, null). Values (lengths, characters, dates) are checked by `value_problems`.
Spec = dict[str, tuple[Callable[[Any], bool], str, bool]]
KEY = (_is_text, "text (a key)", True)
TEXT = (_is_text, "text", False)
EMAIL = (_or_null(_is_text), "an email address or null", False)
WHEN = (_is_datetime, "a date and time with its time zone (ISO 8601)", True)
RATING = (_or_null(_one_of(list(WORD_RATINGS))), "“poorly”, “moderately”, “well” or null", False)
EDITION_SPEC: Spec = {"key": KEY, "title": TEXT, "version": TEXT}
ASSESSMENT_SPEC: Spec = {
    "title": (_is_text, "text", True),
    "status": (_one_of(Assessment.Status.values), " or ".join(Assessment.Status.values), True),
    "created_at": WHEN,
    "created_by": EMAIL,
    "completed_at": (_or_null(_is_datetime), "a date and time (ISO 8601) or null", False),
    "completed_by": EMAIL,
    "age_groups": (
        lambda value: _is_text_list(value) and set(value) <= set(AgeGroup.values),
        f"a list of age groups ({', '.join(AgeGroup.values)})",
        False,
    ),
    "domains": (
        lambda value: _is_text_list(value) and bool(value),
        "a non-empty list of domain keys",
        True,
    ),
    # The sign-off for the board (files before it was added have none: blank).
    "board_findings": TEXT,
    "board_plans": TEXT,
    "board_asks": TEXT,
    "approved_by": TEXT,
    "approved_on": (_or_null(_is_date), "a date (YYYY-MM-DD) or null", False),
    "next_review_on": (_or_null(_is_date), "a date (YYYY-MM-DD) or null", False),
}
SIGN_OFF_DATES = ["approved_on", "next_review_on"]
FACTOR_SPEC: Spec = {
    "factor": KEY,
    "relevant": (_or_null(lambda value: isinstance(value, bool)), "true, false or null", False),
    "note": TEXT,
}
QUESTION_SPEC: Spec = {
    "domain": KEY,
    "question": KEY,
    "stage": TEXT,
    "text": TEXT,
    "rating": RATING,
    "current_practice": TEXT,
    "next_steps": TEXT,
    "action_owner": TEXT,
    "target_date": (_or_null(_is_date), "a date (YYYY-MM-DD) or null", False),
}
CHECKLIST_SPEC: Spec = {"statement": KEY, "text": TEXT, "rating": RATING, "comment": TEXT}
ACTIVITY_SPEC: Spec = {
    "kind": (_one_of(Activity.Kind.values), " or ".join(Activity.Kind.values), True),
    "user": EMAIL,
    "at": WHEN,
    "section": TEXT,
    "item": TEXT,
    "item_key": TEXT,
    "field": TEXT,
    "field_name": TEXT,
    "old": TEXT,
    "new": TEXT,
}
ACTION_STATUS = (_one_of(Action.Status.values), " or ".join(Action.Status.values), True)
# Tracked actions and their updates (files before them have none: a completed assessment then
# gets its actions as completing makes them).
ACTION_SPEC: Spec = {
    "domain": KEY,
    "question": KEY,
    "status": ACTION_STATUS,
    "owner": EMAIL,
    "owner_name": TEXT,
    "target_date": (_or_null(_is_date), "a date (YYYY-MM-DD) or null", False),
    "dropped_reason": TEXT,
}
ACTION_UPDATE_SPEC: Spec = {
    "domain": KEY,
    "question": KEY,
    "at": WHEN,
    "user": EMAIL,
    "status": ACTION_STATUS,
    "note": TEXT,
    "changes": TEXT,
}
LISTS = {
    "factors": FACTOR_SPEC,
    "questions": QUESTION_SPEC,
    "checklist": CHECKLIST_SPEC,
    "activity": ACTIVITY_SPEC,
    "actions": ACTION_SPEC,
    "action_updates": ACTION_UPDATE_SPEC,
}


@transaction.atomic
def import_assessment(*, data: Any, organisation: Organisation) -> Assessment:
    """Create a new assessment of `organisation` from an exported file's data.

    The edition must be installed (by key) and every answer's key must exist in it. Status,
    timestamps and the activity history are kept; people are matched by email address (or left
    empty when no account has it). Raises ValidationError listing every problem, and creates
    nothing then.
    """
    problems = file_problems(data)
    if problems:
        raise ValidationError(problems, code="invalid")
    problems = value_problems(data)
    edition_key = data["edition"]["key"]
    edition = Edition.objects.filter(key=edition_key).first()
    if edition is None:
        problems.append(
            f"The edition “{edition_key}” of the framework is not installed here. Load it "
            "first with `python manage.py load_framework FILE`, where FILE is that edition's "
            f"data file (`export_framework --edition {edition_key}` writes one)."
        )
    elif edition.is_draft:
        problems.append(
            f"The edition “{edition_key}” is a draft here; assessments use a published edition."
        )
    else:
        content = _content(edition, data)
        problems += content.problems
    if problems:
        raise ValidationError(problems, code="invalid")
    return _create(data, organisation=organisation, edition=edition, content=content)


def unmatched_emails(data: dict[str, Any]) -> list[str]:
    """Email addresses a file names (who completed it, who did what) that no account has here."""
    emails = _file_emails(data)
    return sorted(emails - set(_users_by_email(emails)))


def file_problems(data: Any) -> list[str]:
    """What is wrong with the shape of an export file: format, required fields and types."""
    if not isinstance(data, dict):
        return ["The file is not an assessment export (expected a JSON object)."]
    if data.get("format") != FORMAT:
        return [f"The file is not an assessment export (expected “format”: “{FORMAT}”)."]
    if data.get("format_version") != FORMAT_VERSION:
        return [
            f"format_version {data.get('format_version')!r} is not supported: this installation "
            f"reads version {FORMAT_VERSION}."
        ]
    problems = []
    problems += _check(data.get("edition"), EDITION_SPEC, "edition")
    problems += _check(data.get("assessment"), ASSESSMENT_SPEC, "assessment")
    for name, spec in LISTS.items():
        rows = data.get(name, [])
        if not isinstance(rows, list):
            problems.append(f"{name}: expected a list.")
            continue
        for index, row in enumerate(rows):
            problems += _check(row, spec, f"{name}[{index}]")
    return problems


# Longest text a file may hold per field: the model's column, or for free text the limit the
# walk-through's forms set (so an imported answer is one that could have been typed here), or
# the limit they set before it was lowered (issue 10, December 2026): answers saved then stay,
# so files exported then must still import.
EARLIER_LIMITS = {"current_practice": 5000, "next_steps": 5000, "note": 2000, "comment": 2000}


def _form_limit(form: type, field: str) -> int:
    return max(form.base_fields[field].max_length, EARLIER_LIMITS.get(field, 0))


def _column_limit(model: type, field: str) -> int:
    return model._meta.get_field(field).max_length


ANSWER_LIMIT = max(
    _form_limit(QuestionAnswerForm, "current_practice"),
    _form_limit(QuestionAnswerForm, "next_steps"),
    _form_limit(FactorAnswerForm, "note"),
    _form_limit(ChecklistAnswerForm, "comment"),
)
# (field, longest, multi-line). Multi-line text (answers, and the history's old and new values)
# may keep newlines and tabs; one-line text (titles, names, keys) may not, nor may it carry
# bidirectional overrides, which would reorder what a page shows around it.
EMAIL_LIMIT = 254
LIMITS: dict[str, list[tuple[str, int, bool]]] = {
    "edition": [("key", _column_limit(Edition, "key"), False)],
    "assessment": [
        ("title", _column_limit(Assessment, "title"), False),
        ("created_by", EMAIL_LIMIT, False),
        ("completed_by", EMAIL_LIMIT, False),
        ("board_findings", _form_limit(SignOffForm, "board_findings"), True),
        ("board_plans", _form_limit(SignOffForm, "board_plans"), True),
        ("board_asks", _form_limit(SignOffForm, "board_asks"), True),
        ("approved_by", _column_limit(Assessment, "approved_by"), False),
    ],
    "factors": [
        ("factor", 80, False),
        ("note", _form_limit(FactorAnswerForm, "note"), True),
    ],
    "questions": [
        ("domain", 80, False),
        ("question", 80, False),
        ("current_practice", _form_limit(QuestionAnswerForm, "current_practice"), True),
        ("next_steps", _form_limit(QuestionAnswerForm, "next_steps"), True),
        ("action_owner", _column_limit(QuestionAnswer, "action_owner"), False),
    ],
    "checklist": [
        ("statement", 80, False),
        ("comment", _form_limit(ChecklistAnswerForm, "comment"), True),
    ],
    "activity": [
        ("user", EMAIL_LIMIT, False),
        ("section", _column_limit(Activity, "section_key"), False),
        ("item", _column_limit(Activity, "item"), False),
        ("item_key", _column_limit(Activity, "item_key"), False),
        ("field", _column_limit(Activity, "field"), False),
        ("field_name", _column_limit(Activity, "field_name"), False),
        ("old", ANSWER_LIMIT, True),
        ("new", ANSWER_LIMIT, True),
    ],
    "actions": [
        ("domain", 80, False),
        ("question", 80, False),
        ("owner", EMAIL_LIMIT, False),
        ("owner_name", _column_limit(Action, "owner_name"), False),
        ("dropped_reason", ActionUpdateForm.base_fields["dropped_reason"].max_length, True),
    ],
    "action_updates": [
        ("domain", 80, False),
        ("question", 80, False),
        ("user", EMAIL_LIMIT, False),
        ("note", ActionUpdateForm.base_fields["note"].max_length, True),
        # What changed, in words: a line per field, each with two values.
        ("changes", ANSWER_LIMIT, True),
    ],
}
# Times an export can hold: none before this tool's framework existed, none in the future
# (a day's grace for clocks). Target dates: four-digit years, as the walk-through takes them,
# but none so late that a year added to it (a review due) leaves what Python and the database
# can hold.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
CLOCK_GRACE = timedelta(days=1)
TARGET_DATES = (date(1900, 1, 1), date(2999, 12, 31))
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
KEPT_IN_ANSWERS = frozenset("\n\r\t")


def value_problems(data: dict[str, Any]) -> list[str]:
    """What is wrong with the values of a file whose shape is right (see `file_problems`):
    text too long or carrying control characters, dates the site cannot hold, and a status
    that disagrees with its timestamps."""
    problems = []
    for where, row in _rows(data):
        for field, limit, multiline in LIMITS[where.split("[")[0]]:
            value = row.get(field)
            if isinstance(value, str):
                problems += _text_problems(f"{where}.{field}", value, limit, multiline)
    latest = timezone.now() + CLOCK_GRACE
    meta = data["assessment"]
    times = [("assessment.created_at", meta["created_at"])]
    times += [("assessment.completed_at", meta["completed_at"])] if meta.get("completed_at") else []
    times += [(f"activity[{i}].at", row["at"]) for i, row in enumerate(data.get("activity", []))]
    times += [
        (f"action_updates[{i}].at", row["at"])
        for i, row in enumerate(data.get("action_updates", []))
    ]
    for where, value in times:
        if not EARLIEST <= datetime.fromisoformat(value) <= latest:
            problems.append(
                f"{where}: {value} is not a time this file can hold "
                f"(from {EARLIEST:%Y-%m-%d} until now)."
            )
    for name in ("questions", "actions"):
        for index, row in enumerate(data.get(name, [])):
            target = row.get("target_date")
            if target and not TARGET_DATES[0] <= date.fromisoformat(target) <= TARGET_DATES[1]:
                problems.append(
                    f"{name}[{index}].target_date: {target} is outside the dates an action can "
                    f"have ({TARGET_DATES[0]} to {TARGET_DATES[1]})."
                )
    for field in SIGN_OFF_DATES:
        day = meta.get(field)
        if day and not TARGET_DATES[0] <= date.fromisoformat(day) <= TARGET_DATES[1]:
            problems.append(
                f"assessment.{field}: {day} is outside the dates the site can hold "
                f"({TARGET_DATES[0]} to {TARGET_DATES[1]})."
            )
    problems += _status_problems(meta)
    return problems


def _rows(data: dict[str, Any]):
    yield "edition", data["edition"]
    yield "assessment", data["assessment"]
    for name in LISTS:
        for index, row in enumerate(data.get(name, [])):
            yield f"{name}[{index}]", row


def _text_problems(where: str, value: str, limit: int, multiline: bool) -> list[str]:
    problems = []
    if len(value) > limit:
        problems.append(f"{where}: {len(value):,} characters; at most {limit:,} are allowed.")
    kept = KEPT_IN_ANSWERS if multiline else frozenset()
    refused = sorted(
        {
            char
            for char in value
            if (unicodedata.category(char) in ("Cc", "Cs") and char not in kept)
            or (not multiline and char in BIDI_CONTROLS)
        }
    )
    if refused:
        names = ", ".join(f"U+{ord(char):04X}" for char in refused)
        what = "control characters" if multiline else "control, line-break or direction characters"
        problems.append(f"{where}: contains {what} that text here cannot hold ({names}).")
    return problems


def _status_problems(meta: dict[str, Any]) -> list[str]:
    completed_at = _parse_datetime(meta.get("completed_at"))
    if meta["status"] == Assessment.Status.COMPLETED:
        if completed_at is None:
            return ["assessment.completed_at: a completed assessment needs its completion time."]
        if completed_at < datetime.fromisoformat(meta["created_at"]):
            return ["assessment.completed_at: the assessment was completed before it was started."]
        return []
    if completed_at is not None or meta.get("completed_by"):
        return [
            "assessment.completed_at: an assessment in progress has no completion time nor "
            "anyone who completed it."
        ]
    return []


def _check(row: Any, spec: Spec, where: str) -> list[str]:
    if not isinstance(row, dict):
        return [f"{where}: expected an object."]
    problems = []
    for field, (check, expected, required) in spec.items():
        if field not in row:
            if required:
                problems.append(f"{where}.{field}: missing (required).")
        elif not check(row[field]):
            got = Truncator(repr(row[field])).chars(60)
            problems.append(f"{where}.{field}: expected {expected}, got {got}.")
    return problems


@dataclass
class _Content:
    """The edition's rows that the file's answers go to, and any keys the edition lacks."""

    domains: list[Domain]
    factors: list[Factor]
    questions: list[Question]
    statements: list[ChecklistStatement]
    problems: list[str]


def _content(edition: Edition, data: dict[str, Any]) -> _Content:
    domains = {domain.key: domain for domain in edition.domains.all()}
    questions = {
        (question.domain.key, question.key): question
        for question in Question.objects.filter(domain__edition=edition).select_related("domain")
    }
    factors = {factor.key: factor for factor in edition.factors.all()}
    statements = {statement.key: statement for statement in edition.checklist_statements.all()}
    in_scope = [domains[key] for key in data["assessment"]["domains"] if key in domains]

    unknown = [f"domain “{key}”" for key in data["assessment"]["domains"] if key not in domains]
    unknown += _unknown(data.get("factors", []), factors, "factor", lambda row: row["factor"])
    unknown += _unknown(
        data.get("questions", []),
        questions,
        "question",
        lambda row: (row["domain"], row["question"]),
    )
    unknown += _unknown(
        data.get("checklist", []), statements, "checklist statement", lambda row: row["statement"]
    )
    problems = []
    if unknown:
        problems.append(f"These keys are not in the edition “{edition.key}”: {', '.join(unknown)}.")
    scope = {domain.key for domain in in_scope}
    outside = sorted({row["domain"] for row in data.get("questions", [])} - scope)
    if outside:
        problems.append(
            "There are answers to questions of domains not listed in assessment.domains: "
            + ", ".join(f"“{key}”" for key in outside)
            + "."
        )
    planned = {
        (row["domain"], row["question"])
        for row in data.get("questions", [])
        if str(row.get("next_steps", "")).strip()
    }
    # (Once the answers' keys are right: a renamed question is named once, as unknown.)
    for name in ("actions", "action_updates") if not unknown else ():
        stray = sorted(
            {f"{row['domain']}/{row['question']}" for row in data.get(name, [])}
            - {f"{domain}/{question}" for domain, question in planned}
        )
        if stray:
            problems.append(
                f"{name}: for questions with no next step in this file: {', '.join(stray)}."
            )
    for name, key_of in [
        ("actions", lambda row: f"{row['domain']}/{row['question']}"),
        ("factors", lambda row: row["factor"]),
        ("questions", lambda row: f"{row['domain']}/{row['question']}"),
        ("checklist", lambda row: row["statement"]),
    ]:
        counted = Counter(key_of(row) for row in data.get(name, []))
        twice = sorted(key for key, number in counted.items() if number > 1)
        if twice:
            problems.append(f"{name}: answered more than once: {', '.join(twice)}.")
    return _Content(
        domains=sorted(set(in_scope), key=lambda domain: (domain.position, domain.pk)),
        factors=list(factors.values()),
        questions=[question for question in questions.values() if question.domain.key in scope],
        statements=list(statements.values()),
        problems=problems,
    )


def _unknown(rows: list[dict], known: dict, label: str, key_of) -> list[str]:
    missing = dict.fromkeys(key_of(row) for row in rows if key_of(row) not in known)
    return [f"{label} “{'/'.join(key) if isinstance(key, tuple) else key}”" for key in missing]


def _create(
    data: dict[str, Any], *, organisation: Organisation, edition: Edition, content: _Content
) -> Assessment:
    meta = data["assessment"]
    users = _users_by_email(_file_emails(data))

    def user(email: str | None):
        return users.get(email.lower()) if email else None

    assessment = Assessment.objects.create(
        organisation=organisation,
        edition=edition,
        title=meta["title"],
        status=meta["status"],
        age_groups=meta.get("age_groups", []),
        created_at=datetime.fromisoformat(meta["created_at"]),
        created_by=user(meta.get("created_by")),
        completed_at=_parse_datetime(meta.get("completed_at")),
        completed_by=user(meta.get("completed_by")),
        board_findings=meta.get("board_findings", ""),
        board_plans=meta.get("board_plans", ""),
        board_asks=meta.get("board_asks", ""),
        approved_by=meta.get("approved_by", ""),
        approved_on=_parse_date(meta.get("approved_on")),
        next_review_on=_parse_date(meta.get("next_review_on")),
    )
    assessment.domains.set(content.domains)
    Section.objects.bulk_create(
        Section(assessment=assessment, key=spec.key)
        for spec in for_assessment(assessment, domains=content.domains)
    )
    factors = {row["factor"]: row for row in data.get("factors", [])}
    FactorAnswer.objects.bulk_create(
        FactorAnswer(
            assessment=assessment,
            factor=factor,
            relevant=row.get("relevant"),
            note=row.get("note", ""),
        )
        for factor in content.factors
        for row in [factors.get(factor.key, {})]
    )
    questions = {(row["domain"], row["question"]): row for row in data.get("questions", [])}
    QuestionAnswer.objects.bulk_create(
        QuestionAnswer(
            assessment=assessment,
            question=question,
            rating=WORD_RATINGS.get(row.get("rating")),
            current_practice=row.get("current_practice", ""),
            next_steps=row.get("next_steps", ""),
            action_owner=row.get("action_owner", ""),
            target_date=date.fromisoformat(row["target_date"]) if row.get("target_date") else None,
        )
        for question in content.questions
        for row in [questions.get((question.domain.key, question.key), {})]
    )
    statements = {row["statement"]: row for row in data.get("checklist", [])}
    ChecklistAnswer.objects.bulk_create(
        ChecklistAnswer(
            assessment=assessment,
            statement=statement,
            rating=WORD_RATINGS.get(row.get("rating")),
            comment=row.get("comment", ""),
        )
        for statement in content.statements
        for row in [statements.get(statement.key, {})]
    )
    # In the file's order (oldest first), so the history lists same-time entries as before.
    Activity.objects.bulk_create(
        Activity(
            assessment=assessment,
            kind=row["kind"],
            user=user(row.get("user")),
            at=datetime.fromisoformat(row["at"]),
            section_key=row.get("section", ""),
            item=row.get("item", ""),
            item_key=row.get("item_key", ""),
            field=row.get("field", ""),
            field_name=row.get("field_name", ""),
            old_value=row.get("old", ""),
            new_value=row.get("new", ""),
        )
        for row in data.get("activity", [])
    )
    services.refresh_section_statuses(assessment)
    if "actions" in data:
        _create_actions(data, assessment, user)
    elif assessment.is_locked:
        action_services.create_actions(assessment=assessment)
    return assessment


def _create_actions(data: dict[str, Any], assessment: Assessment, user) -> None:
    """The file's tracked actions and their updates. An owner is a member only if their email
    address is a member's here; otherwise the action names them (someone outside)."""
    answers = {
        (answer.question.domain.key, answer.question.key): answer
        for answer in assessment.question_answers.select_related("question__domain")
    }
    members = set(
        Membership.objects.filter(organisation=assessment.organisation).values_list(
            "user_id", flat=True
        )
    )
    actions = []
    for row in data["actions"]:
        owner = user(row.get("owner"))
        if owner is not None and owner.pk not in members:
            owner = None
        actions.append(
            Action(
                organisation=assessment.organisation,
                assessment=assessment,
                answer=answers[(row["domain"], row["question"])],
                owner=owner,
                owner_name="" if owner else row.get("owner_name") or row.get("owner") or "",
                target_date=_parse_date(row.get("target_date")),
                status=row["status"],
                dropped_reason=row.get("dropped_reason", ""),
                created_at=assessment.completed_at or assessment.created_at,
            )
        )
    by_answer = {action.answer_id: action for action in Action.objects.bulk_create(actions)}
    ActionUpdate.objects.bulk_create(
        ActionUpdate(
            action=by_answer[answers[(row["domain"], row["question"])].pk],
            at=datetime.fromisoformat(row["at"]),
            user=user(row.get("user")),
            status=row["status"],
            note=row.get("note", ""),
            changes=row.get("changes", ""),
        )
        for row in data.get("action_updates", [])
        if answers[(row["domain"], row["question"])].pk in by_answer
    )


def _parse_datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _file_emails(data: dict[str, Any]) -> set[str]:
    meta = data["assessment"]
    emails = [meta.get("created_by"), meta.get("completed_by")]
    emails += [row.get("user") for row in data.get("activity", [])]
    emails += [row.get("user") for row in data.get("action_updates", [])]
    emails += [row.get("owner") for row in data.get("actions", [])]
    return {email.lower() for email in emails if email}


def _users_by_email(emails: set[str]) -> dict[str, Any]:
    """Accounts by lower-cased email address (the oldest account where several share one)."""
    users = (
        get_user_model()
        .objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
        .order_by("-pk")
    )
    return {user.email_lower: user for user in users}
