"""The CSV downloads: every answer, and the action plan. Guarded against formula injection.

Columns are named as the pages name them: the walk-through's "Who will do it" and "By when",
the report's action plan's "Priority" and "Action".
"""

from datetime import date

from django.utils import timezone

from assessments.models import (
    Assessment,
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
    "Status",
]
AGE_GROUPS_ITEM = "Age groups"
OVERDUE = "Overdue"
# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
    return _guarded(rows)


def action_rows(assessment: Assessment, *, today: date | None = None) -> list[list[str]]:
    """The header and every action (“what you will do next”), most urgent first, numbered as
    the report numbers them. Status says "Overdue" once the "by when" date is before `today`
    (default: today's date here)."""
    today = today or timezone.localdate()
    answers = assessment.question_answers.select_related("question__domain", "question__stage")
    actions = sorted((a for a in answers if a.next_steps.strip()), key=action_priority)
    rows = [ACTION_COLUMNS]
    rows += [
        [
            str(priority),
            _rating(a.rating),
            a.question.domain.name,
            a.question.stage.name,
            a.question.text,
            a.next_steps,
            a.action_owner,
            _date(a.target_date),
            OVERDUE if a.target_date and a.target_date < today else "",
        ]
        for priority, a in enumerate(actions, start=1)
    ]
    return _guarded(rows)


def _guarded(rows: list[list[str]]) -> list[list[str]]:
    return [[_cell(value) for value in row] for row in rows]


def _cell(value: str) -> str:
    """The value, with a leading quote where a spreadsheet would run it as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _rating(rating: int | None) -> str:
    return Rating(rating).label if rating else "Not rated"


def _yes_no(value: bool | None) -> str:
    return "" if value is None else "Yes" if value else "No"


def _date(value: date | None) -> str:
    return value.isoformat() if value else ""
