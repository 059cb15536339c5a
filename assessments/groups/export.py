"""The group dashboard's CSV: one row per organisation, summary data only (whatever an
organisation shares, the CSV never holds answer text, action text or notes). The download
makes each cell safe (`assessments.spreadsheets`)."""

from datetime import date

from assessments.groups.queries import GroupDashboard, cell_key
from assessments.reporting import scoring


def dashboard_rows(dashboard: GroupDashboard) -> list[list[str]]:
    """The header and one row per organisation: status, dates, scores (overall, by stage, by
    domain, and each domain's question of each stage as its rating), and action counts."""
    header = [
        "Organisation",
        "Shares",
        "Status",
        "Latest completed",
        "Next review",
        "Open actions",
        "Overdue actions",
        "Overall score",
        *[f"Stage: {stage.name}" for stage in dashboard.stages],
        *[f"Domain: {domain.name}" for domain in dashboard.domains],
        *[f"{domain.name} – {stage.name}" for domain, stage in dashboard.cells],
    ]
    rows = [header]
    for row in dashboard.rows:
        rows.append(
            [
                row.organisation.name,
                row.link.get_sharing_display(),
                row.status,
                _date(row.completed_on),
                _date(row.next_review),
                str(row.open_actions),
                str(row.overdue_actions),
                _score(row.overall),
                *[_score(row.by_stage.get(stage.key)) for stage in dashboard.stages],
                *[_score(row.by_domain.get(domain.key)) for domain in dashboard.domains],
                *[_rating(row.cells.get(cell_key(d.key, s.key))) for d, s in dashboard.cells],
            ]
        )
    return rows


def _score(value: float | None) -> str:
    return "" if value is None else str(scoring.whole(value))


def _rating(value: int | None) -> str:
    return scoring.RATING_LABELS.get(value, "") if value else ""


def _date(value: date | None) -> str:
    return value.isoformat() if value else ""
