"""Reads for moving an assessment to a newer edition of the framework: which edition it could
move to, and what a move would do (`move_plan`), which both the preview page and the move itself
(`services.move_to_edition`) use, so the preview always says what the move does.

Answers match the new edition's rows by stable key: a factor and a checklist statement by their
keys, a question by its domain's key and its own (as `walkthrough.services._copy_answers`
copies them). Each plan reads in a fixed number of queries, however many answers there are.
"""

from dataclasses import dataclass, field

from django.db.models import Model

from assessments.models import Assessment, ChecklistAnswer, FactorAnswer, QuestionAnswer
from assessments.walkthrough.display import display_answer
from assessments.walkthrough.services import ANSWER_FIELDS
from assessments.walkthrough.specs import CHECKLIST, DOMAIN_PREFIX, PEOPLE, for_assessment, titles
from framework.models import ChecklistStatement, Domain, Edition, Factor, Question


def newer_edition(assessment: Assessment) -> Edition | None:
    """The latest published edition newer than the assessment's, or None (one query).

    Publishing archives every other edition, so this is the current edition when it is not the
    assessment's own and was published after it."""
    current = Edition.objects.current()
    if current is None or current.pk == assessment.edition_id:
        return None
    if current.published_at <= assessment.edition.published_at:
        return None
    return current


def edition_name(edition: Edition) -> str:
    """An edition as the pages name it, e.g. "UKCIS Digital Resilience Framework, version 2"."""
    return f"{edition.title}, version {edition.version}"


def move_refusal(assessment: Assessment, edition: Edition, plan: "MovePlan | None" = None) -> str:
    """Why the assessment cannot move to the edition, in words, or "" when it can. Without a
    `plan` the check that a domain in scope remains is left out."""
    if assessment.is_locked:
        return (
            "This assessment is completed, so it stays on the edition it was completed on. "
            "To use a newer edition, start a new assessment from it."
        )
    if edition.pk == assessment.edition_id:
        return f"This assessment already uses {edition_name(edition)}."
    if edition.status != Edition.Status.PUBLISHED:
        return (
            f"{edition_name(edition)} is {edition.get_status_display().lower()}: "
            "an assessment moves only to the published edition."
        )
    if edition.published_at <= assessment.edition.published_at:
        return (
            f"{edition_name(edition)} is older than {edition_name(assessment.edition)}, which "
            "this assessment uses: an assessment moves only to a newer edition."
        )
    if plan is not None and not plan.domains:
        return (
            f"None of this assessment's domains is in {edition_name(edition)}, so no answers "
            "could carry over. Start a new assessment on it instead."
        )
    return ""


@dataclass(frozen=True)
class MovedItem:
    """An item of a move as the pages list it: a question, factor or checklist statement."""

    section: str
    # The wording: the old one for an answer carried over or removed, the new one for a new item.
    text: str
    # The new wording of an item reworded (or asked at another stage) in the new edition.
    new_text: str = ""
    # What was answered, as (field, value) pairs, only fields with a value.
    answers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class MoveSummary:
    """What a move does: the answers carried over (those with anything answered), those of them
    that need review because their wording changed, the answers removed (kept in the history),
    the new items (blank) and the domains the new edition no longer has."""

    source: Edition
    target: Edition
    carried: list[MovedItem] = field(default_factory=list)
    flagged: list[MovedItem] = field(default_factory=list)
    removed: list[MovedItem] = field(default_factory=list)
    new: list[MovedItem] = field(default_factory=list)
    domains_removed: list[str] = field(default_factory=list)


@dataclass
class Carried:
    """An answer row and the new edition's row it moves to; `reworded` when it needs review."""

    answer: Model
    row: Model
    reworded: bool
    section_key: str


@dataclass
class MovePlan:
    """Everything a move writes, worked out without writing (see `move_plan`)."""

    assessment: Assessment
    edition: Edition
    domains: list[Domain]
    carried: list[Carried]
    # (answer row, its section's key), answers to items the new edition does not have.
    removed: list[tuple[Model, str]]
    # (answer model, new framework row): the new edition's items the assessment has no answer to.
    new: list[tuple[type[Model], Model]]
    summary: MoveSummary

    @property
    def sections_to_review(self) -> set[str]:
        return {item.section_key for item in self.carried if item.reworded}


def is_answered(answer: Model) -> bool:
    return any(getattr(answer, name) not in (None, "") for name in ANSWER_FIELDS[type(answer)])


def answered_fields(answer: Model) -> list[tuple[str, str, str]]:
    """(field name, field label, value in words) of every field of the answer with a value."""
    return [
        (name, str(answer._meta.get_field(name).verbose_name), display_answer(name, value))
        for name in ANSWER_FIELDS[type(answer)]
        if (value := getattr(answer, name)) not in (None, "")
    ]


def wording(answer: Model) -> str:
    """The wording an answer was given to: a question's (an unconfirmed copy keeps the wording
    before its own), with its stage; a factor's name; a statement's text."""
    if isinstance(answer, FactorAnswer):
        return answer.factor.name
    if isinstance(answer, ChecklistAnswer):
        return answer.statement.text
    question = answer.question
    return f"{question.stage.name}: {answer.previous_question_text or question.text}"


def row_wording(row: Model) -> str:
    """The wording of a framework row, as `wording` gives an answer's."""
    if isinstance(row, Factor):
        return row.name
    if isinstance(row, ChecklistStatement):
        return row.text
    return f"{row.stage.name}: {row.text}"


def _words(text: str) -> str:
    """Text compared word for word: a change of spacing or line breaks is no new wording."""
    return " ".join(text.split())


def _changed(answer: Model, row: Model) -> bool:
    """Whether the new edition's row reads differently from what the answer was given to (a
    question asked at another stage counts: its rating means something else there)."""
    if isinstance(answer, QuestionAnswer):
        given = answer.previous_question_text or answer.question.text
        return answer.question.stage.key != row.stage.key or _words(given) != _words(row.text)
    return _words(wording(answer)) != _words(row_wording(row))


def move_plan(assessment: Assessment, edition: Edition) -> MovePlan:
    """What moving `assessment` to `edition` would do (eight queries, however many answers)."""
    old_domains = sorted(assessment.domains.all(), key=lambda domain: domain.position)
    scope = [domain.key for domain in old_domains]
    domains = list(edition.domains.filter(key__in=scope).order_by("position", "pk"))
    kept = {domain.key for domain in domains}
    old_titles = titles(for_assessment(assessment, domains=old_domains))
    new_titles = titles(for_assessment(assessment, domains=domains))

    pairs = [
        (
            FactorAnswer,
            assessment.factor_answers.select_related("factor"),
            edition.factors.all(),
            lambda answer: answer.factor.key,
            lambda row: row.key,
            lambda key: PEOPLE,
        ),
        (
            QuestionAnswer,
            assessment.question_answers.select_related("question__domain", "question__stage"),
            Question.objects.filter(domain__in=domains).select_related("domain", "stage"),
            lambda answer: (answer.question.domain.key, answer.question.key),
            lambda row: (row.domain.key, row.key),
            lambda key: f"{DOMAIN_PREFIX}{key[0]}",
        ),
        (
            ChecklistAnswer,
            assessment.checklist_answers.select_related("statement"),
            edition.checklist_statements.all(),
            lambda answer: answer.statement.key,
            lambda row: row.key,
            lambda key: CHECKLIST,
        ),
    ]
    carried, removed, new = [], [], []
    summary = MoveSummary(source=assessment.edition, target=edition)
    for model, answers, rows, answer_key, row_key, section_of in pairs:
        by_key = {row_key(row): row for row in rows}
        seen = set()
        for answer in answers:
            key = answer_key(answer)
            section_key = section_of(key)
            row = by_key.get(key)
            if row is None:
                removed.append((answer, section_key))
                if is_answered(answer):
                    summary.removed.append(
                        MovedItem(
                            old_titles.get(section_key, ""),
                            wording(answer),
                            answers=tuple(
                                (label, value) for _, label, value in answered_fields(answer)
                            ),
                        )
                    )
                continue
            seen.add(key)
            answered = is_answered(answer)
            reworded = answered and _changed(answer, row)
            carried.append(Carried(answer, row, reworded, section_key))
            if answered:
                item = MovedItem(
                    new_titles.get(section_key, ""),
                    wording(answer),
                    new_text=row_wording(row) if reworded else "",
                )
                summary.carried.append(item)
                if reworded:
                    summary.flagged.append(item)
        for key, row in by_key.items():
            if key not in seen:
                new.append((model, row))
                summary.new.append(MovedItem(new_titles.get(section_of(key), ""), row_wording(row)))
    summary.domains_removed.extend(domain.name for domain in old_domains if domain.key not in kept)
    return MovePlan(assessment, edition, domains, carried, removed, new, summary)


def move_preview(assessment: Assessment, edition: Edition) -> MoveSummary:
    """What moving `assessment` to `edition` would do, computed without writing anything."""
    return move_plan(assessment, edition).summary
