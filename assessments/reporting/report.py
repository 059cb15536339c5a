"""The report of an assessment: one context builder feeds the HTML page and the PDF.

`build_report(assessment)` reads everything the report says in a fixed number of queries,
whatever the number of domains or answers, and returns plain data for the templates.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from assessments.models import (
    Assessment,
    ChecklistAnswer,
    FactorAnswer,
    QuestionAnswer,
    Rating,
    display_name,
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

RESOURCE_TAGS = ["stages", "audiences", "domains", "statements"]
SIGNPOSTS_PER_STAGE = 4


@dataclass
class RatedItem:
    """A rated question or checklist statement, as strengths and priorities list them."""

    label: str
    text: str
    rating: int | None
    order: int
    anchor: str

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


@dataclass
class SignpostGroup:
    stage: Stage
    resources: list[Resource]
    # How many more matching resources the public resources page lists for this stage.
    more: int = 0


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
    actions: list[QuestionAnswer]
    signposting: list[SignpostGroup]
    signposting_is_general: bool
    members: list[MemberOrganisation]
    overall: ScoreRow | None = None
    checklist_row: ScoreRow | None = None
    charts: dict[str, str] = field(default_factory=dict)
    how_scores_work: str = HOW_SCORES_WORK

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
    items = _rated_items(answers, checklist)
    strengths = _pick(items, [Rating.WELL, Rating.MODERATELY], reverse=True)
    priorities = _pick(
        [item for item in items if item not in strengths], [Rating.POORLY, Rating.MODERATELY]
    )
    signposting, general, members = _signposting(assessment, answers, checklist, stages)
    report = Report(
        assessment=assessment,
        is_draft=not assessment.is_locked,
        generated_at=timezone.now(),
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
        actions=sorted(
            (answer for answer in answers if answer.next_steps.strip()),
            key=action_priority,
        ),
        signposting=signposting,
        signposting_is_general=general,
        members=members,
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
    report.charts = _charts(report, checklist)
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


def _rated_items(answers, checklist) -> list[RatedItem]:
    items = [
        RatedItem(
            label=f"{answer.question.domain.name} – {answer.question.stage.name}",
            text=answer.question.text,
            rating=answer.rating,
            order=index,
            anchor=f"answer-q{answer.question_id}",
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


def _pick(items: list[RatedItem], ratings: list[int], *, reverse: bool = False) -> list[RatedItem]:
    """Up to three items: the best (or worst) rated first, then in framework order."""
    chosen = [item for item in items if item.rating in ratings]
    chosen.sort(key=lambda item: (-item.rating if reverse else item.rating, item.order))
    return chosen[:3]


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
    """Everyone who started, changed or completed the assessment, by name (`display_name`) with
    their job title, in alphabetical order."""
    user_ids = set(assessment.activity.values_list("user_id", flat=True))
    user_ids |= {assessment.created_by_id, assessment.completed_by_id}
    users = get_user_model().objects.filter(pk__in=user_ids - {None}).select_related("profile")
    people = [Participant(display_name(user), job_title(user)) for user in users]
    return sorted(people, key=lambda person: person.name.casefold())


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
    """Resources for the stages, statements and domains rated Poorly or Moderately, by stage.

    Each resource is listed once, under the first weak stage it helps with (or its first stage);
    those for the organisation's audiences come first, then those matching more weak areas.
    Where nothing is rated Poorly or Moderately, the framework's general list of members.
    """
    weak = (Rating.POORLY, Rating.MODERATELY)
    weak_stages = {a.question.stage_id for a in answers if a.rating in weak}
    weak_domains = {a.question.domain_id for a in answers if a.rating in weak}
    weak_statements = {a.statement_id for a in checklist if a.rating in weak}
    members = _members(assessment.edition)
    if not (weak_stages or weak_domains or weak_statements):
        return [], True, members
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
            if not matches or not stage_ids:
                continue
            home = min(stage_ids, key=lambda pk: (pk not in weak_stages, weakness[pk]))
            for_audience = any(a.suits(assessment.age_groups) for a in resource.audiences.all())
            rank = (not for_audience, -matches, member.position, resource.position)
            ranked.append((rank, home, resource))
    groups = {stage.pk: SignpostGroup(stage, []) for stage in stages}
    for _, home, resource in sorted(ranked, key=lambda row: row[0]):
        groups[home].resources.append(resource)
    ordered = sorted(groups.values(), key=lambda group: weakness[group.stage.pk])
    for group in ordered:
        # A board reads the most relevant few; the resources page has the rest.
        group.more = max(0, len(group.resources) - SIGNPOSTS_PER_STAGE)
        del group.resources[SIGNPOSTS_PER_STAGE:]
    return [group for group in ordered if group.resources], False, members


def _charts(report: Report, checklist) -> dict[str, str]:
    previous = None
    if report.since_last is not None:
        previous = [(row.label, row.previous) for row in report.stage_rows]
    stage_words = "; ".join(
        f"{row.label} {charts.percent(row.score) if row.score is not None else 'not rated'}"
        for row in report.stage_rows
    )
    return {
        "stages": charts.stage_profile(
            [(row.label, row.score) for row in report.stage_rows],
            previous=previous,
            title="Score by stage",
            description=f"Score for each stage of the framework: {stage_words}.",
            chart_id="chart-stages",
        ),
        "heat_map": charts.heat_map(
            [(part.domain.name, [block.score for block in part.stages]) for part in report.domains],
            [row.label for row in report.stage_rows],
            title="Score by domain and stage",
            description="Each domain in scope scored at each stage.",
            chart_id="chart-heat-map",
        ),
        "checklist": charts.checklist_chart(
            [(answer.statement.text, answer.rating) for answer in checklist],
            title="Self-assessment checklist",
            description=f"How well each of the {len(checklist)} checklist statements is promoted.",
            chart_id="chart-checklist",
        ),
    }
