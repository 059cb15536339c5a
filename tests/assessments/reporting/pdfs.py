"""Fetching and reading the report's PDF back, for the PDF tests."""

import io
from pathlib import Path

from django.core.files.storage import default_storage
from django.test import Client
from pypdf import PdfReader

from assessments.models import Assessment, PdfRender
from tests.assessments.factories import assessment_url

DRAFT = "Draft — not yet completed"


def download(client: Client, user, assessment: Assessment, *, query: str = ""):
    """GET the PDF link as `user` (with `query`, e.g. "?retry=1"): the response and the PDF's
    bytes (the tests' immediate task backend renders it within the request)."""
    client.force_login(user)
    response = client.get(assessment_url("report_pdf", assessment) + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf", response.content[:2000]
    return response, b"".join(response.streaming_content)


def pages_of(content: bytes) -> list[str]:
    """Each page's text, with runs of white space made single spaces."""
    reader = PdfReader(io.BytesIO(content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def stored_path(assessment: Assessment) -> Path:
    """The file of the assessment's stored PDF (the one render that is done)."""
    render = PdfRender.objects.get(assessment=assessment, status=PdfRender.Status.DONE)
    return Path(default_storage.path(render.file_name))


def stored_files(root: Path) -> list[Path]:
    """Every stored report PDF under MEDIA_ROOT."""
    return sorted((Path(root) / "reports").glob("*.pdf"))
