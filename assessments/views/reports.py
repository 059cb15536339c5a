"""The report of an assessment, as an HTML page and as a PDF: both from `build_report`."""

import io
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from assessments.access import get_assessment
from assessments.pdf import pdf_filename, pdf_for
from assessments.reports import build_report


@login_required
def report(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    membership, assessment = get_assessment(request, org, pk)
    context = {
        "membership": membership,
        "organisation": assessment.organisation,
        "assessment": assessment,
        "report": build_report(assessment),
    }
    return render(request, "assessments/report.html", context)


@login_required
def report_pdf(request: HttpRequest, org: str, pk: int) -> FileResponse:
    _, assessment = get_assessment(request, org, pk)
    pdf = pdf_for(assessment)
    file = pdf.open("rb") if isinstance(pdf, Path) else io.BytesIO(pdf)
    return FileResponse(
        file, as_attachment=True, filename=pdf_filename(assessment), content_type="application/pdf"
    )
