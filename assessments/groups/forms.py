"""Forms of groups: creating one, inviting, roles, and what an organisation shares."""

from django import forms

from assessments.models import Group, GroupInvitation, GroupRole, Organisation, Sharing
from assessments.validators import validate_single_line

SHARING_CHOICES = [
    (
        Sharing.SUMMARY,
        "Summary: status, dates, scores by stage and domain, each question's rating (Poorly, "
        "Moderately or Well; never what you wrote), and how many actions are open and overdue",
    ),
    (Sharing.FULL, "Full report: the summary, and also the report and its PDF"),
]


class GroupForm(forms.Form):
    name = forms.CharField(
        label="Group name",
        max_length=200,
        validators=[validate_single_line],
        help_text="As people know it, for example Riverside Learning Trust. Up to 200 characters.",
        error_messages={
            "required": "Enter the name of the group",
            "max_length": "Group name must be 200 characters or fewer",
        },
    )
    kind = forms.ChoiceField(
        label="What type of group is it?",
        choices=Group.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of group"},
    )


class GroupInvitationForm(forms.Form):
    purpose = forms.ChoiceField(
        label="Who are you inviting?",
        choices=[
            (GroupInvitation.Purpose.MEMBER, "A person, to join the group"),
            (
                GroupInvitation.Purpose.ORGANISATION,
                "An organisation, to share its self-assessments with the group",
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you are inviting a person or an organisation"},
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="For an organisation, the address of one of its owners. We will email a link. "
        "It works once, for 14 days.",
        error_messages={
            "required": "Enter the email address to send the invitation to",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )
    role = forms.ChoiceField(
        label="Role (for a person)",
        choices=GroupRole.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="Group viewers see the group’s dashboard. Group owners also invite people and "
        "organisations.",
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("purpose") == GroupInvitation.Purpose.MEMBER and not data.get("role"):
            self.add_error("role", "Select the role of the person you are inviting")
        return data


class GroupRoleForm(forms.Form):
    role = forms.ChoiceField(
        label="Role",
        choices=GroupRole.choices,
        error_messages={"required": "Select a role", "invalid_choice": "Select a role"},
    )


def sharing_field(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=SHARING_CHOICES,
        widget=forms.RadioSelect,
        help_text="The group never sees your answers’ text, actions or notes unless you share "
        "the full report. You can change this or stop sharing at any time.",
        error_messages={
            "required": "Select what to share with the group",
            "invalid_choice": "Select what to share with the group",
        },
    )


class ShareOrganisationForm(forms.Form):
    """Accepting an organisation invitation: which of the organisations the user owns, and what
    it shares."""

    organisation = forms.ModelChoiceField(
        label="Which organisation will share with the group?",
        queryset=Organisation.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select the organisation to share",
            "invalid_choice": "Select one of the organisations you own",
        },
    )
    sharing = sharing_field("What will it share?")

    def __init__(self, *args, organisations: list[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[organisation.pk for organisation in organisations]
        )
        self.fields["organisation"].to_field_name = "slug"


class SharingForm(forms.Form):
    sharing = sharing_field("What does it share with the group?")
