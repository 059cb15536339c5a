"""Forms of the walk-through: starting an assessment and one small form per answer on a section
page. Every text field states its length limit in its hint and enforces it with a clear message.
"""

import dataclasses
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.core.validators import MaxLengthValidator
from django.db.models import Model
from django.http import QueryDict
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from assessments.dates import DateInputField
from assessments.models import (
    AgeGroup,
    Assessment,
    ChecklistAnswer,
    FactorAnswer,
    Organisation,
    QuestionAnswer,
    Rating,
    a_year_after,
)
from assessments.validators import validate_single_line
from assessments.walkthrough.conflicts import EditConflict
from assessments.walkthrough.display import display_answer
from assessments.walkthrough.services import SIGN_OFF_FIELDS
from assessments.walkthrough.specs import item_key
from framework.models import Domain, Edition

RATING_ERROR = "Choose Poorly, Moderately or Well"
# How long a free-text answer may be: what a board paper can carry (the report prints every
# answer in full) and what renders in a few seconds at most (bench/report_pdf.py measures the
# report with every answer at its limit). Answers saved before a limit was lowered still show
# in full, and save unchanged (AnswerTextField).
NOTE_LIMIT = 1000
CURRENT_PRACTICE_LIMIT = 2000
NEXT_STEPS_LIMIT = 1000
COMMENT_LIMIT = 1000
# Each part of the summary for the board: a few sentences, read in a minute.
SIGN_OFF_LIMIT = 1000
# Answer forms are prefixed f<factor pk>, q<question pk> or s<statement pk>.
ANSWER_PREFIX = re.compile(r"^([fqs]\d+)-")


def _limit(name: str, limit: int) -> dict[str, str]:
    return {"max_length": f"{name} must be {limit:,} characters or fewer"}


def _name_limits(form: forms.Form, names: dict[str, str]) -> None:
    """Name the answer in length messages: the error summary lists many similar fields."""
    for field, name in names.items():
        limit = form.fields[field].max_length
        form.fields[field].error_messages |= _limit(name, limit)


def _limit_hint(limit: int, *, optional: bool = False) -> str:
    """The hint states the limit: the count that works without JavaScript (sections.js counts
    down as people type)."""
    return f"{'Optional. ' if optional else ''}Up to {limit:,} characters."


def _one_break(text: str) -> str:
    """Line breaks as one character each: browsers post CR LF but count, and limit, one."""
    return text.replace("\r\n", "\n")


class _CharactersAsBrowsersCount(MaxLengthValidator):
    def clean(self, x: str) -> int:
        return len(_one_break(x))


class AnswerTextField(forms.CharField):
    """A free-text answer held to `max_length` characters, counted as the browser's
    `maxlength` and the counter on the page count them (a line break is one).

    A value saved before the limit was lowered (`saved`, set by the form) passes as it is: a
    long note from an earlier assessment must not stop the rating beside it being saved.
    Once edited, it must fit the limit like any other value.
    """

    saved = ""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.validators = [
            _CharactersAsBrowsersCount(v.limit_value) if type(v) is MaxLengthValidator else v
            for v in self.validators
        ]

    def run_validators(self, value: str) -> None:
        # (Compared as the field cleans what is posted: stripped, with line breaks as one.)
        if value and _one_break(value) == _one_break(self.saved or "").strip():
            return  # unchanged: it was valid when it was saved
        super().run_validators(value)


def _hidden(text: str) -> str:
    """Context for screen readers, e.g. which question a repeated label belongs to."""
    return format_html('<span class="visually-hidden"> ({})</span>', text)


class AssessmentStartForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example “Spring 2027 review”. Up to 200 characters.",
        # One plain line: no line breaks or text-direction controls in a title.
        validators=[validate_single_line],
        error_messages={"required": "Enter a title", **_limit("Title", 200)},
    )
    domains = forms.ModelMultipleChoiceField(
        label="Which domains are in scope?",
        queryset=Domain.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Select every domain your organisation influences.",
        error_messages={
            "required": "Select at least one domain",
            "invalid_choice": "Select domains from the list",
            "invalid_pk_value": "Select domains from the list",
        },
    )
    based_on = forms.ModelChoiceField(
        label="Start from a previous assessment (optional)",
        queryset=Assessment.objects.none(),
        required=False,
        empty_label="No, start with empty answers",
        help_text="Its answers are copied into the new assessment, so you only change what "
        "is different now.",
        error_messages={"invalid_choice": "Select one of your organisation’s assessments"},
    )

    def __init__(self, *args, edition: Edition, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domains"].queryset = edition.domains.all()
        self.fields["based_on"].queryset = organisation.assessments.select_related("edition")
        self.fields["based_on"].label_from_instance = lambda previous: (
            f"{previous.title} (started {previous.created_at:%-d %B %Y})"
        )


def start_initial(*, edition: Edition, based_on: Assessment | None) -> dict:
    """Prefill the start form from a previous assessment: its scope, by domain keys."""
    if based_on is None:
        return {}
    keys = based_on.domains.values_list("key", flat=True)
    return {"based_on": based_on, "domains": list(edition.domains.filter(key__in=keys))}


class VersionForm(forms.Form):
    """The section's version when the page was opened, to notice someone else's save."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class RatingField(forms.TypedChoiceField):
    widget = forms.RadioSelect

    def __init__(self, **kwargs) -> None:
        super().__init__(
            choices=Rating.choices,
            coerce=int,
            empty_value=None,
            required=False,
            error_messages={"invalid_choice": RATING_ERROR},
            **kwargs,
        )


class FactorAnswerForm(forms.Form):
    relevant = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose Yes or No"},
    )
    note = AnswerTextField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_LIMIT,
        required=False,
        help_text=_limit_hint(NOTE_LIMIT, optional=True),
        error_messages=_limit("Notes", NOTE_LIMIT),
    )

    def __init__(self, *args, answer: FactorAnswer, **kwargs) -> None:
        relevant = {True: "yes", False: "no"}.get(answer.relevant)
        initial = {"relevant": relevant, "note": answer.note}
        super().__init__(*args, prefix=f"f{answer.factor_id}", initial=initial, **kwargs)
        name = answer.factor.name
        self.fields["relevant"].label = format_html(
            '{}<span class="d-block fw-normal mt-1">Relevant to us?</span>', name
        )
        self.fields["note"].label = format_html("Notes{}", _hidden(name))
        self.fields["note"].saved = answer.note
        _name_limits(self, {"note": f"Notes on {name}"})


QUESTION_FIELDS = ["rating", "current_practice", "next_steps", "action_owner", "target_date"]


class QuestionAnswerForm(forms.Form):
    rating = RatingField()
    current_practice = AnswerTextField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=CURRENT_PRACTICE_LIMIT,
        required=False,
        help_text=_limit_hint(CURRENT_PRACTICE_LIMIT),
        error_messages=_limit("What you do now", CURRENT_PRACTICE_LIMIT),
    )
    next_steps = AnswerTextField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NEXT_STEPS_LIMIT,
        required=False,
        help_text=_limit_hint(NEXT_STEPS_LIMIT),
        error_messages=_limit("What you will do next", NEXT_STEPS_LIMIT),
    )
    action_owner = forms.CharField(
        max_length=200,
        required=False,
        help_text="Optional. A name or a role. Up to 200 characters.",
        error_messages=_limit("Who will do it", 200),
    )
    # Day, Month and Year boxes (GOV.UK's date input): see dates.py.
    target_date = DateInputField(
        subject="By when", required=False, help_text="For example, 31 3 2027"
    )

    def __init__(self, *args, answer: QuestionAnswer, **kwargs) -> None:
        initial = {field: getattr(answer, field) for field in QUESTION_FIELDS}
        super().__init__(*args, prefix=f"q{answer.question_id}", initial=initial, **kwargs)
        self.fields["rating"].label = answer.question.text
        self.fields["rating"].help_text = "How well do you do this? You can rate it later."
        stage = answer.question.stage.name
        for field, label in [
            ("current_practice", "What you do now, with evidence"),
            ("next_steps", "What you will do next"),
            ("action_owner", "Who will do it"),
            ("target_date", "By when"),
        ]:
            self.fields[field].label = format_html("{}{}", label, _hidden(stage))
        self.fields["current_practice"].saved = answer.current_practice
        self.fields["next_steps"].saved = answer.next_steps
        _name_limits(
            self,
            {
                "current_practice": f"What you do now ({stage})",
                "next_steps": f"What you will do next ({stage})",
                "action_owner": f"Who will do it ({stage})",
            },
        )
        # Errors name the stage; a past date is allowed only if it is the one already saved.
        self.fields["target_date"].subject = f"By when ({stage})"
        self.fields["target_date"].saved = answer.target_date


class ChecklistAnswerForm(forms.Form):
    rating = RatingField(help_text="Choose one.")
    comment = AnswerTextField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=COMMENT_LIMIT,
        required=False,
        help_text=_limit_hint(COMMENT_LIMIT, optional=True),
        error_messages=_limit("Comment", COMMENT_LIMIT),
    )

    def __init__(self, *args, answer: ChecklistAnswer, **kwargs) -> None:
        initial = {"rating": answer.rating, "comment": answer.comment}
        super().__init__(*args, prefix=f"s{answer.statement_id}", initial=initial, **kwargs)
        self.fields["rating"].label = answer.statement.text
        short = Truncator(answer.statement.text).chars(60)
        self.fields["comment"].label = format_html("Comment{}", _hidden(short))
        self.fields["comment"].saved = answer.comment
        _name_limits(self, {"comment": f"Comment on “{short}”"})


class AgeGroupsForm(forms.Form):
    age_groups = forms.MultipleChoiceField(
        label="Which age groups does this assessment cover?",
        choices=AgeGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. We filled these in from your organisation’s details.",
        error_messages={"invalid_choice": "Select age groups from the list"},
    )

    def __init__(self, *args, assessment: Assessment, **kwargs) -> None:
        super().__init__(*args, initial={"age_groups": assessment.age_groups}, **kwargs)

    def clean_age_groups(self) -> list[str]:
        chosen = set(self.cleaned_data["age_groups"])
        return [value for value in AgeGroup.values if value in chosen]


@dataclass
class AnswerRow:
    answer: FactorAnswer | QuestionAnswer | ChecklistAnswer | Assessment
    form: forms.Form
    # Someone else's changes to this answer since the page was opened (on the conflict page).
    conflicts: list = dataclasses.field(default_factory=list)


@dataclass
class SectionForms:
    """A section page's forms: one small form per answer row, plus the section's version.

    The people section also has the assessment's age groups (`age_groups`, a row of its own).
    """

    rows: list[AnswerRow]
    version: VersionForm
    age_groups: AnswerRow | None = None

    @property
    def answer_rows(self) -> list[AnswerRow]:
        return [self.age_groups, *self.rows] if self.age_groups else self.rows

    @property
    def forms(self) -> list[forms.Form]:
        return [self.version, *(row.form for row in self.answer_rows)]

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.forms])

    def foreign_prefixes(self, data: QueryDict) -> list[str]:
        """Answer prefixes in the posted data that do not belong to this section."""
        own = {row.form.prefix for row in self.rows}
        posted = {match[1] for key in data if (match := ANSWER_PREFIX.match(key))}
        return sorted(posted - own)

    def changes(self) -> list[tuple[Model, dict]]:
        """(answer row, new values) for services.save_section."""
        return [(row.answer, row.form.cleaned_data) for row in self.answer_rows]

    def valid_changes(self) -> list[tuple[Model, dict]]:
        """The changes of the rows whose answers are valid: saved even when others are not.
        Call after is_valid()."""
        rows = self.answer_rows
        return [(row.answer, row.form.cleaned_data) for row in rows if row.form.is_valid()]

    def invalid_rows(self) -> list[AnswerRow]:
        """The rows with a problem, in page order. Call after is_valid()."""
        return [row for row in self.answer_rows if row.form.errors]

    def mark_conflicts(self, conflict: EditConflict) -> None:
        """Attach to each row the other person's changes to it, to highlight on the page."""
        by_key: dict[str, list] = {}
        for entry in conflict.changes:
            by_key.setdefault(entry.item_key, []).append(entry)
        for row in self.answer_rows:
            row.conflicts = by_key.get(item_key(row.answer), [])

    @property
    def conflicting_rows(self) -> list[AnswerRow]:
        return [row for row in self.answer_rows if row.conflicts]

    def merged_data(self, conflict: EditConflict, data: QueryDict) -> QueryDict:
        """The posted data to show after someone else's save, to be saved against their version.

        Answers this user changed keep what they typed (the conflict lists the other values).
        Answers they left as they were take the other person's saved value, so saving again
        never undoes someone else's change by accident. Call after is_valid(), with rows read
        after the other person's save.
        """
        merged = data.copy()
        merged["version"] = str(conflict.section.version)
        opened_with = {}
        for entry in reversed(conflict.changes):  # oldest first: the value when the page opened
            opened_with.setdefault((entry.item_key, entry.field_name), entry.old_value)
        for row in self.answer_rows:
            key = item_key(row.answer)
            for field, typed in row.form.cleaned_data.items():
                opened = opened_with.get((key, field))
                if opened is not None and display_answer(field, typed) == opened:
                    _put(merged, row.form, field, getattr(row.answer, field))
        return merged


def _put(data: QueryDict, form: forms.Form, field: str, value) -> None:
    """Set a saved model value in posted data, as a browser would post it from `form`."""
    key = form.add_prefix(field)
    widget = form.fields[field].widget
    if isinstance(widget, forms.MultiWidget):  # e.g. a date's day, month and year boxes
        for suffix, part in zip(widget.widgets_names, widget.decompress(value), strict=True):
            data[key + suffix] = part
    elif isinstance(value, list):
        data.setlist(key, value)
    elif value is None:
        data.pop(key, None)
    elif isinstance(value, bool):
        data[key] = "yes" if value else "no"
    elif isinstance(value, date):
        data[key] = value.isoformat()
    else:
        data[key] = str(value)


def _version_form(data: QueryDict | None, version: int) -> VersionForm:
    return VersionForm(data, initial={"version": version})


def people_forms(
    assessment: Assessment, answers: list[FactorAnswer], version: int, data=None
) -> SectionForms:
    age_groups = AnswerRow(assessment, AgeGroupsForm(data, assessment=assessment))
    rows = [AnswerRow(answer, FactorAnswerForm(data, answer=answer)) for answer in answers]
    return SectionForms(rows, _version_form(data, version), age_groups)


def domain_forms(answers: list[QuestionAnswer], version: int, data=None) -> SectionForms:
    rows = [AnswerRow(answer, QuestionAnswerForm(data, answer=answer)) for answer in answers]
    return SectionForms(rows, _version_form(data, version))


def checklist_forms(answers: list[ChecklistAnswer], version: int, data=None) -> SectionForms:
    rows = [AnswerRow(answer, ChecklistAnswerForm(data, answer=answer)) for answer in answers]
    return SectionForms(rows, _version_form(data, version))


def _summary_field(label: str, hint: str) -> forms.CharField:
    """One part of the summary for the board: optional, a few sentences."""
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=SIGN_OFF_LIMIT,
        required=False,
        help_text=f"Optional. {hint} Up to {SIGN_OFF_LIMIT:,} characters.",
        error_messages=_limit(label, SIGN_OFF_LIMIT),
    )


class SignOffForm(forms.Form):
    """The sign-off an owner records for the board: a short summary in three parts, who
    approved the assessment and when, and when to review it next. `version` is the sign-off's
    version when the form was shown, so a change by another owner is noticed."""

    board_findings = _summary_field("What we found", "The main findings, in a few sentences.")
    board_plans = _summary_field("What we will do", "The changes you will make first.")
    board_asks = _summary_field(
        "What we need from the board", "Decisions, time or money you are asking for."
    )
    approved_by = forms.CharField(
        label="Approved by",
        max_length=200,
        required=False,
        validators=[validate_single_line],
        help_text="Optional. The name and role of the person or body who approved the "
        "assessment, for example “Priya Shah, Chair of Governors”. Up to 200 characters.",
        error_messages=_limit("Approved by", 200),
    )
    approved_on = DateInputField(
        label="Date approved",
        subject="Date approved",
        in_the_past=True,
        required=False,
        help_text="For example, 27 3 2027",
    )
    next_review_on = DateInputField(
        label="Date of the next review",
        subject="Date of the next review",
        required=True,
        help_text="Usually twelve months from now, or sooner if something changes. For example, "
        "27 3 2028",
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, assessment: Assessment, **kwargs) -> None:
        initial = {name: getattr(assessment, name) for name in SIGN_OFF_FIELDS}
        initial["version"] = assessment.sign_off_version
        if not initial["next_review_on"]:
            initial["next_review_on"] = a_year_after(timezone.localdate())
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["approved_on"].saved = assessment.approved_on
        self.fields["next_review_on"].saved = assessment.next_review_on

    def clean_next_review_on(self) -> date:
        value = self.cleaned_data["next_review_on"]
        latest = timezone.localdate() + timedelta(days=3 * 366)
        if value and value > latest:
            raise forms.ValidationError(
                "Date of the next review must be within three years: a board should see "
                "digital resilience reviewed at least that often",
                code="too-late",
            )
        return value

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("approved_by")
            and not data.get("approved_on")
            and "approved_on" not in (self.errors)
        ):
            self.add_error("approved_on", "Enter the date it was approved")
        if (
            data.get("approved_on")
            and not data.get("approved_by")
            and "approved_by" not in (self.errors)
        ):
            self.add_error("approved_by", "Enter who approved the assessment")
        return data

    def sign_off(self) -> dict:
        """The cleaned sign-off fields, for the services."""
        return {name: self.cleaned_data[name] for name in SIGN_OFF_FIELDS}
