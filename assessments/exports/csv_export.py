"""The CSV downloads: every answer, and the action plan. Guarded against formula injection."""

from datetime import date

from assessments.models import (
    Assessment,
    Rating,
)
from assessments.reporting.report import action_priority
from assessments.walkthrough.specs import CHECKLIST, PEOPLE, for_assessment, titles

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
    "Owner",
    "Target date",
    "Comment or note",
]
ACTION_COLUMNS = ["Priority", "Domain", "Stage", "Question", "Action", "Owner", "Target date"]
# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def answer_rows(assessment: Assessment) -> list[list[str]]:
    """The header and one row per answer: factors, then questions, then checklist statements."""
    section_titles = titles(for_assessment(assessment, domains=[]))
    people, checklist = section_titles[PEOPLE], section_titles[CHECKLIST]
    rows = [ANSWER_COLUMNS]
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


def action_rows(assessment: Assessment) -> list[list[str]]:
    """The header and every action (“what you will do next”), most urgent first."""
    answers = assessment.question_answers.select_related("question__domain", "question__stage")
    actions = sorted((a for a in answers if a.next_steps.strip()), key=action_priority)
    rows = [ACTION_COLUMNS]
    rows += [
        [
            _rating(a.rating),
            a.question.domain.name,
            a.question.stage.name,
            a.question.text,
            a.next_steps,
            a.action_owner,
            _date(a.target_date),
        ]
        for a in actions
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
