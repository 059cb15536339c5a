import pytest

from assessments.models import Assessment, Rating
from tests.assessments.factories import complete, fill, rate_checklist


@pytest.fixture
def completed(assessment, owner) -> Assessment:
    """The assessment filled in (see `fill`) and completed, with the checklist statement on
    reporting harms rated Poorly and the one on recognising risk Well."""
    fill(assessment)
    rate_checklist(assessment, Rating.POORLY, statement__key="report-harms")
    rate_checklist(assessment, Rating.WELL, statement__key="recognise-risk")
    return complete(assessment, owner)
