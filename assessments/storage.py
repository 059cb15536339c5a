"""Files kept for assessments: the stored PDF of each completed report.

Reporting writes them (`reporting.pdf`); the walk-through and organisation workflows throw them
away when what they show stops being true (an assessment reopened or deleted, an organisation
deleted). Both sides come here, so neither imports the other.
"""

import os
import tempfile
from collections.abc import Iterable
from datetime import UTC
from pathlib import Path

from django.conf import settings
from django.db import transaction

from assessments.models import Assessment

STORE = "reports"


def stored_pdf_path(assessment: Assessment) -> Path | None:
    """Where the PDF of a completed assessment is kept; None for a draft (never stored)."""
    if not assessment.is_locked or assessment.completed_at is None:
        return None
    completed = assessment.completed_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return _store() / f"assessment-{assessment.pk}-{completed}.pdf"


def write_atomically(path: Path, content: bytes) -> None:
    """Write a file so that readers see the whole old file, the whole new one or none: never a
    half-written PDF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def discard_stored_pdfs(assessment_ids: Iterable[int]) -> None:
    """Delete every stored PDF of these assessments (of any completion), once the surrounding
    transaction commits: a rolled-back reopen or delete must leave the file in place."""
    ids = list(assessment_ids)
    if ids:
        transaction.on_commit(lambda: _delete_pdfs(ids))


def _delete_pdfs(assessment_ids: list[int]) -> None:
    store = _store()
    for pk in assessment_ids:
        for path in store.glob(f"assessment-{pk}-*.pdf"):
            path.unlink(missing_ok=True)


def _store() -> Path:
    return Path(settings.MEDIA_ROOT) / STORE
