"""Forms of the reporting pages."""

from django import forms

from assessments.models import (
    Assessment,
    Organisation,
)


class CompareForm(forms.Form):
    """Two assessments of an organisation to compare (sent with GET)."""

    a = forms.ModelChoiceField(
        label="Compare (A)",
        queryset=Assessment.objects.none(),
        empty_label="Choose an assessment",
        help_text="The baseline: usually the earlier assessment.",
        error_messages={
            "required": "Choose the assessment to compare",
            "invalid_choice": "Choose one of your organisation’s assessments",
        },
    )
    b = forms.ModelChoiceField(
        label="With (B)",
        queryset=Assessment.objects.none(),
        empty_label="Choose an assessment",
        help_text="Usually the later assessment.",
        error_messages={
            "required": "Choose the assessment to compare it with",
            "invalid_choice": "Choose one of your organisation’s assessments",
        },
    )

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in (self.fields["a"], self.fields["b"]):
            field.queryset = organisation.assessments.all()
            field.label_from_instance = lambda assessment: (
                f"{assessment.title} (completed {assessment.completed_at:%-d %B %Y})"
                if assessment.completed_at
                else f"{assessment.title} (in progress, started {assessment.created_at:%-d %B %Y})"
            )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("a") is not None and cleaned.get("a") == cleaned.get("b"):
            error = forms.ValidationError("Choose two different assessments", code="same")
            self.add_error("b", error)
        return cleaned
