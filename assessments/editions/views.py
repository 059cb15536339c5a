"""Moving an assessment in progress to a newer edition of the framework (owners only): a
preview of what the move does, and the move."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from assessments.access import get_assessment
from assessments.editions import queries, services
from assessments.editions.forms import MoveForm
from assessments.editions.queries import MoveSummary, edition_name
from assessments.models import Role


@login_required
def move_edition(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    membership, assessment = get_assessment(request, org, pk, role=Role.OWNER)
    edition = queries.newer_edition(assessment)
    form = MoveForm(request.POST if request.method == "POST" else None, edition=edition)
    if form.is_valid():
        try:
            summary = services.move_to_edition(
                assessment=assessment, edition=edition, user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, moved_message(assessment.title, summary))
            return redirect(assessment)
    plan = queries.move_plan(assessment, edition) if edition else None
    context = {
        "membership": membership,
        "organisation": assessment.organisation,
        "assessment": assessment,
        "edition": assessment.edition,
        "newer": edition,
        "form": form,
        "refusal": queries.move_refusal(assessment, edition, plan) if edition else "",
        "summary": plan.summary if plan else None,
    }
    return render(request, "assessments/editions/move_edition.html", context)


def moved_message(title: str, summary: MoveSummary) -> str:
    """What the task list says after a move, naming every answer removed."""
    parts = [
        f"“{title}” now uses {edition_name(summary.target)}.",
        f"{len(summary.carried)} answer{'s' if len(summary.carried) != 1 else ''} carried over.",
    ]
    if summary.flagged:
        parts.append(
            f"{len(summary.flagged)} of them need review, as their wording changed: open each "
            "section marked Review needed, check its answers and save it."
        )
    if summary.removed:
        removed = ", ".join(f"“{item.section} – {item.text}”" for item in summary.removed)
        parts.append(f"Answers removed, and kept in the history: {removed}")
    return " ".join(parts)
