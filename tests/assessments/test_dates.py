"""The GOV.UK date input: Day, Month and Year boxes that clean to a date, with GOV.UK's error
messages, the boxes in error marked, and a past date allowed only where it is the saved one."""

import re
from datetime import date, timedelta

import pytest
from django import forms
from django.http import QueryDict
from django.template import Context, Template
from django.utils import timezone

from assessments.dates import DateInputField

FUTURE_YEAR = str(timezone.localdate().year + 2)


class DateForm(forms.Form):
    when = DateInputField(subject="By when", required=False, help_text="For example, 31 3 2027")

    def __init__(self, *args, saved: date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["when"].saved = saved


def typed(day: str = "", month: str = "", year: str = "", **extra: str) -> dict[str, str]:
    return {"when_0": day, "when_1": month, "when_2": year, **extra}


def clean(data: dict, **kwargs) -> DateForm:
    form = DateForm(data, **kwargs)
    form.is_valid()
    return form


def error_of(form: DateForm) -> tuple[str, tuple[str, ...]]:
    """The field's one error message, and the boxes it marks as in error."""
    [message] = form.errors["when"]
    return message, form["when"].invalid_parts


def boxes(html: str) -> dict[str, str]:
    """Each box's <input> tag, by its name's ending (when_0 is the day)."""
    return {match[1]: match[0] for match in re.finditer(r'<input[^>]*name="when_(\d)"[^>]*>', html)}


# --- Cleaning ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("31", "3", FUTURE_YEAR, (31, 3)),
        ("01", "03", FUTURE_YEAR, (1, 3)),
        (" 7 ", " 11 ", f" {FUTURE_YEAR} ", (7, 11)),
        ("1st", "March", FUTURE_YEAR, (1, 3)),
        ("22ND", "sept", FUTURE_YEAR, (22, 9)),
        ("3", "Dec.", FUTURE_YEAR, (3, 12)),
        ("29", "2", "2032", (29, 2)),  # a leap year
    ],
)
def test_date_cleans_the_three_boxes_to_a_date(day, month, year, expected):
    form = clean(typed(day, month, year))

    assert form.errors == {}
    assert form.cleaned_data["when"] == date(int(year), *reversed(expected))


@pytest.mark.parametrize("data", [typed(), typed(" ", "", "  "), {}, {"when": ""}])
def test_date_left_empty_is_no_date(data):
    form = clean(data)

    assert form.errors == {}
    assert form.cleaned_data["when"] is None


def test_date_required_and_left_empty_says_what_to_include():
    form = DateForm(typed())
    form.fields["when"].required = True

    assert not form.is_valid()
    assert error_of(form) == (
        "By when must include a day, month and year",
        ("day", "month", "year"),
    )


@pytest.mark.parametrize(
    ("data", "message", "parts"),
    [
        (typed("", "3", FUTURE_YEAR), "By when must include a day", ("day",)),
        (typed("31", "", FUTURE_YEAR), "By when must include a month", ("month",)),
        (typed("31", "3", ""), "By when must include a year", ("year",)),
        # Two boxes missing: the date is marked as a whole.
        (
            typed("", "", FUTURE_YEAR),
            "By when must include a day and month",
            ("day", "month", "year"),
        ),
        (typed("", "3", ""), "By when must include a day and year", ("day", "month", "year")),
        (typed("31", "", ""), "By when must include a month and year", ("day", "month", "year")),
    ],
)
def test_date_incomplete_says_what_is_missing(data, message, parts):
    assert error_of(clean(data)) == (message, parts)


@pytest.mark.parametrize("year", ["27", "202", "20271", "year", "２０２７"])
def test_date_year_without_4_numbers_is_refused(year):
    assert error_of(clean(typed("31", "3", year))) == (
        "By when must include a year with 4 numbers",
        ("year",),
    )


@pytest.mark.parametrize(
    ("day", "month", "year", "parts"),
    [
        ("32", "3", FUTURE_YEAR, ("day",)),
        ("0", "3", FUTURE_YEAR, ("day",)),
        ("first", "3", FUTURE_YEAR, ("day",)),
        ("1.5", "3", FUTURE_YEAR, ("day",)),
        ("31", "13", FUTURE_YEAR, ("month",)),
        ("31", "0", FUTURE_YEAR, ("month",)),
        ("31", "Marchember", FUTURE_YEAR, ("month",)),
        ("31", "3", "0000", ("year",)),
        # More than one box wrong, or no one box to blame: the date as a whole.
        ("32", "13", FUTURE_YEAR, ("day", "month", "year")),
        ("31", "2", FUTURE_YEAR, ("day", "month", "year")),
        ("29", "2", "2031", ("day", "month", "year")),  # not a leap year
        ("31", "4", FUTURE_YEAR, ("day", "month", "year")),
    ],
)
def test_date_that_cannot_be_real_is_refused(day, month, year, parts):
    assert error_of(clean(typed(day, month, year))) == ("By when must be a real date", parts)


def test_date_missing_box_is_said_before_a_wrong_one():
    assert error_of(clean(typed("", "13", FUTURE_YEAR))) == ("By when must include a day", ("day",))


def test_date_today_is_allowed():
    today = timezone.localdate()

    form = clean(typed(str(today.day), str(today.month), str(today.year)))

    assert form.cleaned_data["when"] == today


def test_date_newly_entered_in_the_past_is_refused():
    yesterday = timezone.localdate() - timedelta(days=1)

    form = clean(typed(str(yesterday.day), str(yesterday.month), str(yesterday.year)))

    assert error_of(form) == (
        "By when must be today or in the future",
        ("day", "month", "year"),
    )


def test_date_in_the_past_is_allowed_when_it_is_the_saved_date():
    last_year = timezone.localdate() - timedelta(days=365)
    data = typed(str(last_year.day), str(last_year.month), str(last_year.year))

    kept = clean(data, saved=last_year)
    changed = clean(data, saved=last_year + timedelta(days=1))

    assert kept.errors == {} and kept.cleaned_data["when"] == last_year
    assert error_of(changed)[0] == "By when must be today or in the future"


def test_date_messages_name_the_subject_they_are_given():
    form = DateForm(typed("31", "", FUTURE_YEAR))
    form.fields["when"].subject = "By when (Know)"

    assert not form.is_valid()
    assert form.errors["when"] == ["By when (Know) must include a month"]


@pytest.mark.parametrize("old", ["31/3/2027", "2027-03-31", "tomorrow"])
def test_date_posted_as_one_box_is_refused_not_guessed(old):
    """The single text box this replaced posted `when` only: a page open from before the
    change is refused with a message, never saved as a guess or a 500."""
    form = clean(QueryDict(f"when={old}"))

    assert error_of(form) == ("By when must be a real date", ("day", "month", "year"))
    assert boxes(str(form["when"])).keys() == {"0", "1", "2"}


def test_date_has_changed_compares_the_date_typed_with_the_saved_one():
    field = DateForm().fields["when"]

    assert not field.has_changed(date(2027, 3, 31), ["31", "03", "2027"])
    assert field.has_changed(date(2027, 3, 31), ["1", "4", "2027"])
    assert field.has_changed(None, ["31", "2", "2027"])  # not a date: changed
    assert not field.has_changed(None, ["", "", ""])


# --- Rendering --------------------------------------------------------------------------------


def test_date_renders_as_three_labelled_numeric_boxes_in_a_fieldset():
    html = DateForm(initial={"when": date(2027, 3, 31)})["when"].as_field_group()

    assert re.search(r"<fieldset aria-describedby=\"id_when_helptext\">\s*<legend", html)
    assert (
        '<div class="form-text mt-0 mb-2" id="id_when_helptext">For example, 31 3 2027</div>'
        in (html)
    )
    assert re.findall(r'<label[^>]*for="(id_when_\d)">(\w+)</label>', html) == [
        ("id_when_0", "Day"),
        ("id_when_1", "Month"),
        ("id_when_2", "Year"),
    ]
    tags = boxes(html)
    assert [re.search(r'value="(\d+)"', tags[part])[1] for part in "012"] == ["31", "3", "2027"]
    assert all('type="text"' in tag and 'inputmode="numeric"' in tag for tag in tags.values())
    assert "aria-invalid" not in html and "is-invalid" not in html


def test_date_error_marks_only_the_boxes_in_error_and_keeps_what_was_typed():
    form = clean(typed("31", "", FUTURE_YEAR))

    html = form["when"].as_field_group()

    tags = boxes(html)
    assert 'aria-invalid="true"' in tags["1"] and "is-invalid" in tags["1"]
    assert "aria-invalid" not in tags["0"] + tags["2"]
    assert 'value="31"' in tags["0"] and f'value="{FUTURE_YEAR}"' in tags["2"]
    assert 'aria-describedby="id_when_helptext id_when_error"' in html
    assert re.search(
        r'id="id_when_error">\s*<p[^>]*><span class="visually-hidden">Error: </span>'
        r"By when must include a month</p>",
        html,
    )


def test_date_error_summary_links_to_the_first_box_in_error():
    summary = Template('{% include "_error_summary.html" %}')

    def link(data: dict) -> str:
        html = summary.render(Context({"form": clean(data)}))
        return re.search(r'href="#([^"]+)"', html)[1]

    assert link(typed("31", "", "")) == "id_when_0"  # two missing: the date as a whole
    assert link(typed("31", "", FUTURE_YEAR)) == "id_when_1"
    assert link(typed("31", "3", "27")) == "id_when_2"
    assert link(typed("31", "2", FUTURE_YEAR)) == "id_when_0"


def test_error_summary_still_links_other_fields_to_their_own_id():
    class OtherForm(forms.Form):
        name = forms.CharField()
        choice = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)

    html = Template('{% include "_error_summary.html" %}').render(Context({"form": OtherForm({})}))

    assert re.findall(r'href="#([^"]+)"', html) == ["id_name", "id_choice_0"]
