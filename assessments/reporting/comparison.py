"""Two assessments of one organisation side by side: their scores and every rating, by key.

`compare(a, b)` reads in a fixed number of queries (six), however many domains either covers,
and returns plain data for the comparison page, with the domains both cover (compared) and
those only one covers. `a` is the baseline (usually the earlier one) and
`b` the later one. Questions are matched by (domain key, question key) and checklist statements
by key, so assessments on different editions compare wherever the framework kept its keys; what
only one of them has is listed as not compared. Between editions, an item only one edition has
is marked "only in <edition>", and one whose wording (or stage) changed "Cannot be compared":
neither counts among the rating changes. Scores come from `queries.assessment_scores`
and their changes from `scoring.change`: nothing here does score maths of its own.
"""

from dataclasses import dataclass, field, replace

from assessments.editions.queries import edition_name
from assessments.models import Assessment, ChecklistAnswer, QuestionAnswer, Rating
from assessments.reporting import queries
from assessments.reporting.scoring import change

IMPROVED, SAME, WORSE, NOT_RATED = "improved", "same", "worse", "not-rated"
# The item reads differently in the two editions: its ratings answer different questions.
CHANGED = "changed"
OUTCOME_LABELS = {IMPROVED: "Improved", SAME: "Same", WORSE: "Worse"}
CHECKLIST_TITLE = "Self-assessment checklist"


@dataclass(frozen=True)
class ScoreChange:
    """A score of both assessments (None where nothing is rated) and its change in points."""

    label: str
    a: float | None
    b: float | None

    @property
    def change(self) -> float | None:
        return change(self.a, self.b)

    @property
    def direction(self) -> str:
        """ "up", "down", "same", or "" when either score is missing."""
        if self.change is None:
            return ""
        return "up" if self.change > 0 else "down" if self.change < 0 else "same"

    @property
    def points(self) -> float | None:
        return None if self.change is None else abs(self.change)


@dataclass(frozen=True)
class Item:
    """A question or checklist statement of one assessment, with its rating there."""

    key: tuple[str, ...]
    section: str
    stage: str
    text: str
    rating: int | None
    stage_key: str = ""
    # Why it is not compared when the editions differ, e.g. "Cannot be compared: only in …".
    note: str = ""

    @property
    def rating_label(self) -> str:
        return Rating(self.rating).label if self.rating else "Not rated"


@dataclass(frozen=True)
class ItemChange:
    """An item both assessments have, with its rating in each."""

    section: str
    stage: str
    text: str
    a: int | None
    b: int | None
    # A's wording, where the editions word the item differently (or ask it at another stage).
    a_text: str = ""

    @property
    def comparable(self) -> bool:
        return not self.a_text

    @property
    def outcome(self) -> str:
        if not self.comparable:
            return CHANGED
        if self.a is None or self.b is None:
            return NOT_RATED
        return IMPROVED if self.b > self.a else WORSE if self.b < self.a else SAME

    @property
    def outcome_label(self) -> str:
        if self.outcome == CHANGED:
            thing = "question" if self.stage else "statement"
            return f"Cannot be compared: the {thing} changed between editions"
        if self.outcome != NOT_RATED:
            return OUTCOME_LABELS[self.outcome]
        unrated = [name for name, rating in (("A", self.a), ("B", self.b)) if rating is None]
        return f"Not compared: not rated in {' or '.join(unrated)}"

    @property
    def a_label(self) -> str:
        return Rating(self.a).label if self.a else "Not rated"

    @property
    def b_label(self) -> str:
        return Rating(self.b).label if self.b else "Not rated"


@dataclass(frozen=True)
class SectionChanges:
    """The compared items of one domain, or of the checklist."""

    title: str
    items: list[ItemChange]


@dataclass
class Comparison:
    a: Assessment
    b: Assessment
    overall: ScoreChange
    stages: list[ScoreChange]
    checklist: ScoreChange
    sections: list[SectionChanges]
    only_in_a: list[Item]
    only_in_b: list[Item]
    # Domain names: those both assessments cover, and those only one covers (by key).
    domains: list[str] = field(default_factory=list)
    domains_only_in_a: list[str] = field(default_factory=list)
    domains_only_in_b: list[str] = field(default_factory=list)

    @property
    def same_domains(self) -> bool:
        return not self.domains_only_in_a and not self.domains_only_in_b

    @property
    def changes(self) -> list[ItemChange]:
        return [item for section in self.sections for item in section.items]

    @property
    def improved(self) -> int:
        return self._count(IMPROVED)

    @property
    def same(self) -> int:
        return self._count(SAME)

    @property
    def worse(self) -> int:
        return self._count(WORSE)

    @property
    def not_rated(self) -> int:
        return self._count(NOT_RATED)

    @property
    def reworded(self) -> int:
        """Items both have whose wording changed between their editions (not compared)."""
        return self._count(CHANGED)

    @property
    def editions_differ(self) -> bool:
        return self.a.edition_id != self.b.edition_id

    def _count(self, outcome: str) -> int:
        return sum(1 for item in self.changes if item.outcome == outcome)


def compare(a: Assessment, b: Assessment) -> Comparison:
    """Compare the baseline `a` with `b` (both of the same organisation, checked by the caller
    through `assessments.access`)."""
    stages = queries.stages_by_edition({a.edition_id, b.edition_id})
    scores = queries.assessment_scores([a, b], stages=stages)
    items = _items([a.pk, b.pk])
    # Stages match by key too: B's edition sets the order and the names; stages that only A's
    # edition has come last.
    stage_names = {stage.key: stage.name for stage in stages[a.edition_id] + stages[b.edition_id]}
    stage_keys = dict.fromkeys(stage.key for stage in stages[b.edition_id] + stages[a.edition_id])
    before, after = scores[a.pk], scores[b.pk]
    in_scope = queries.domains_in_scope([a, b])
    a_domains, b_domains = dict(in_scope[a.pk]), dict(in_scope[b.pk])
    return Comparison(
        a=a,
        b=b,
        overall=ScoreChange("Overall", before.overall, after.overall),
        stages=[
            ScoreChange(stage_names[key], before.by_stage.get(key), after.by_stage.get(key))
            for key in stage_keys
        ],
        checklist=ScoreChange(CHECKLIST_TITLE, before.checklist, after.checklist),
        sections=_matched(items[a.pk], items[b.pk]),
        only_in_a=_only_in(a, items[a.pk], items[b.pk], other_scope=b_domains),
        only_in_b=_only_in(b, items[b.pk], items[a.pk], other_scope=a_domains),
        domains=[name for key, name in b_domains.items() if key in a_domains],
        domains_only_in_a=[name for key, name in a_domains.items() if key not in b_domains],
        domains_only_in_b=[name for key, name in b_domains.items() if key not in a_domains],
    )


def _only_in(
    assessment: Assessment, mine: dict[tuple, Item], theirs: dict[tuple, Item], *, other_scope
) -> list[Item]:
    """The items of `mine` the other assessment lacks. Where the other covers the item's domain
    (or it is a checklist statement, which every assessment has), the other's edition lacks it:
    it is marked as only in this one's edition."""
    only = []
    for key, item in mine.items():
        if key in theirs:
            continue
        if key[0] == "s" or key[1] in other_scope:
            item = replace(
                item, note=f"Cannot be compared: only in {edition_name(assessment.edition)}"
            )
        only.append(item)
    return only


def _words(text: str) -> str:
    return " ".join(text.split())


def _matched(old: dict[tuple, Item], new: dict[tuple, Item]) -> list[SectionChanges]:
    """Items in both, grouped by section in B's framework order; an item worded differently in
    the two editions (or asked at another stage) carries A's wording, and is not compared."""
    sections: dict[str, list[ItemChange]] = {}
    for key, item in new.items():
        if (previous := old.get(key)) is not None:
            differs = (previous.stage_key, _words(previous.text)) != (
                item.stage_key,
                _words(item.text),
            )
            sections.setdefault(item.section, []).append(
                ItemChange(
                    item.section,
                    item.stage,
                    item.text,
                    previous.rating,
                    item.rating,
                    a_text=previous.text if differs else "",
                )
            )
    return [SectionChanges(title, changes) for title, changes in sections.items()]


def _items(ids: list[int]) -> dict[int, dict[tuple, Item]]:
    """Each assessment's questions then checklist statements, in framework order, by key."""
    items: dict[int, dict[tuple, Item]] = {pk: {} for pk in ids}
    questions = (
        QuestionAnswer.objects.filter(assessment_id__in=ids)
        .order_by("question__domain__position", "question__stage__position", "question__position")
        .values_list(
            "assessment_id",
            "question__domain__key",
            "question__key",
            "question__domain__name",
            "question__stage__name",
            "question__text",
            "rating",
            "question__stage__key",
        )
    )
    for assessment_id, domain_key, key, domain, stage, text, rating, stage_key in questions:
        items[assessment_id][("q", domain_key, key)] = Item(
            ("q", domain_key, key), domain, stage, text, rating, stage_key
        )
    statements = (
        ChecklistAnswer.objects.filter(assessment_id__in=ids)
        .order_by("statement__position", "pk")
        .values_list("assessment_id", "statement__key", "statement__text", "rating")
    )
    for assessment_id, key, text, rating in statements:
        items[assessment_id][("s", key)] = Item(("s", key), CHECKLIST_TITLE, "", text, rating)
    return items
