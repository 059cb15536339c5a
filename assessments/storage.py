"""Files kept for assessments: the stored PDFs of their reports.

Every file goes through Django's storage API (`default_storage`): the disk under MEDIA_ROOT by
default, an S3-compatible object store with STORAGE_BACKEND=s3, so any number of app servers and
workers share them. Reporting writes them (`reporting.tasks`); the walk-through and organisation
workflows throw them away when what they show stops being true (an assessment reopened or
deleted, an organisation deleted). Both sides come here, so neither imports the other.
"""

from collections.abc import Iterable

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction

from assessments.models import PdfRender

STORE = "reports"


def pdf_name(*, assessment_id: int, state_key: str) -> str:
    """Where the PDF of one state of an assessment's report is kept: a new state, a new name,
    so a reader never gets a file of another state."""
    return f"{STORE}/assessment-{assessment_id}-{state_key}.pdf"


def save_pdf(*, name: str, content: bytes) -> str:
    """Store a PDF; returns the name it was stored under (the storage may change it when the
    name is taken). Raises whatever the storage raises when it cannot write (OSError on disk,
    botocore errors for S3): the caller reports it."""
    return default_storage.save(name, ContentFile(content))


def open_pdf(name: str) -> File:
    return default_storage.open(name, "rb")


def pdf_exists(name: str) -> bool:
    return bool(name) and default_storage.exists(name)


def delete_on_commit(names: Iterable[str]) -> None:
    """Delete these files once the surrounding transaction commits: a rolled-back change must
    leave them in place."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: delete_now(names))


def delete_now(names: Iterable[str]) -> None:
    for name in names:
        default_storage.delete(name)


def discard_stored_pdfs(assessment_ids: Iterable[int]) -> None:
    """Forget every PDF of these assessments (of any state): their rows go now, their files
    once the surrounding transaction commits. A render still running finds its row gone and
    throws its file away."""
    renders = PdfRender.objects.filter(assessment_id__in=list(assessment_ids))
    names = list(renders.exclude(file_name="").values_list("file_name", flat=True))
    renders.delete()
    delete_on_commit(names)
