from collections.abc import Callable
from itertools import count

import pytest
from django.utils import timezone

from framework.models import (
    Audience,
    ChecklistStatement,
    Definition,
    Domain,
    Edition,
    Factor,
    Feature,
    MemberOrganisation,
    Question,
    RatingGuidance,
    Resource,
    Stage,
    Step,
)
from framework.services import publish_edition

STAGE_NAMES = ["Understand", "Know", "Learn", "Recover"]
_edition_numbers = count(1)


@pytest.fixture
def make_edition(db) -> Callable[..., Edition]:
    """Build an edition with the ORM: complete (publishable) unless told otherwise.

    It has every stage, one domain with a question per stage, one checklist statement, rating
    guidance for Understand (Poorly) and the checklist (Well), and one of each other kind of
    content, including a member organisation with a resource tagged with all of them. `stages`
    limits which stages get a question, making the edition incomplete.
    """

    def make(
        *,
        title: str = "Digital Resilience Framework",
        version: str = "1.0",
        status: str = Edition.Status.DRAFT,
        stages: list[str] | None = None,
    ) -> Edition:
        edition = Edition.objects.create(
            key=f"drf-test-{next(_edition_numbers)}", title=title, version=version
        )
        stage_rows = [
            Stage.objects.create(edition=edition, key=name.lower(), name=name, position=position)
            for position, name in enumerate(STAGE_NAMES, start=1)
        ]
        domain = Domain.objects.create(
            edition=edition,
            key="connectivity",
            name="Connectivity",
            audience="Public and private providers of access to the internet",
            scope="Including any access point to the internet",
        )
        for stage in stage_rows:
            if stages is None or stage.name in stages:
                Question.objects.create(
                    domain=domain,
                    stage=stage,
                    key=f"connectivity-{stage.key}",
                    text=f"How do you {stage.name.lower()} risks to connectivity?",
                    position=stage.position,
                )
        statement = ChecklistStatement.objects.create(
            edition=edition, key="policy-reviewed", text="Our online safety policy is reviewed."
        )
        audience = Audience.objects.create(edition=edition, key="parents", name="Parents")
        Step.objects.create(edition=edition, key="reflect", title="Reflect", text="Read it.")
        Definition.objects.create(
            edition=edition, key="resilience", title="Digital resilience", text="Coping online."
        )
        Feature.objects.create(edition=edition, key="agency", text="A sense of agency")
        Factor.objects.create(
            edition=edition, key="age", kind=Factor.Kind.INTERNAL, name="Age and development"
        )
        RatingGuidance.objects.create(
            edition=edition,
            stage=stage_rows[0],
            rating=RatingGuidance.Rating.POORLY,
            descriptor="Little helps people understand risk.",
            school_example="Online safety comes up only after an incident.",
            charity_example="Volunteers have no shared way of talking about risk.",
        )
        RatingGuidance.objects.create(
            edition=edition,
            stage=None,
            rating=RatingGuidance.Rating.WELL,
            descriptor="You do this consistently and can show it works.",
            school_example="Reports are logged and reviewed each term.",
            charity_example="A yearly survey shows people know how to report.",
        )
        member = MemberOrganisation.objects.create(
            edition=edition, key="childnet", name="Childnet", website="https://www.childnet.com"
        )
        resource = Resource.objects.create(
            member=member,
            key="parents-guide",
            title="Guide for parents",
            url="https://www.childnet.com/parents",
            description="Advice for parents and carers.",
        )
        resource.stages.set(stage_rows[:1])
        resource.statements.set([statement])
        resource.domains.set([domain])
        resource.audiences.set([audience])
        # Content cannot be added once released, so release it last, as publishing does.
        if status == Edition.Status.PUBLISHED:
            publish_edition(edition=edition)
        elif status == Edition.Status.ARCHIVED:
            released_at = timezone.now()
            Edition.objects.filter(pk=edition.pk).release(status=status, published_at=released_at)
        edition.refresh_from_db()
        return edition

    return make


@pytest.fixture
def no_published_edition(edition) -> None:
    """The session's framework archived, as if superseded and then withdrawn: no edition is
    published (until this test's transaction is rolled back)."""
    Edition.objects.archive()


@pytest.fixture
def complete_edition(make_edition) -> Edition:
    """A complete draft, ready to publish."""
    return make_edition(version="2.0")


@pytest.fixture
def published_edition(make_edition) -> Edition:
    return make_edition(status=Edition.Status.PUBLISHED)
