from django import forms

from framework.models import Edition


class ResourceFilterForm(forms.Form):
    stage = forms.ChoiceField(required=False, label="Stage", help_text="Which stage it helps with")
    audience = forms.ChoiceField(required=False, label="Who it is for")

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", "All stages")] + [
            (stage.key, stage.name) for stage in edition.stages.all()
        ]
        self.fields["audience"].choices = [("", "Everyone")] + [
            (audience.key, audience.name) for audience in edition.audiences.all()
        ]
