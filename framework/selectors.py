"""Reads of framework content, each in a fixed number of queries."""

from django.db.models import Prefetch
from django.http import Http404

from framework.models import Domain, Edition, MemberOrganisation, Question, Resource


def current_edition() -> Edition:
    edition = Edition.objects.current()
    if edition is None:
        raise Http404("No edition of the framework has been published yet.")
    return edition


def domains_with_questions(edition: Edition, keys: list[str] | None = None) -> list[Domain]:
    """The edition's domains, each with `.questions` (stage joined) in stage order."""
    domains = edition.domains.prefetch_related(
        Prefetch("questions", queryset=Question.objects.select_related("stage"))
    )
    if keys is not None:
        domains = domains.filter(key__in=keys)
    return list(domains)


def members_with_resources(
    edition: Edition, *, stage: str = "", audience: str = ""
) -> list[MemberOrganisation]:
    """Members with `.matching_resources`, optionally only resources for a stage and audience.

    Members with no matching resource are left out when a filter is given.
    """
    resources = Resource.objects.prefetch_related("stages", "audiences", "domains", "statements")
    if stage:
        resources = resources.filter(stages__key=stage)
    if audience:
        resources = resources.filter(audiences__key=audience)
    members = edition.members.prefetch_related(
        Prefetch("resources", queryset=resources.distinct(), to_attr="matching_resources")
    )
    members = list(members)
    if stage or audience:
        members = [member for member in members if member.matching_resources]
    return members
