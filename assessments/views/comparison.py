"""Two assessments of an organisation side by side."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessments.access import get_assessment, get_membership
from assessments.comparison import compare
from assessments.forms import CompareForm
from assessments.models import Organisation
from assessments.reports import previous_assessment


@login_required
def assessment_compare(request: HttpRequest, org: str) -> HttpResponse:
    """?a=<id>&b=<id> compares; without two different ids, a form to choose them."""
    membership = get_membership(request, org)
    organisation = membership.organisation
    a_id, b_id = request.GET.get("a", ""), request.GET.get("b", "")
    comparison = None
    if a_id.isdigit() and b_id.isdigit() and a_id != b_id:
        _, a = get_assessment(request, org, int(a_id))
        _, b = get_assessment(request, org, int(b_id))
        comparison = compare(a, b)
    # Both given but not two assessments to compare: say why next to the fields.
    data = request.GET if a_id and b_id and comparison is None else None
    form = CompareForm(
        data, organisation=organisation, initial=_preselected(organisation, a_id, b_id)
    )
    context = {
        "membership": membership,
        "organisation": organisation,
        "comparison": comparison,
        "form": form,
        "enough": comparison is not None or organisation.assessments.count() > 1,
    }
    return render(request, "assessments/assessment_compare.html", context)


def _preselected(organisation: Organisation, a_id: str, b_id: str) -> dict:
    """The chosen assessments; by default B is the latest and A the last completed before it."""
    assessments = organisation.assessments.all()
    if b_id.isdigit():
        b = assessments.filter(pk=b_id).first()
    else:
        b = assessments.exclude(pk=a_id).first() if a_id.isdigit() else assessments.first()
    if a_id.isdigit():
        return {"a": a_id, "b": b}
    return {"a": previous_assessment(b) if b else None, "b": b}
