from django.shortcuts import get_object_or_404, render

from framework import selectors
from framework.forms import ResourceFilterForm


def _paragraphs(text: str) -> list[str]:
    # The "who is it for" text introduces the list of domains with a paragraph ending in a
    # colon; splitting it lets the template put the list right after that paragraph.
    return [paragraph.strip() for paragraph in text.split("\n\n") if paragraph.strip()]


def home(request):
    edition = selectors.current_edition()
    context = {
        "edition": edition,
        "definitions": edition.definitions.all(),
        "features": edition.features.all(),
        "domains": edition.domains.all(),
        "steps": edition.steps.all(),
    }
    return render(request, "framework/home.html", context)


def framework_detail(request):
    edition = selectors.current_edition()
    context = {
        "edition": edition,
        "who_is_it_for": _paragraphs(edition.who_is_it_for),
        "domains": selectors.domains_with_questions(edition),
        "factors": edition.factors.all(),
        "statements": edition.checklist_statements.all(),
        "stages": edition.stages.all(),
        "members": edition.members.all(),
    }
    return render(request, "framework/edition_detail.html", context)


def domain_detail(request, key: str):
    edition = selectors.current_edition()
    domains = selectors.domains_with_questions(edition)
    domain = next((domain for domain in domains if domain.key == key), None)
    if domain is None:
        get_object_or_404(edition.domains, key=key)
    index = domains.index(domain)
    context = {
        "edition": edition,
        "domain": domain,
        "domains": domains,
        "previous_domain": domains[index - 1] if index > 0 else None,
        "next_domain": domains[index + 1] if index + 1 < len(domains) else None,
    }
    return render(request, "framework/domain_detail.html", context)


def resource_list(request):
    edition = selectors.current_edition()
    form = ResourceFilterForm(request.GET or None, edition=edition)
    filters = form.cleaned_data if form.is_valid() else {}
    members = selectors.members_with_resources(
        edition, stage=filters.get("stage", ""), audience=filters.get("audience", "")
    )
    context = {
        "edition": edition,
        "form": form,
        "members": members,
        "filtered": any(filters.values()),
        "resource_count": sum(len(member.matching_resources) for member in members),
    }
    return render(request, "framework/resource_list.html", context)


def about(request):
    edition = selectors.current_edition()
    context = {
        "edition": edition,
        "who_is_it_for": _paragraphs(edition.who_is_it_for),
        "domains": edition.domains.all(),
    }
    return render(request, "framework/about.html", context)
