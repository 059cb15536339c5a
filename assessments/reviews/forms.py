"""Forms of reviews: starting an interim review, and a member's reminders."""

from django import forms
from django.utils import timezone

from assessments.models import Assessment
from assessments.reviews.services import interim_title
from assessments.validators import validate_single_line
from assessments.walkthrough.forms import AnswerTextField

# What happened: a short account for the record (the report prints it in its context).
DETAILS_LIMIT = 1000
TITLE_LIMIT = 200


class InterimReviewForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why are you starting an interim review?",
        choices=Assessment.Reason.choices,
        widget=forms.RadioSelect,
        help_text="Statutory guidance expects a review whenever something significant happens.",
        error_messages={
            "required": "Select why you are starting an interim review",
            "invalid_choice": "Select a reason from the list",
        },
    )
    details = AnswerTextField(
        label="What happened?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=DETAILS_LIMIT,
        help_text=(
            "For example what the incident was and when, or what changed. Say what people need "
            f"to know; leave out names of children. Up to {DETAILS_LIMIT:,} characters."
        ),
        error_messages={
            "required": "Enter what happened",
            "max_length": f"What happened must be {DETAILS_LIMIT:,} characters or fewer",
        },
    )
    title = forms.CharField(
        label="Title (optional)",
        max_length=TITLE_LIMIT,
        required=False,
        validators=[validate_single_line],
        error_messages={
            "max_length": f"Title must be {TITLE_LIMIT:,} characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        example = interim_title(Assessment.Reason.INCIDENT, timezone.localdate())
        self.fields["title"].help_text = (
            f"Leave it empty for a title from the reason and the month, such as “{example}”. "
            f"Up to {TITLE_LIMIT:,} characters."
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("title") and cleaned.get("reason"):
            cleaned["title"] = interim_title(cleaned["reason"], timezone.localdate())
        return cleaned


class RemindersForm(forms.Form):
    reminders = forms.BooleanField(label="Email me reminders", required=False)
