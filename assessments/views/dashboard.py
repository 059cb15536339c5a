"""An organisation's home page: who it is, your role, and its assessments with their scores."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessments import access, selectors


@login_required
def dashboard(request: HttpRequest, org: str) -> HttpResponse:
    """Any member's view of the organisation and its assessments, in a fixed number of queries."""
    membership = access.get_membership(request, org)
    organisation = membership.organisation
    context = {
        "membership": membership,
        "organisation": organisation,
        "summaries": selectors.organisation_assessments(organisation),
    }
    return render(request, "assessments/dashboard.html", context)
