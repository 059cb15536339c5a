"""The CSV downloads: every answer, and the action plan (the download makes each cell safe:
`assessments.spreadsheets`).

Columns are named as the pages name them: the walk-through's "Who will do it" and "By when",
the report's action plan's "Priority" and "Action".
"""

from datetime import date

from django.utils import timezone

from assessments.actions import queries as action_queries
from assessments.models import (
    Assessment,
    Organisation,
    Rating,
)
from assessments.reporting.report import action_priority
from assessments.walkthrough.specs import AGE_GROUPS, CHECKLIST, PEOPLE, for_assessment, titles

ANSWER_COLUMNS = [
    "Section",
    "Domain",
    "Stage",
    "Key",
    "Item",
    "Rating",
    "Relevant",
    "What you do now",
    "What you will do next",
    "Who will do it",
    "By when",
    "Comment or note",
]
ACTION_COLUMNS = [
    "Priority",
    "Rating",
    "Domain",
    "Stage",
    "Question",
    "Action",
    "Who will do it",
    "By when",
    "Overdue",
    "Status",
    "Latest progress note",
]
ORGANISATION_ACTION_COLUMNS = [
    "Assessment",
    "Completed",
    "Domain",
    "Stage",
    "Question",
    "Action",
    "Status",
    "Overdue",
    "Owner",
    "Owner is a member",
    "Target date",
    "Why it was dropped",
    "Last updated",
    "Latest progress note",
]
NOT_TRACKED = "Not tracked yet"
AGE_GROUPS_ITEM = "Age groups"
OVERDUE = "Overdue"


def answer_rows(assessment: Assessment) -> list[list[str]]:
    """The header and one row per answer: factors, then questions, then checklist statements."""
    section_titles = titles(for_assessment(assessment, domains=[]))
    people, checklist = section_titles[PEOPLE], section_titles[CHECKLIST]
    rows = [ANSWER_COLUMNS]
    # The assessment's age groups: a row of the people section, as on its page, named in the
    # comment column ("5–10, 11–13"; empty when none is chosen).
    age_groups = assessment.get_age_groups_display()
    rows.append([people, "", "", AGE_GROUPS, AGE_GROUPS_ITEM] + [""] * 6 + [age_groups])
    rows += [
        [
            people,
            "",
            "",
            a.factor.key,
            a.factor.name,
            "",
            _yes_no(a.relevant),
            "",
            "",
            "",
            "",
            a.note,
        ]
        for a in assessment.factor_answers.select_related("factor")
    ]
    rows += [
        [
            a.question.domain.name,
            a.question.domain.name,
            a.question.stage.name,
            a.question.key,
            a.question.text,
            _rating(a.rating),
            "",
            a.current_practice,
            a.next_steps,
            a.action_owner,
            _date(a.target_date),
            "",
        ]
        for a in assessment.question_answers.select_related("question__domain", "question__stage")
    ]
    rows += [
        [checklist, "", "", a.statement.key, a.statement.text, _rating(a.rating)]
        + ["", "", "", "", "", a.comment]
        for a in assessment.checklist_answers.select_related("statement")
    ]
    return rows


def action_rows(assessment: Assessment, *, today: date | None = None) -> list[list[str]]:
    """The header and every action (“what you will do next”), most urgent first, numbered as
    the report numbers them. Once the assessment is completed each is a tracked action: its
    owner, target date, status and latest progress note are the action's as they are now
    (before, "Not tracked yet" and the answer's owner and date). Overdue says "Overdue" once an
    open action's date is before `today` (default: today's date here)."""
    today = today or timezone.localdate()
    answers = assessment.question_answers.select_related("question__domain", "question__stage")
    actions = sorted((a for a in answers if a.next_steps.strip()), key=action_priority)
    tracked = action_queries.plan_statuses(assessment)
    rows = [ACTION_COLUMNS]
    for priority, a in enumerate(actions, start=1):
        action = tracked.get(a.pk)
        if action is None:
            owner, target, status, note, is_open = (
                a.action_owner,
                a.target_date,
                NOT_TRACKED,
                "",
                True,
            )
        else:
            owner, target = action_queries.owner_label(action), action.target_date
            status, note, is_open = (
                action.get_status_display(),
                action.last_note or "",
                action.is_open,
            )
        rows.append(
            [
                str(priority),
                _rating(a.rating),
                a.question.domain.name,
                a.question.stage.name,
                a.question.text,
                a.next_steps,
                owner,
                _date(target),
                OVERDUE if is_open and target and target < today else "",
                status,
                note,
            ]
        )
    return rows


def organisation_action_rows(organisation: Organisation, *, today: date | None = None):
    """The header and every action of the organisation's completed assessments, of every
    status, overdue first then by target date (as the actions page lists them)."""
    today = today or timezone.localdate()
    actions = action_queries.organisation_actions(
        organisation, None, action_queries.ActionFilters(closed=True)
    )
    rows = [ORGANISATION_ACTION_COLUMNS]
    rows += [
        [
            action.assessment.title,
            _date(timezone.localdate(action.assessment.completed_at)),
            action.answer.question.domain.name,
            action.answer.question.stage.name,
            action.answer.question.text,
            action.answer.next_steps,
            action.get_status_display(),
            OVERDUE if action.is_overdue_on(today) else "",
            action_queries.owner_label(action),
            "Yes" if action.owner_id else "",
            _date(action.target_date),
            action.dropped_reason,
            _date(timezone.localdate(action.last_update_at)) if action.last_update_at else "",
            action.last_note or "",
        ]
        for action in actions
    ]
    return rows


def _rating(rating: int | None) -> str:
    return Rating(rating).label if rating else "Not rated"


def _yes_no(value: bool | None) -> str:
    return "" if value is None else "Yes" if value else "No"


def _date(value: date | None) -> str:
    return value.isoformat() if value else ""
