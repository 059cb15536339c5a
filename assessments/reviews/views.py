"""Views of reviews: starting an interim review, a member's reminders, and the organisation's
review log (a page and a CSV)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from assessments.access import get_membership
from assessments.models import Role
from assessments.reviews import queries, services
from assessments.reviews.forms import InterimReviewForm, RemindersForm
from assessments.reviews.log_csv import log_rows
from assessments.spreadsheets import csv_download


@login_required
def interim_review(request: HttpRequest, org: str) -> HttpResponse:
    """Start an interim review after an event (owners and editors)."""
    membership = get_membership(request, org, role=Role.EDITOR)
    organisation = membership.organisation
    form = InterimReviewForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            assessment = services.start_interim_review(
                organisation=organisation, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"You started the interim review “{assessment.title}”.")
            return redirect(assessment)
    context = {
        "form": form,
        "organisation": organisation,
        "membership": membership,
        "latest": queries.latest_completed(organisation),
        "in_progress": queries.in_progress(organisation),
    }
    return render(request, "assessments/reviews/interim_review_form.html", context)


@login_required
def reminders(request: HttpRequest, org: str) -> HttpResponse:
    """Each member switches their own reminder emails about the organisation on or off."""
    membership = get_membership(request, org)
    if request.method == "POST":
        form = RemindersForm(request.POST)
        if form.is_valid():
            on = form.cleaned_data["reminders"]
            services.set_reminders(membership=membership, reminders=on)
            messages.success(
                request,
                f"Reminders are {'on' if on else 'off'}: you will "
                f"{'' if on else 'no longer '}get reminder emails about "
                f"{membership.organisation.name}.",
            )
            return redirect("assessments:reminders", org)
    else:
        form = RemindersForm(initial={"reminders": membership.reminders})
    context = {"form": form, "organisation": membership.organisation, "membership": membership}
    return render(request, "assessments/reviews/reminders_form.html", context)


@login_required
def review_log(request: HttpRequest, org: str) -> HttpResponse:
    """Every assessment, scheduled or interim, and what happened to it: newest first."""
    membership = get_membership(request, org)
    organisation = membership.organisation
    context = {
        "organisation": organisation,
        "membership": membership,
        "entries": queries.review_log(organisation),
    }
    return render(request, "assessments/reviews/review_log.html", context)


@login_required
def review_log_csv(request: HttpRequest, org: str) -> HttpResponse:
    membership = get_membership(request, org)
    organisation = membership.organisation
    filename = f"{organisation.slug}-review-log-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_download(log_rows(queries.review_log(organisation)), filename)
