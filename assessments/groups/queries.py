"""Reused reads of groups: the dashboard's rows, heat map and trend in a fixed number of queries
however many organisations share with the group, and the invitations and links around it.

What a group sees of an organisation is summary data only (status, dates, scores by stage and
domain, ratings as scores, counts of actions): nothing here reads answer text, action text or
notes. An organisation's full report is reached through `access.linked_organisation(...,
full=True)` and the reporting feature, never from here.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from assessments.models import (
    Action,
    Assessment,
    ChecklistAnswer,
    Group,
    GroupInvitation,
    GroupLink,
    GroupMembership,
    GroupRole,
    Membership,
    Organisation,
    QuestionAnswer,
    Role,
    Sharing,
    a_year_after,
    hash_token,
)
from assessments.reporting import scoring
from assessments.reporting.queries import assessment_scores, stages_by_edition

COMPLETED = "Completed this cycle"
OVERDUE = "Review overdue"
IN_PROGRESS = "In progress"
NOT_STARTED = "Not started"
# A heat map cell of each rating: its background (Bootstrap's subtle fills, which keep body text
# at more than 4.5:1), the letter it shows, and the words a screen reader says.
HEAT = {
    1: ("bg-danger-subtle", "P", "Poorly"),
    2: ("bg-warning-subtle", "M", "Moderately"),
    3: ("bg-success-subtle", "W", "Well"),
    None: ("", "—", "Not rated"),
}
# How many quarters the trend of the group's median covers, at most (the current one last).
TREND_QUARTERS = 8


@dataclass(frozen=True)
class Column:
    """A column of scores: a stage, a domain, or one domain's question of one stage."""

    key: str
    name: str


@dataclass
class OrganisationRow:
    """One organisation of the group, as the dashboard and the CSV show it: summary data only."""

    link: GroupLink
    status: str
    latest: Assessment | None
    next_review: date | None
    in_progress: bool
    overall: float | None = None
    by_stage: dict[str, float | None] = field(default_factory=dict)
    by_domain: dict[str, float | None] = field(default_factory=dict)
    # (domain key, stage key) -> the rating of that question on the latest completion.
    cells: dict[str, int | None] = field(default_factory=dict)
    open_actions: int = 0
    overdue_actions: int = 0
    # The same scores in the dashboard's column order, for the templates and the CSV.
    stage_scores: list[tuple[Column, float | None]] = field(default_factory=list)
    domain_scores: list[tuple[Column, float | None]] = field(default_factory=list)
    cell_ratings: list[int | None] = field(default_factory=list)

    @property
    def heat(self) -> list[tuple[str, str, str]]:
        """The heat map's cells: (the colour's class, the letter shown, the rating in words)."""
        return [HEAT[rating] for rating in self.cell_ratings]

    @property
    def organisation(self) -> Organisation:
        return self.link.organisation

    @property
    def shares_full_report(self) -> bool:
        return self.link.sharing == Sharing.FULL

    @property
    def completed_on(self) -> date | None:
        return timezone.localdate(self.latest.completed_at) if self.latest else None

    @property
    def in_cycle(self) -> bool:
        return self.status == COMPLETED

    @property
    def why_not_in_cycle(self) -> str:
        """Why the organisation has not completed within the current cycle, in words."""
        if self.latest is None:
            return "Never completed" + (
                " (an assessment is in progress)" if self.in_progress else ""
            )
        reason = f"Review was due on {self.next_review.day} {self.next_review:%B %Y}"
        return reason + (" (a review is in progress)" if self.in_progress else "")


@dataclass
class GroupDashboard:
    rows: list[OrganisationRow]
    stages: list[Column]
    domains: list[Column]
    # The heat map's columns: each domain's question of each stage, in framework order.
    cells: list[tuple[Column, Column]]
    # The group's median headline score at the end of each quarter: (label, last day, median).
    trend: list[tuple[str, date, float | None]]

    @property
    def not_in_cycle(self) -> list[OrganisationRow]:
        return [row for row in self.rows if not row.in_cycle]


def find_group_invitation(token: str) -> GroupInvitation | None:
    return (
        GroupInvitation.objects.select_related("group", "invited_by__profile")
        .filter(token_hash=hash_token(token))
        .first()
    )


def open_group_invitations(group: Group) -> QuerySet[GroupInvitation]:
    """The invitations owners can still act on, newest first: waiting, declined or expired."""
    return group.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True)


def group_members(group: Group) -> list[GroupMembership]:
    return list(group.memberships.select_related("user__profile").order_by("user__email"))


def group_links(group: Group) -> list[GroupLink]:
    return list(group.links.select_related("organisation"))


def organisation_links(organisation: Organisation) -> list[GroupLink]:
    """The groups an organisation shares with, and what it shares."""
    return list(
        organisation.group_links.select_related("group", "updated_by__profile").order_by(
            "group__name"
        )
    )


def organisations_to_share(user, group: Group) -> list[Organisation]:
    """The organisations `user` owns that do not share with `group` yet."""
    return list(
        Organisation.objects.filter(memberships__user=user, memberships__role=Role.OWNER)
        .exclude(group_links__group=group)
        .order_by("name")
    )


def is_sole_group_owner(membership: GroupMembership) -> bool:
    owners = GroupMembership.objects.filter(group_id=membership.group_id, role=GroupRole.OWNER)
    return membership.is_owner and not owners.exclude(pk=membership.pk).exists()


def organisation_memberships(user, organisation_ids) -> set[int]:
    """Which of these organisations `user` is a member of (to link to their own pages)."""
    return set(
        Membership.objects.filter(user=user, organisation_id__in=organisation_ids).values_list(
            "organisation_id", flat=True
        )
    )


# --- The dashboard ---------------------------------------------------------------------------


def group_dashboard(group: Group, *, today: date | None = None) -> GroupDashboard:
    """Every organisation sharing with the group, with its status, scores, heat map cells and
    action counts, and the group's median over time: nine queries, whatever the number of
    organisations."""
    today = today or timezone.localdate()
    links = group_links(group)
    ids = [link.organisation_id for link in links]
    assessments = list(
        Assessment.objects.filter(organisation_id__in=ids)
        .only("pk", "organisation_id", "edition_id", "status", "completed_at", "next_review_on")
        .order_by("completed_at", "pk")
    )
    completed = [a for a in assessments if a.status == Assessment.Status.COMPLETED]
    latest = {a.organisation_id: a for a in completed}  # oldest first: the last one stays
    in_progress = {a.organisation_id for a in assessments if not a.is_locked}

    stages = stages_by_edition({a.edition_id for a in latest.values()})
    scores = assessment_scores(latest.values(), stages=stages)
    cells, stage_columns, domain_columns, cell_columns = _cells(latest.values())
    actions = _action_counts(ids, today=today)

    rows = []
    for link in links:
        assessment = latest.get(link.organisation_id)
        row = OrganisationRow(
            link=link,
            status=_status(
                assessment, in_progress=link.organisation_id in in_progress, today=today
            ),
            latest=assessment,
            next_review=assessment.review_due if assessment else None,
            in_progress=link.organisation_id in in_progress,
            **actions.get(link.organisation_id, {}),
        )
        if assessment is not None:
            result = scores[assessment.pk]
            row.overall = result.overall
            row.by_stage = result.by_stage
            row.by_domain = result.by_domain
            row.cells = cells[assessment.pk]
            row.stage_scores = [(c, row.by_stage.get(c.key)) for c in stage_columns]
            row.domain_scores = [(c, row.by_domain.get(c.key)) for c in domain_columns]
            row.cell_ratings = [
                row.cells.get(cell_key(domain.key, stage.key)) for domain, stage in cell_columns
            ]
        rows.append(row)
    return GroupDashboard(
        rows=rows,
        stages=stage_columns,
        domains=domain_columns,
        cells=cell_columns,
        trend=_median_trend(completed, today=today),
    )


def _status(assessment: Assessment | None, *, in_progress: bool, today: date) -> str:
    """Completed this cycle: completed within the last twelve months, and the review it set not
    yet due. Otherwise overdue if it ever completed one, else in progress or not started."""
    if assessment is not None:
        completed_on = timezone.localdate(assessment.completed_at)
        if a_year_after(completed_on) > today and assessment.review_due >= today:
            return COMPLETED
        return OVERDUE
    return IN_PROGRESS if in_progress else NOT_STARTED


def _cells(assessments) -> tuple[dict, list[Column], list[Column], list[tuple[Column, Column]]]:
    """Each assessment's rating of each domain's question of each stage, and the stages,
    domains and (domain, stage) pairs that occur, in framework order; one query. Keys match
    across editions."""
    ids = [a.pk for a in assessments]
    result: dict[int, dict[str, int | None]] = {pk: {} for pk in ids}
    rows = (
        QuestionAnswer.objects.filter(assessment_id__in=ids)
        .order_by("question__domain__position", "question__stage__position", "question__position")
        .values_list(
            "assessment_id",
            "question__domain__key",
            "question__domain__name",
            "question__stage__key",
            "question__stage__name",
            "question__stage__position",
            "rating",
        )
    )
    domains: dict[str, Column] = {}
    stages: dict[str, tuple[int, Column]] = {}
    pairs: dict[str, tuple[Column, Column]] = {}
    for pk, domain_key, domain_name, stage_key, stage_name, stage_position, rating in rows:
        domain = domains.setdefault(domain_key, Column(domain_key, domain_name))
        stage = stages.setdefault(stage_key, (stage_position, Column(stage_key, stage_name)))[1]
        pairs.setdefault(cell_key(domain_key, stage_key), (domain, stage))
        result[pk][cell_key(domain_key, stage_key)] = rating
    ordered_stages = [column for _, column in sorted(stages.values(), key=lambda s: s[0])]
    return result, ordered_stages, list(domains.values()), list(pairs.values())


def cell_key(domain_key: str, stage_key: str) -> str:
    return f"{domain_key}/{stage_key}"


def _action_counts(organisation_ids: list[int], *, today: date) -> dict[int, dict[str, int]]:
    """Open and overdue actions of each organisation, in one query."""
    rows = (
        Action.objects.followed_up()
        .open()
        .filter(organisation_id__in=organisation_ids)
        .values("organisation_id")
        .annotate(
            open_actions=Count("pk"), overdue_actions=Count("pk", filter=Q(target_date__lt=today))
        )
        .order_by()
    )
    return {
        row["organisation_id"]: {
            "open_actions": row["open_actions"],
            "overdue_actions": row["overdue_actions"],
        }
        for row in rows
    }


def _median_trend(completed: list[Assessment], *, today: date) -> list[tuple[str, date, float]]:
    """The median of each organisation's latest headline score at the end of each quarter, for
    the last TREND_QUARTERS quarters that have any (the current quarter up to today). Two
    queries: the counts of each rating of each completed assessment."""
    if not completed:
        return []
    overall = _overall_scores([a.pk for a in completed])
    quarters = _quarters(today)
    points = []
    latest: dict[int, float | None] = {}
    remaining = iter(completed)  # oldest first, so each organisation's latest stays
    upcoming = next(remaining, None)
    for label, end in quarters:
        cutoff = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
        while upcoming is not None and upcoming.completed_at < cutoff:
            latest[upcoming.organisation_id] = overall.get(upcoming.pk)
            upcoming = next(remaining, None)
        values = [value for value in latest.values() if value is not None]
        if values:
            points.append((label, min(end, today), round(statistics.median(values), 1)))
    return points


def _quarters(today: date) -> list[tuple[str, date]]:
    """The last TREND_QUARTERS calendar quarters, oldest first: (label, last day)."""
    quarters = []
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _ in range(TREND_QUARTERS):
        end_month = 3 * quarter
        end = (date(year + end_month // 12, end_month % 12 + 1, 1)) - timedelta(days=1)
        quarters.append((f"Q{quarter} {year}", end))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return list(reversed(quarters))


def _overall_scores(ids: list[int]) -> dict[int, float | None]:
    """Headline scores of many assessments from how many items of each were rated 1, 2 and 3
    (two queries of at most three rows per assessment), through `scoring.score`."""
    ratings: dict[int, list[int]] = defaultdict(list)
    for model in (QuestionAnswer, ChecklistAnswer):
        rows = (
            model.objects.filter(assessment_id__in=ids, rating__isnull=False)
            .values("assessment_id", "rating")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            ratings[row["assessment_id"]].extend([row["rating"]] * row["n"])
    return {pk: scoring.score(ratings.get(pk, [])) for pk in ids}
