"""Downloads of an assessment: everything as JSON, the answers and the action plan as CSV.

Any member may download (viewers included): the files say nothing the pages do not show.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from assessments.access import get_assessment, get_membership
from assessments.exports import csv_export, json_export
from assessments.spreadsheets import csv_download


@login_required
def export_json(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    _, assessment = get_assessment(request, org, pk)
    return HttpResponse(
        json_export.to_json(json_export.export_assessment(assessment)),
        content_type="application/json; charset=utf-8",
        headers=_attachment(json_export.export_filename(assessment, "json")),
    )


@login_required
def export_csv(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    _, assessment = get_assessment(request, org, pk)
    filename = json_export.export_filename(assessment, "csv")
    return csv_download(csv_export.answer_rows(assessment), filename)


@login_required
def export_actions_csv(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    _, assessment = get_assessment(request, org, pk)
    filename = json_export.export_filename(assessment, "csv", suffix="-action-plan")
    return csv_download(csv_export.action_rows(assessment), filename)


@login_required
def organisation_actions_csv(request: HttpRequest, org: str) -> HttpResponse:
    """Every action of the organisation's completed assessments, of every status."""
    organisation = get_membership(request, org).organisation
    filename = f"{organisation.slug}-actions-{timezone.localdate().isoformat()}.csv"
    return csv_download(csv_export.organisation_action_rows(organisation), filename)


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": content_disposition_header(True, filename)}
