"""An assessment started from last year's: what the walk-through's review of copied answers,
target dates that have passed and reworded questions are tested with."""

from datetime import date, datetime

import pytest

from assessments.models import Assessment
from assessments.walkthrough import services
from tests.assessments.factories import complete, fill, publish_rewording

# Before any day these tests run on: last year's actions all arrive overdue.
PASSED = date(2020, 3, 31)


@pytest.fixture
def previous(make_assessment, owner) -> Assessment:
    """Last year's assessment of Environment and Content, filled in (see `fill`) with every
    action due on 31 March 2020, and completed."""
    assessment = make_assessment(title="Spring 2020")
    fill(assessment, target_date=PASSED)
    return complete(assessment, owner, on=datetime(2020, 1, 15, 10))


@pytest.fixture
def copied(make_assessment, previous) -> Assessment:
    """This year's assessment, started from `previous`, of Environment (copied) and Service
    (new): the people section, Environment and the checklist need review."""
    return make_assessment(
        domains=("environment", "service"), title="Spring 2021", based_on=previous
    )


REWORDED = "Do people know who can help them?"


@pytest.fixture
def reworded(edition, organisation, owner, previous) -> Assessment:
    """This year's assessment of Environment, started from `previous` on a newer edition that
    rewords the Know question (to REWORDED)."""
    newer = publish_rewording(edition, question_key="environment-know", text=REWORDED)
    return services.start_assessment(
        organisation=organisation,
        user=owner,
        title="Spring 2021",
        domains=list(newer.domains.filter(key="environment")),
        based_on=previous,
    )
