"""{% section_field %} writes, character for character, what assessments/widgets/_field.html
(crispy-forms' bootstrap5 field markup) writes for every field of every section form: blank,
filled in, and with errors; and the date boxes what date_input.html writes. The faster Python
changes nothing anyone sees or hears."""

from datetime import date

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string

from assessments.dates import DateInputs
from assessments.templatetags.walkthrough_tags import section_field
from assessments.walkthrough.forms import checklist_forms, domain_forms, people_forms

TOO_LONG = "x" * 5001


def fresh(make):
    """The forms twice over: each rendering changes its widgets' classes, as crispy does."""
    return make(), make()


def validate(old, new, data) -> None:
    """Bound forms are validated before they are shown again, as the views do."""
    if data is not None:
        for forms in (old, new):
            for row in forms.rows:
                row.form.is_valid()


def field_names(form) -> list[str]:
    return [name for name in form.fields if name != "target_date"]


def assert_same(old_forms, new_forms) -> int:
    compared = 0
    for old_row, new_row in zip(old_forms.rows, new_forms.rows, strict=True):
        for name in field_names(old_row.form):
            expected = render_to_string(
                "assessments/widgets/_field.html", {"field": old_row.form[name]}
            )
            assert section_field(new_row.form[name]) == expected, name
            compared += 1
    return compared


def domain_data(assessment, *, bad: bool) -> QueryDict:
    data = QueryDict(mutable=True)
    for number, answer in enumerate(assessment.question_answers.all()):
        prefix = f"q{answer.question_id}"
        if bad and number % 2:
            data[f"{prefix}-rating"] = "7"  # not a choice
            data[f"{prefix}-current_practice"] = TOO_LONG
        else:
            data[f"{prefix}-rating"] = str(1 + number % 3)
            data[f"{prefix}-current_practice"] = 'We "check" <b>filters</b> & logs'
        data[f"{prefix}-action_owner"] = "Designated safeguarding lead"
    data["version"] = "1"
    return data


@pytest.mark.parametrize("state", ["blank", "filled", "errors"])
def test_domain_fields_render_exactly_as_the_template_does(assessment, state):
    answers = list(
        assessment.question_answers.select_related("question__stage").order_by("question__position")
    )
    data = None if state == "blank" else domain_data(assessment, bad=state == "errors")
    old, new = fresh(lambda: domain_forms(answers, 1, data))
    validate(old, new, data)

    assert assert_same(old, new) == 4 * len(answers)
    if state == "errors":
        assert any(row.form.errors for row in new.rows)


@pytest.mark.parametrize("state", ["blank", "errors"])
def test_checklist_fields_render_exactly_as_the_template_does(assessment, state):
    answers = list(assessment.checklist_answers.select_related("statement"))
    data = None
    if state == "errors":
        data = QueryDict(mutable=True)
        for answer in answers:
            data[f"s{answer.statement_id}-rating"] = "9"
            data[f"s{answer.statement_id}-comment"] = TOO_LONG
    old, new = fresh(lambda: checklist_forms(answers, 1, data))
    validate(old, new, data)

    assert assert_same(old, new) == 2 * len(answers)


@pytest.mark.parametrize("state", ["blank", "errors"])
def test_people_fields_render_exactly_as_the_template_does(assessment, state):
    answers = list(assessment.factor_answers.select_related("factor"))
    data = None
    if state == "errors":
        data = QueryDict(mutable=True)
        for answer in answers:
            data[f"f{answer.factor_id}-relevant"] = "maybe"
            data[f"f{answer.factor_id}-note"] = TOO_LONG
    old, new = fresh(lambda: people_forms(assessment, answers, 1, data))
    validate(old, new, data)

    assert assert_same(old, new) == 2 * len(answers)


@pytest.mark.parametrize(
    ("typed", "invalid_parts"),
    [
        (None, ()),
        (date(2027, 3, 31), ()),
        (["31", "", "20x7"], ("month", "year")),
        (["<b>", '"1"', "2027"], ("day",)),
    ],
)
def test_date_boxes_render_exactly_as_their_template_does(typed, invalid_parts):
    widget = DateInputs()
    widget.invalid_parts = invalid_parts
    attrs = {"id": "id_q7-target_date", "aria-describedby": "id_q7-target_date_helptext"}
    context = widget.get_context("q7-target_date", typed, attrs)

    expected = render_to_string("assessments/widgets/date_input.html", context)

    assert widget.render("q7-target_date", typed, attrs) == expected
    assert 'name="q7-target_date_2"' in expected
