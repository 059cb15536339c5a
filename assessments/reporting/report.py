"""The report of an assessment: one context builder feeds the HTML page and the PDF.

`build_report(assessment)` reads everything the report says in a fixed number of queries,
whatever the number of domains or answers, and returns plain data for the templates.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from assessments.actions import queries as action_queries
from assessments.models import (
    Action,
    Assessment,
    ChecklistAnswer,
    FactorAnswer,
    QuestionAnswer,
    Rating,
    job_title,
)
from assessments.reporting import charts, scoring
from assessments.reporting.queries import previous_assessment
from framework import cache
from framework.models import Domain, MemberOrganisation, Resource, Stage

HOW_SCORES_WORK = (
    "Each rating counts Poorly = 1, Moderately = 2 and Well = 3. A score is the share of the best "
    "possible rating: the sum of the ratings given divided by three times the number of ratings "
    "given, as a percentage. So a score of 100% means every item was rated Well, and 33% means "
    "every item was rated Poorly. Items not yet rated are left out of a score, never counted as "
    "Poorly. The headline score covers every stage question of the domains in scope and every "
    "checklist statement; stage and domain scores cover the questions of that stage or domain."
)

# Where a score first appears (the executive summary): what it means, in one sentence.
SCORES_IN_ONE_SENTENCE = (
    "A score sums up a group of ratings (a stage, a domain, or everything) as a share of the "
    "best possible: 100% if every item in it is rated Well, 67% if every item is Moderately, "
    "33% if every item is Poorly."
)

RESOURCE_TAGS = ["stages", "audiences", "domains", "statements"]
# Targeted signposting fits one page: a few resources for each weak stage, a handful in all.
SIGNPOSTS_PER_STAGE = 3
SIGNPOSTS_IN_ALL = 6


@dataclass
class RatedItem:
    """A rated question or checklist statement, as strengths and priorities list them."""

    label: str
    text: str
    rating: int | None
    order: int
    anchor: str
    target_date: date | None = None
    # Its number in the action plan, when it has an action there.
    action_number: int | None = None

    @property
    def rating_label(self) -> str:
        return Rating(self.rating).label if self.rating else "Not rated"


@dataclass
class StageBlock:
    stage: Stage
    answers: list[QuestionAnswer]

    @property
    def score(self) -> float | None:
        return scoring.score(answer.rating for answer in self.answers)


@dataclass
class DomainPart:
    domain: Domain
    score: float | None
    stages: list[StageBlock]
    rated: int = 0
    total: int = 0


@dataclass
class ScoreRow:
    label: str
    score: float | None
    previous: float | None = None
    # How many of the row's items are rated: a draft's scores say "x of y rated" beside them.
    rated: int = 0
    total: int = 0

    @property
    def change_points(self) -> int | None:
        """The change between the whole percentages shown, so "67% to 72%" reads as +5."""
        return scoring.change(self.previous, self.score)

    @property
    def band(self) -> str:
        return charts.score_band(self.score)


NOTE_IN_PLAN = 160


@dataclass
class PlanItem:
    """A line of the action plan: an answer with a next step, numbered in priority order, and
    once the assessment is completed its tracked action (`actions.Action`), whose status, owner,
    target date and latest progress note the plan shows as of the report's date."""

    number: int
    answer: QuestionAnswer
    tracked: Action | None = None

    @property
    def status(self) -> str:
        return self.tracked.get_status_display() if self.tracked else ""

    @property
    def owner(self) -> str:
        if self.tracked is not None:
            return action_queries.owner_label(self.tracked)
        return self.answer.action_owner

    @property
    def target_date(self) -> date | None:
        return self.tracked.target_date if self.tracked else self.answer.target_date

    @property
    def is_overdue(self) -> bool:
        return self.tracked.is_overdue if self.tracked else False

    @property
    def is_dropped(self) -> bool:
        return self.tracked is not None and self.tracked.status == Action.Status.DROPPED

    @property
    def note(self) -> str:
        """Why a dropped action was dropped, else the latest progress note; shortened."""
        if self.tracked is None:
            return ""
        if self.is_dropped and self.tracked.dropped_reason:
            note = self.tracked.dropped_reason
        else:
            note = getattr(self.tracked, "last_note", None) or ""
        return Truncator(" ".join(note.split())).chars(NOTE_IN_PLAN)


@dataclass
class ActionGroup:
    """The action plan's actions of one rating, most urgent rating first."""

    label: str
    actions: list[PlanItem]


@dataclass
class SignpostGroup:
    stage: Stage
    resources: list[Resource]
    # How many more matching resources the public resources page lists for this stage.
    more: int = 0


UNNAMED = "A member (no name on their profile)"


@dataclass
class Participant:
    name: str
    job_title: str = ""


@dataclass
class SinceLast:
    previous: Assessment
    overall: ScoreRow
    improved: int
    same: int
    worse: int


@dataclass
class Report:
    assessment: Assessment
    is_draft: bool
    generated_at: datetime
    participants: list[Participant]
    age_groups: str
    factors: list[FactorAnswer]
    relevant_factors: list[FactorAnswer]
    domains: list[DomainPart]
    checklist: list[ChecklistAnswer]
    scores: scoring.Scores
    stage_rows: list[ScoreRow]
    domain_rows: list[ScoreRow]
    counts: list[tuple[str, int]]
    strengths: list[RatedItem]
    priorities: list[RatedItem]
    since_last: SinceLast | None
    actions: list[PlanItem]
    action_groups: list[ActionGroup]
    signposting: list[SignpostGroup]
    # Nothing rated Poorly or Moderately: no targeted resources, only the appendix.
    signposting_is_general: bool
    members: list[MemberOrganisation]
    overall: ScoreRow | None = None
    checklist_row: ScoreRow | None = None
    charts: dict[str, str] = field(default_factory=dict)
    how_scores_work: str = HOW_SCORES_WORK
    scores_in_one_sentence: str = SCORES_IN_ONE_SENTENCE
    # More targeted resources than the report has room for (the resources page lists them).
    signposts_left_out: int = 0
    # The day the plan's statuses are as of: the report's date, once actions are tracked.
    status_as_of: date | None = None

    @property
    def rated(self) -> int:
        return self.scores.answered

    @property
    def total(self) -> int:
        return self.scores.total

    @property
    def resources_url(self) -> str:
        """The public resources page, as a full address that works from a printed PDF."""
        return settings.SITE_URL.rstrip("/") + reverse("framework:resources")

    @property
    def organisation(self):
        return self.assessment.organisation

    @property
    def approved(self) -> bool:
        return bool(self.assessment.approved_by)

    @property
    def board_summary(self) -> list[tuple[str, str]]:
        """The sign-off's summary for the board, as (heading, text) for the parts written."""
        assessment = self.assessment
        parts = [
            ("What we found", assessment.board_findings),
            ("What we will do", assessment.board_plans),
            ("What we need from the board", assessment.board_asks),
        ]
        return [(heading, text) for heading, text in parts if text.strip()]

    @property
    def edition(self):
        return self.assessment.edition


def build_report(assessment: Assessment) -> Report:
    """Everything the report of `assessment` says, for the HTML page and the PDF alike."""
    edition = assessment.edition
    stages = list(edition.stages.all())
    domains = list(assessment.domains.order_by("position", "pk"))
    answers = list(
        assessment.question_answers.select_related("question__stage", "question__domain")
    )
    checklist = list(assessment.checklist_answers.select_related("statement"))
    factors = list(assessment.factor_answers.select_related("factor"))
    scores = scoring.score_items(
        _rated(answers, checklist),
        stages=[stage.key for stage in stages],
        domains=[domain.key for domain in domains],
    )
    previous = previous_assessment(assessment)
    previous_scores = _previous_scores(previous, stages, domains)
    stage_rows = [
        ScoreRow(
            stage.name,
            scores.by_stage.get(stage.key),
            _get(previous_scores, "stage", stage),
            *_tally(a.rating for a in answers if a.question.stage_id == stage.pk),
        )
        for stage in stages
    ]
    domain_rows = [
        ScoreRow(
            domain.name,
            scores.by_domain.get(domain.key),
            _get(previous_scores, "domain", domain),
            *_tally(a.rating for a in answers if a.question.domain_id == domain.pk),
        )
        for domain in domains
    ]
    tracked = action_queries.plan_statuses(assessment) if assessment.is_locked else {}
    actions = [
        PlanItem(number, answer, tracked.get(answer.pk))
        for number, answer in enumerate(
            sorted((a for a in answers if a.next_steps.strip()), key=action_priority), start=1
        )
    ]
    for action in actions:
        # The domain parts point each answer with a next step to its line of the action plan.
        action.answer.action_number = action.number
    items = _rated_items(answers, checklist, {a.answer.pk: a.number for a in actions})
    strengths = _strengths(items)
    priorities = _priorities([item for item in items if item not in strengths])
    signposting, general, members, left_out = _signposting(assessment, answers, checklist, stages)
    generated_at = timezone.now()
    report = Report(
        assessment=assessment,
        is_draft=not assessment.is_locked,
        generated_at=generated_at,
        status_as_of=timezone.localdate(generated_at) if tracked else None,
        participants=_participants(assessment),
        age_groups=assessment.get_age_groups_display(),
        factors=factors,
        relevant_factors=[answer for answer in factors if answer.relevant],
        domains=_domain_parts(domains, stages, answers, scores),
        checklist=checklist,
        scores=scores,
        stage_rows=stage_rows,
        domain_rows=domain_rows,
        counts=[(Rating(value).label, count) for value, count in scores.counts.items()],
        strengths=strengths,
        priorities=priorities,
        since_last=_since_last(previous, previous_scores, scores, answers, checklist),
        actions=actions,
        action_groups=_action_groups(actions),
        signposting=signposting,
        signposting_is_general=general,
        members=members,
        signposts_left_out=left_out,
        overall=ScoreRow(
            "Overall",
            scores.overall,
            previous_scores["scores"].overall if previous_scores else None,
            scores.answered,
            scores.total,
        ),
        checklist_row=ScoreRow(
            "Checklist statements",
            scores.checklist,
            previous_scores["scores"].checklist if previous_scores else None,
            *_tally(answer.rating for answer in checklist),
        ),
    )
    report.charts = _charts(report)
    return report


def action_priority(answer: QuestionAnswer) -> tuple:
    """Action plan order: Poorly before Moderately before Well (unrated last), then by target
    date (undated last), then in framework order."""
    question = answer.question
    return (
        answer.rating or len(Rating) + 1,
        answer.target_date or date.max,
        question.domain.position,
        question.stage.position,
        question.position,
    )


def _action_groups(actions: list[PlanItem]) -> list[ActionGroup]:
    """The actions under their rating ("Rated Poorly", …): the rating is said once, for the
    group, and the numbering runs on across groups."""
    groups: dict[int | None, ActionGroup] = {}
    for action in actions:
        rating = action.answer.rating
        label = f"Rated {Rating(rating).label}" if rating else "Not rated"
        groups.setdefault(rating, ActionGroup(label, [])).actions.append(action)
    return list(groups.values())


def _tally(ratings) -> tuple[int, int]:
    """(How many are rated, how many there are)."""
    ratings = list(ratings)
    return sum(1 for rating in ratings if rating is not None), len(ratings)


def _rated(answers, checklist) -> list[scoring.Rated]:
    return [
        scoring.Rated(answer.rating, answer.question.stage.key, answer.question.domain.key)
        for answer in answers
    ] + [scoring.Rated(answer.rating, checklist=True) for answer in checklist]


def _previous_scores(previous, stages, domains) -> dict | None:
    if previous is None:
        return None
    rows = previous.question_answers.values_list(
        "rating", "question__stage__key", "question__domain__key", "question__key"
    )
    checklist = previous.checklist_answers.values_list("rating", "statement__key")
    rated = [scoring.Rated(rating, stage, domain) for rating, stage, domain, _ in rows]
    rated += [scoring.Rated(rating, checklist=True) for rating, _ in checklist]
    scores = scoring.score_items(
        rated, stages=[s.key for s in stages], domains=[d.key for d in domains]
    )
    ratings = {("q", domain, key): rating for rating, _, domain, key in rows}
    ratings |= {("s", key): rating for rating, key in checklist}
    return {"scores": scores, "ratings": ratings, "assessment": previous}


def _get(previous_scores: dict | None, kind: str, row) -> float | None:
    if previous_scores is None:
        return None
    scores = previous_scores["scores"]
    return (scores.by_stage if kind == "stage" else scores.by_domain).get(row.key)


def _since_last(previous, previous_scores, scores, answers, checklist) -> SinceLast | None:
    if previous is None:
        return None
    old = previous_scores["ratings"]
    pairs = [(old.get(("q", a.question.domain.key, a.question.key)), a.rating) for a in answers]
    pairs += [(old.get(("s", a.statement.key)), a.rating) for a in checklist]
    both = [(before, after) for before, after in pairs if before and after]
    return SinceLast(
        previous=previous,
        overall=ScoreRow("Overall", scores.overall, previous_scores["scores"].overall),
        improved=sum(1 for before, after in both if after > before),
        same=sum(1 for before, after in both if after == before),
        worse=sum(1 for before, after in both if after < before),
    )


def _rated_items(answers, checklist, action_numbers: dict[int, int]) -> list[RatedItem]:
    """Every rated question and statement, in framework order (questions by domain, stage
    and position, then the checklist)."""
    answers = sorted(answers, key=lambda answer: action_priority(answer)[2:])
    items = [
        RatedItem(
            label=f"{answer.question.domain.name} – {answer.question.stage.name}",
            text=answer.question.text,
            rating=answer.rating,
            order=index,
            anchor=f"answer-q{answer.question_id}",
            target_date=answer.target_date,
            action_number=action_numbers.get(answer.pk),
        )
        for index, answer in enumerate(answers)
    ]
    items += [
        RatedItem(
            label=f"Checklist statement {position}",
            text=answer.statement.text,
            rating=answer.rating,
            order=len(answers) + position,
            anchor=f"checklist-{answer.statement.key}",
        )
        for position, answer in enumerate(checklist, start=1)
    ]
    return items


TOP_ITEMS = 3


def _strengths(items: list[RatedItem]) -> list[RatedItem]:
    """Up to three items rated Well, in framework order; only when nothing is rated Well, up to
    three rated Moderately."""
    for rating in (Rating.WELL, Rating.MODERATELY):
        chosen = [item for item in items if item.rating == rating]
        if chosen:
            return chosen[:TOP_ITEMS]
    return []


def _priorities(items: list[RatedItem]) -> list[RatedItem]:
    """Up to three items rated Poorly or Moderately, ordered as the action plan is: by rating,
    then target date (undated last), then framework order (statements after questions)."""
    chosen = [item for item in items if item.rating in (Rating.POORLY, Rating.MODERATELY)]
    chosen.sort(key=lambda item: (item.rating, item.target_date or date.max, item.order))
    return chosen[:TOP_ITEMS]


def _domain_parts(domains, stages, answers, scores) -> list[DomainPart]:
    parts = []
    for domain in domains:
        own = [answer for answer in answers if answer.question.domain_id == domain.pk]
        blocks = [
            StageBlock(stage, [a for a in own if a.question.stage_id == stage.pk])
            for stage in stages
        ]
        parts.append(
            DomainPart(
                domain,
                scores.by_domain.get(domain.key),
                blocks,
                *_tally(answer.rating for answer in own),
            )
        )
    return parts


def _participants(assessment: Assessment) -> list[Participant]:
    """Everyone who started, changed or completed the assessment, by name with their job title,
    in alphabetical order. A paper for a board names people, never by email address: someone
    with no name on their profile is "A member (no name on their profile)"."""
    user_ids = set(assessment.activity.values_list("user_id", flat=True))
    user_ids |= {assessment.created_by_id, assessment.completed_by_id}
    users = get_user_model().objects.filter(pk__in=user_ids - {None}).select_related("profile")
    people = []
    for user in users:
        profile = getattr(user, "profile", None)
        name = profile.full_name if profile else ""
        people.append(Participant(name or UNNAMED, job_title(user)))
    return sorted(people, key=lambda person: (person.name == UNNAMED, person.name.casefold()))


def _members(edition) -> list[MemberOrganisation]:
    """The edition's member organisations with their resources and the resources' tags: the
    same for every report on a released edition, so read once per process (framework.cache)."""
    tags = Prefetch("resources", queryset=Resource.objects.prefetch_related(*RESOURCE_TAGS))
    return list(
        cache.released(
            edition, "report-members", lambda: tuple(edition.members.prefetch_related(tags))
        )
    )


def _signposting(assessment, answers, checklist, stages):
    """Resources for the stages, statements and domains rated Poorly or Moderately, by stage,
    weakest stage first: at most SIGNPOSTS_PER_STAGE a stage and SIGNPOSTS_IN_ALL in all.

    Each resource is listed once, under the weakest stage it helps with; those for the
    organisation's audiences come first, then those matching more weak areas. A member's home
    page is not a resource: it is listed in the appendix of members, which every report has.
    Returns (groups, nothing is weak, members, how many matching resources were left out).
    """
    weak = (Rating.POORLY, Rating.MODERATELY)
    weak_stages = {a.question.stage_id for a in answers if a.rating in weak}
    weak_domains = {a.question.domain_id for a in answers if a.rating in weak}
    weak_statements = {a.statement_id for a in checklist if a.rating in weak}
    members = _members(assessment.edition)
    if not (weak_stages or weak_domains or weak_statements):
        return [], True, members, 0
    # The weakest stage first: a resource is listed under the weakest stage it helps with.
    stage_scores = scoring.score_items(
        _rated(answers, []), stages=[stage.key for stage in stages]
    ).by_stage
    weakness = {stage.pk: stage_scores.get(stage.key) or 0 for stage in stages}
    ranked = []
    for member in members:
        for resource in member.resources.all():
            stage_ids = [stage.pk for stage in resource.stages.all()]
            matches = (
                len(set(stage_ids) & weak_stages)
                + len({domain.pk for domain in resource.domains.all()} & weak_domains)
                + len({statement.pk for statement in resource.statements.all()} & weak_statements)
            )
            if not matches or not stage_ids or is_home_page(resource.url):
                continue
            home = min(stage_ids, key=lambda pk: (pk not in weak_stages, weakness[pk]))
            for_audience = any(a.suits(assessment.age_groups) for a in resource.audiences.all())
            rank = (not for_audience, -matches, member.position, resource.position)
            ranked.append((rank, home, resource))
    groups = {stage.pk: SignpostGroup(stage, []) for stage in stages}
    for _, home, resource in sorted(ranked, key=lambda row: row[0]):
        groups[home].resources.append(resource)
    ordered = sorted(groups.values(), key=lambda group: weakness[group.stage.pk])
    room = SIGNPOSTS_IN_ALL
    for group in ordered:
        # A board reads the most relevant few; the resources page has the rest.
        keep = min(SIGNPOSTS_PER_STAGE, room)
        group.more = max(0, len(group.resources) - keep)
        del group.resources[keep:]
        room -= len(group.resources)
    left_out = sum(group.more for group in ordered)
    return [group for group in ordered if group.resources], False, members, left_out


def is_home_page(url: str) -> bool:
    """A site's front page (no path beyond "/", no query): an organisation, not a resource."""
    parts = urlsplit(url)
    return parts.path.strip("/") == "" and not parts.query


def _charts(report: Report) -> dict[str, str]:
    """The report's one chart: scores by stage (groups of ratings). Single ratings are words,
    never charted as numbers."""
    previous = None
    if report.since_last is not None:
        previous = [(row.label, row.previous) for row in report.stage_rows]
    return {
        "stages": charts.stage_profile(
            [(row.label, row.score) for row in report.stage_rows],
            previous=previous,
            title="Score by stage",
            description="Score for each stage of the framework.",
            chart_id="chart-stages",
        ),
    }
