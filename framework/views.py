from django.shortcuts import get_object_or_404, render

from framework import selectors
from framework.forms import ResourceFilterForm


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
        "domains": selectors.domains_with_questions(edition),
        "factors": edition.factors.all(),
        "statements": edition.checklist_statements.all(),
        "stages": edition.stages.all(),
    }
    return render(request, "framework/edition_detail.html", context)


def domain_detail(request, key: str):
    edition = selectors.current_edition()
    domains = selectors.domains_with_questions(edition)
    domain = next((domain for domain in domains if domain.key == key), None)
    if domain is None:
        get_object_or_404(edition.domains, key=key)
    context = {"edition": edition, "domain": domain, "domains": domains}
    return render(request, "framework/domain_detail.html", context)


def resource_list(request):
    edition = selectors.current_edition()
    form = ResourceFilterForm(request.GET or None, edition=edition)
    filters = form.cleaned_data if form.is_valid() else {}
    members = selectors.members_with_resources(
        edition, stage=filters.get("stage", ""), audience=filters.get("audience", "")
    )
    context = {"edition": edition, "form": form, "members": members}
    return render(request, "framework/resource_list.html", context)


def about(request):
    edition = selectors.current_edition()
    return render(request, "framework/about.html", {"edition": edition})
