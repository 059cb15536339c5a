"""Helpers shared by the assessments test modules: what puts an assessment into the state a test
needs, its URLs, and the queries a page reads.

Users, organisations and assessments themselves come from the `make_*` fixtures in conftest.py,
which build them through the services, as the app does.
"""

from datetime import date, datetime

from django import forms
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, Rating, a_year_after
from assessments.walkthrough import services
from framework.models import Edition, Question
from framework.services import duplicate_edition, publish_edition


def assessment_url(name: str, assessment: Assessment, *args) -> str:
    """The URL of one of the assessment's pages, e.g. `assessment_url("report", assessment)`."""
    return reverse(f"assessments:{name}", args=[assessment.organisation.slug, assessment.pk, *args])


def page_queries(client: Client, path: str) -> int:
    """How many queries a GET of `path` reads, streamed content (a PDF) included."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(captured.captured_queries)


def rate(assessment: Assessment, rating: int | None, **filters) -> None:
    """Rate the assessment's questions that match `filters` (all of them without filters), and
    work its sections' statuses out again, as saving the sections would."""
    assessment.question_answers.filter(**filters).update(rating=rating)
    services.refresh_section_statuses(assessment)


def rate_checklist(assessment: Assessment, rating: int | None, **filters) -> None:
    """Rate the assessment's checklist statements that match `filters` (all of them without
    filters), and work its sections' statuses out again."""
    assessment.checklist_answers.filter(**filters).update(rating=rating)
    services.refresh_section_statuses(assessment)


def fill(assessment: Assessment, rating: int = Rating.MODERATELY, **answers) -> None:
    """Rate and answer everything: every question `rating` with what is done now, a next step, its
    owner and target date (`answers` override these), every statement `rating` with a comment,
    and the isolation factor relevant, with a note."""
    assessment.question_answers.update(
        **{
            "rating": rating,
            "current_practice": "We run a session each term.",
            "next_steps": "Write a staff briefing on reporting routes.",
            "action_owner": "Jo Bloggs, Safeguarding Lead",
            "target_date": date(2027, 3, 31),
        }
        | answers
    )
    assessment.checklist_answers.update(rating=rating, comment="Covered at induction.")
    assessment.factor_answers.filter(factor__key="isolation").update(
        relevant=True, note="Rural members meet online between sessions."
    )
    services.refresh_section_statuses(assessment)


def rate_everything(assessment: Assessment, user: User, rating: int = Rating.MODERATELY) -> None:
    """Rate every question and statement `rating` as `user` would: saving each section in turn."""
    for section in assessment.sections.exclude(key="people"):
        rows = (
            assessment.checklist_answers.all()
            if section.key == "checklist"
            else assessment.question_answers.filter(
                question__domain__key=section.key.removeprefix("domain-")
            )
        )
        services.save_section(
            assessment=assessment,
            section_key=section.key,
            user=user,
            expected_version=section.version,
            changes=[(row, {"rating": rating}) for row in rows],
        )


def complete(assessment: Assessment, user: User, *, on: datetime | None = None) -> Assessment:
    """Complete the assessment as `user`, through the service, once what is still unanswered is
    answered: questions and statements Moderately, factors relevant. `on` (local time) backdates
    the completion."""
    assessment.factor_answers.filter(relevant__isnull=True).update(relevant=True)
    rate(assessment, Rating.MODERATELY, rating__isnull=True)
    rate_checklist(assessment, Rating.MODERATELY, rating__isnull=True)
    assessment = services.complete_assessment(assessment=assessment, user=user)
    if on is not None:
        Assessment.objects.filter(pk=assessment.pk).update(
            completed_at=timezone.make_aware(on), next_review_on=a_year_after(on.date())
        )
        assessment.refresh_from_db()
    return assessment


def publish_rewording(edition: Edition, *, question_key: str, text: str) -> Edition:
    """Publish a new edition of the framework, a copy of `edition` in which the question
    `question_key` (of every domain that has it) reads `text`, as admins make one."""
    draft = duplicate_edition(edition=edition)
    Question.objects.filter(domain__edition=draft, key=question_key).update(text=text)
    return publish_edition(edition=draft)


def page_data(response) -> dict:
    """What a browser posts back from a section page: every field's current value (a date as its
    day, month and year boxes), and the form's signed author."""
    data = {}
    for form in response.context["section_forms"].forms:
        for field in form:
            value = field.value()
            widget = field.field.widget
            if isinstance(widget, forms.MultiWidget):
                parts = value if isinstance(value, list) else widget.decompress(value)
                for suffix, part in zip(widget.widgets_names, parts, strict=True):
                    data[field.html_name + suffix] = part or ""
            elif value is None:
                continue
            else:
                data[field.html_name] = value if isinstance(value, list) else str(value)
    if response.context.get("author"):
        data["author"] = response.context["author"]
    return data
