"""Downloads of an assessment: everything as JSON, the answers and the action plan as CSV.

Any member may download (viewers included): the files say nothing the pages do not show.
"""

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

from assessments.access import get_assessment
from assessments.exports import csv_export, json_export


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
    return _csv(csv_export.answer_rows(assessment), filename)


@login_required
def export_actions_csv(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    _, assessment = get_assessment(request, org, pk)
    filename = json_export.export_filename(assessment, "csv", suffix="-action-plan")
    return _csv(csv_export.action_rows(assessment), filename)


def _csv(rows: list[list[str]], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8", headers=_attachment(filename))
    # UTF-8 with a byte order mark: without it, Excel reads the file in the computer's legacy
    # encoding and mangles “quotes”, dashes and accents (see README.md).
    response.write("\ufeff")
    csv.writer(response).writerows(rows)
    return response


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": content_disposition_header(True, filename)}
