"""The sections of an assessment's walk-through, in order: "people" (about the people you
support), one "domain-<key>" per domain in scope, and "checklist".
"""

from dataclasses import dataclass

from django.db.models import Model
from django.urls import reverse
from django.utils.text import Truncator

from assessments.models import Assessment, ChecklistAnswer, FactorAnswer, QuestionAnswer
from framework.models import Domain

PEOPLE = "people"
CHECKLIST = "checklist"
DOMAIN_PREFIX = "domain-"
# The people section's row for the assessment's own age groups (not an answer row).
AGE_GROUPS = "age-groups"
# Sections that completing the assessment does not need; progress counts only the others.
OPTIONAL = frozenset({PEOPLE})


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    domain: Domain | None = None
    # Completing the assessment does not need it (see `queries.missing_ratings`), so progress
    # counts only the other, required, sections.
    optional: bool = False

    def url(self, assessment: Assessment) -> str:
        args = [assessment.organisation.slug, assessment.pk]
        if self.domain is not None:
            return reverse("assessments:domain_section", args=[*args, self.domain.key])
        name = "people_section" if self.key == PEOPLE else "checklist_section"
        return reverse(f"assessments:{name}", args=args)


def domain_key(section_key: str) -> str:
    return section_key.removeprefix(DOMAIN_PREFIX)


def for_assessment(
    assessment: Assessment, *, domains: list[Domain] | None = None
) -> list[SectionSpec]:
    """The assessment's sections in walk-through order."""
    if domains is None:
        domains = sorted(assessment.domains.all(), key=lambda domain: domain.position)
    return [
        SectionSpec(PEOPLE, "About the people you support", optional=PEOPLE in OPTIONAL),
        *[SectionSpec(f"{DOMAIN_PREFIX}{domain.key}", domain.name, domain) for domain in domains],
        SectionSpec(CHECKLIST, "Self-assessment checklist"),
    ]


def titles(specs: list[SectionSpec]) -> dict[str, str]:
    """Section titles by key, for naming the section of an activity entry."""
    return {spec.key: spec.title for spec in specs}


def item_key(row: Model) -> str:
    """The stable key of an answer row within its section: the factor's, question's or
    statement's key (the age groups row is `AGE_GROUPS`). The history records it beside the
    label, so merging after a conflict never depends on display text."""
    if isinstance(row, Assessment):
        return AGE_GROUPS
    if isinstance(row, FactorAnswer):
        return row.factor.key
    if isinstance(row, QuestionAnswer):
        return row.question.key
    if isinstance(row, ChecklistAnswer):
        return row.statement.key
    raise TypeError(f"{row!r} is not an answer row.")


def item_label(row: Model, *, shares_stage: bool = False) -> str:
    """How the history names an answer row. A question is named by its domain and stage, and
    also by its text when it `shares_stage` with other questions of its domain. Needs the
    question's domain and stage loaded."""
    if isinstance(row, Assessment):
        return "Age groups"
    if isinstance(row, FactorAnswer):
        return row.factor.name
    if isinstance(row, ChecklistAnswer):
        return f"Checklist – {row.statement.text}"
    question = row.question
    label = f"{question.domain.name} – {question.stage.name}"
    if shares_stage:
        label += f": {Truncator(question.text).chars(60)}"
    return label
