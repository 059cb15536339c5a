"""Forms of accounts and organisations. Every text field states its length limit in its hint
and enforces it with a clear message.
"""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import User
from django.db.models import Q

from assessments.models import (
    AgeGroup,
    Invitation,
    Nation,
    Organisation,
    Role,
)
from assessments.organisations import services
from assessments.validators import validate_single_line


class LowercaseEmailField(forms.EmailField):
    """An email address as a username: accounts are keyed by the lower-cased address."""

    def to_python(self, value):
        return super().to_python(value).lower()


class LoginForm(auth_forms.AuthenticationForm):
    username = LowercaseEmailField(
        label="Email address",
        help_text="The email address you created your account with.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": "Enter your email address"},
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        help_text="Passwords are case-sensitive.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": (
            "Enter the email address and password of your account. "
            "If you have forgotten your password, you can reset it."
        ),
    }


def full_name_field() -> forms.CharField:
    return forms.CharField(
        label="Full name",
        max_length=150,
        help_text="As your colleagues know you. It shows on assessments and reports. "
        "Up to 150 characters.",
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        validators=[validate_single_line],
        error_messages={
            "required": "Enter your full name",
            "max_length": "Full name must be 150 characters or fewer",
        },
    )


def job_title_field() -> forms.CharField:
    return forms.CharField(
        label="Job title (optional)",
        max_length=100,
        required=False,
        help_text="For example Designated Safeguarding Lead. It shows next to your name in "
        "reports. Up to 100 characters.",
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
        validators=[validate_single_line],
        error_messages={"max_length": "Job title must be 100 characters or fewer"},
    )


def new_password_fields(
    *, label1: str, empty1: str, label2: str, empty2: str
) -> tuple[forms.CharField, forms.CharField]:
    """A new password and its confirmation, each with its own message when left empty, so the
    error summary never lists the same sentence twice."""
    password1, password2 = auth_forms.SetPasswordMixin.create_password_fields(
        label1=label1, label2=label2
    )
    password1.error_messages["required"] = empty1
    password2.error_messages["required"] = empty2
    password2.help_text = "Type the same password again, to check it."
    return password1, password2


PASSWORD_MISMATCH = "The passwords do not match. Type the same password in both boxes"


class SignupForm(auth_forms.BaseUserCreationForm):
    """An account, keyed by its email address, for a named person. From an invitation the email
    address is the invited one and cannot be changed (`invitation`): a disabled field ignores
    whatever a POST says."""

    full_name = full_name_field()
    job_title = job_title_field()
    email = LowercaseEmailField(
        label="Email address",
        max_length=150,
        help_text="You will use it to log in. Up to 150 characters.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your email address",
            "max_length": "Email address must be 150 characters or fewer",
        },
    )
    password1, password2 = new_password_fields(
        label1="Create a password",
        empty1="Enter a password",
        label2="Confirm your password",
        empty2="Confirm your password by typing it again",
    )

    error_messages = {"password_mismatch": PASSWORD_MISMATCH}
    field_order = ["full_name", "job_title", "email", "password1", "password2"]

    class Meta(auth_forms.BaseUserCreationForm.Meta):
        fields = ("email",)

    def __init__(self, *args, invitation: Invitation | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        if invitation is not None:
            email = self.fields["email"]
            email.disabled = True
            email.initial = invitation.email
            email.help_text = "The address your invitation was sent to. You will use it to log in."

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        # Only from an invitation, whose link proves the address is the reader's: anyone else
        # must not learn from this form whether an address has an account.
        if (
            self.invitation is not None
            and User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()
        ):
            raise forms.ValidationError(
                "An account with this email address already exists. "
                "Log in, or reset your password if you have forgotten it.",
                code="taken",
            )
        return email

    def _post_clean(self) -> None:
        # The username is the email; set it before Django validates the password against it.
        self.instance.username = self.cleaned_data.get("email", "")
        super()._post_clean()

    def validate_password_for_user(self, user, password_field_name: str = "password1") -> None:
        # A weak password is a problem with the password typed first, not its confirmation.
        super().validate_password_for_user(user, password_field_name="password1")


class ProfileForm(forms.Form):
    full_name = full_name_field()
    job_title = job_title_field()


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    old_password = forms.CharField(
        label="Current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your current password"},
    )
    new_password1, new_password2 = new_password_fields(
        label1="Create a new password",
        empty1="Enter a new password",
        label2="Confirm your new password",
        empty2="Confirm your new password by typing it again",
    )

    error_messages = {
        "password_mismatch": PASSWORD_MISMATCH,
        "password_incorrect": "Your current password is not right. Check it and try again",
    }

    def validate_password_for_user(self, user, password_field_name: str = "new_password1") -> None:
        # A weak password is a problem with the password typed first, not its confirmation.
        super().validate_password_for_user(user, password_field_name="new_password1")


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The email address you created your account with.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": "Enter your email address"},
    )

    def save(self, **kwargs) -> None:
        """Queue the reset email for the task worker, whatever the address: looking up its
        accounts and sending there means the page takes as long whether or not it has one."""
        services.request_password_reset(email=self.cleaned_data["email"])

    def send_mail(self, *args, **kwargs) -> None:
        # Never sent from the request: `save` queues `services.send_password_reset`.
        raise NotImplementedError("Password reset emails are sent by the task queue.")


class OrganisationForm(forms.ModelForm):
    name = forms.CharField(
        label="Organisation name",
        max_length=200,
        validators=[validate_single_line],
        help_text="As people know it, for example Hillside Academy. Up to 200 characters.",
        error_messages={
            "required": "Enter the name of your organisation",
            "max_length": "Organisation name must be 200 characters or fewer",
        },
    )
    kind = forms.ChoiceField(
        label="What type of organisation is it?",
        choices=Organisation.Kind.choices,
        widget=forms.RadioSelect,
        help_text="Choose the one that fits best.",
        error_messages={"required": "Select the type of organisation"},
    )
    nations = forms.MultipleChoiceField(
        label="Which UK nations do you work in?",
        choices=Nation.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"required": "Select at least one UK nation"},
    )
    age_groups = forms.MultipleChoiceField(
        label="Which age groups do you work with?",
        choices=AgeGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. New assessments start with these age groups.",
        error_messages={"required": "Select at least one age group"},
    )
    additional_vulnerabilities = forms.TypedChoiceField(
        label="Do you work with people with additional vulnerabilities?",
        choices=[(True, "Yes"), (False, "No")],
        coerce=lambda value: value == "True",
        widget=forms.RadioSelect,
        help_text=(
            "For example people with special educational needs or disabilities, care "
            "experience, or mental health needs."
        ),
        error_messages={
            "required": "Select yes if you work with people with additional vulnerabilities"
        },
    )

    class Meta:
        model = Organisation
        fields = ["name", "kind", "nations", "age_groups", "additional_vulnerabilities"]


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We will email a link to join. It works once, for 7 days.",
        error_messages={
            "required": "Enter the email address of the person to invite",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        initial=Role.EDITOR,
        widget=forms.RadioSelect,
        help_text=(
            "Viewers read assessments and download reports. Editors also answer them. "
            "Owners also manage members and settings."
        ),
        error_messages={"required": "Select a role"},
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        help_text="What this member can do in the organisation.",
        error_messages={"required": "Select a role", "invalid_choice": "Select a role"},
    )
