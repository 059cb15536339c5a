"""The form that confirms moving an assessment to a newer edition."""

from django import forms

from framework.models import Edition

EDITION_CHANGED = (
    "Another edition of the framework was published since you opened this page, so nothing "
    "was moved. Check below what moving to it would do, then move again."
)

NO_NEWER = "There is no newer edition of the framework to move this assessment to."


class MoveForm(forms.Form):
    """The edition the owner saw in the preview: the move goes ahead only to that one, so it
    always does what the page said it would."""

    edition = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, edition: Edition | None, **kwargs) -> None:
        super().__init__(*args, initial={"edition": edition.pk if edition else None}, **kwargs)
        self.target = edition

    def clean_edition(self) -> int:
        value = self.cleaned_data["edition"]
        if self.target is None:
            raise forms.ValidationError(NO_NEWER, code="none")
        if value != self.target.pk:
            raise forms.ValidationError(EDITION_CHANGED, code="changed")
        return value
