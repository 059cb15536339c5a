"""Forms of actions: the update of one action, and the filters of the actions page."""

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser

from assessments.actions import queries
from assessments.dates import DateInputField
from assessments.models import Action, display_name
from assessments.validators import validate_single_line

NOTE_LIMIT = 1000
REASON_LIMIT = 1000
NAME_LIMIT = 200
STATUS_ERROR = "Choose the action's status"


class ActionUpdateForm(forms.Form):
    """One update of an action: status, a progress note, owner, target date and, when dropped,
    why. `version` is the action's version when the form was shown, so a change by someone else
    is noticed."""

    status = forms.ChoiceField(
        label="Status",
        choices=Action.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": STATUS_ERROR, "invalid_choice": STATUS_ERROR},
    )
    note = forms.CharField(
        label="Progress note",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_LIMIT,
        required=False,
        help_text=f"Optional. What has happened since the last update. Up to {NOTE_LIMIT:,} "
        "characters.",
        error_messages={"max_length": f"Progress note must be {NOTE_LIMIT:,} characters or fewer"},
    )
    owner = forms.TypedChoiceField(
        label="A member",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="A member of the organisation who will do it.",
        error_messages={"invalid_choice": "Choose a member from the list"},
    )
    owner_name = forms.CharField(
        label="Or someone outside the organisation",
        max_length=NAME_LIMIT,
        required=False,
        validators=[validate_single_line],
        help_text=f"Optional. A name and role, for example “Sam Lewis, IT contractor”. Up to "
        f"{NAME_LIMIT} characters. Leave both empty if nobody owns it yet.",
        error_messages={"max_length": f"The name must be {NAME_LIMIT} characters or fewer"},
    )
    target_date = DateInputField(
        label="Target date",
        subject="Target date",
        required=False,
        help_text="For example, 31 3 2027",
    )
    dropped_reason = forms.CharField(
        label="Why it was dropped",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_LIMIT,
        required=False,
        help_text=f"Needed if you choose Dropped. Up to {REASON_LIMIT:,} characters.",
        error_messages={"max_length": f"The reason must be {REASON_LIMIT:,} characters or fewer"},
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, action: Action, members: list[tuple[str, str]], **kwargs) -> None:
        initial = {
            "status": action.status,
            "owner": action.owner_id,
            "owner_name": action.owner_name,
            "target_date": action.target_date,
            "dropped_reason": action.dropped_reason,
            "version": action.version,
        }
        super().__init__(*args, initial=initial, **kwargs)
        choices = [("", "Not a member")] + list(members)
        if action.owner_id and str(action.owner_id) not in dict(members):
            # The owner has left since: they stay the owner until someone changes it.
            choices.append((str(action.owner_id), f"{display_name(action.owner)} (not a member)"))
        self.fields["owner"].choices = choices
        # A target date already set may be in the past; a new one may not.
        self.fields["target_date"].saved = action.target_date

    def clean(self) -> dict:
        data = super().clean()
        if data.get("owner") and data.get("owner_name"):
            self.add_error(
                "owner_name",
                "Choose a member or name someone outside the organisation, not both",
            )
        if (
            data.get("status") == Action.Status.DROPPED
            and not data.get("dropped_reason")
            and "dropped_reason" not in self.errors
        ):
            self.add_error("dropped_reason", "Say why the action was dropped")
        return data

    def update(self, owners: dict[int, AbstractBaseUser]) -> dict:
        """The cleaned update, for `services.update_action` (the owner as a user)."""
        data = self.cleaned_data
        return {
            "status": data["status"],
            "note": data["note"],
            "owner": owners.get(data["owner"]) if data["owner"] else None,
            "owner_name": data["owner_name"],
            "target_date": data["target_date"],
            "dropped_reason": data["dropped_reason"],
        }


STATUS_FILTERS = [
    ("", "Any status"),
    (queries.OVERDUE, "Overdue"),
    *Action.Status.choices,
]


class ActionFilterForm(forms.Form):
    """The actions page's filters, sent by GET: a value it does not know is an error next to its
    field, and that filter is left out."""

    owner = forms.ChoiceField(label="Owner", required=False)
    status = forms.ChoiceField(label="Status", choices=STATUS_FILTERS, required=False)
    domain = forms.ChoiceField(label="Domain", required=False)
    assessment = forms.ChoiceField(label="Assessment", required=False)
    closed = forms.BooleanField(label="Show done and dropped actions", required=False)

    def __init__(self, *args, choices: dict[str, list[tuple[str, str]]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [
            ("", "Anyone"),
            (queries.ME, "Me"),
            *choices["members"],
            (queries.OUTSIDE, "Someone outside the organisation"),
            (queries.NOBODY, "Nobody yet"),
        ]
        self.fields["domain"].choices = [("", "Any domain"), *choices["domains"]]
        self.fields["assessment"].choices = [("", "Any assessment"), *choices["assessments"]]
        for name in ("owner", "status", "domain", "assessment"):
            self.fields[name].error_messages["invalid_choice"] = (
                f"Choose a {self.fields[name].label.lower()} from the list"
            )

    def filters(self) -> queries.ActionFilters:
        """The valid filters (an invalid one is left out)."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value}
        if "assessment" in data:
            data["assessment"] = int(data["assessment"])
        return queries.ActionFilters(**data)

    @property
    def is_filtered(self) -> bool:
        return any(self.filters().__dict__.values())
