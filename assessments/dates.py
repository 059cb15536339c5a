"""A date typed as GOV.UK asks for one: three text boxes, Day, Month and Year, in a fieldset.

Why not `<input type="date">`: a browser's date picker posts an impossible or half-typed date
as an empty value, which would lose what was typed without a word. Three boxes keep what was
typed, and say precisely what is wrong ("By when must include a month"), styling only the boxes
in error, as the GOV.UK date input pattern does:
https://design-system.service.gov.uk/components/date-input/

`DateInputField(subject="By when", saved=<the saved date>)` cleans to a `date` or None (all
three boxes empty). A date before today is an error unless it is `saved`, the date already
stored: an action copied from last year keeps its date until someone changes it.
"""

import copy
import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

PARTS = ("day", "month", "year")
LABELS = {"day": "Day", "month": "Month", "year": "Year"}
MONTH_NAMES = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
# Month names in full or short ("March", "mar", "Sept"), which GOV.UK asks services to accept.
MONTHS = {
    name: number for number, month in enumerate(MONTH_NAMES, start=1) for name in (month, month[:3])
} | {"sept": 9}
DAY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?", re.ASCII | re.IGNORECASE)
NUMBER = re.compile(r"\d{1,2}", re.ASCII)
YEAR = re.compile(r"\d+", re.ASCII)


class DateInputError(ValidationError):
    """A date's error, with the boxes (`parts`) to show in error."""

    def __init__(self, message: str, *, code: str, params: dict, parts: tuple[str, ...]):
        super().__init__(message, code=code, params=params)
        self.parts = parts


class DateInputs(forms.MultiWidget):
    """Day, Month and Year boxes, each with its label. Posts `<name>_0`, `_1` and `_2`."""

    template_name = "assessments/widgets/date_input.html"

    def __init__(self, attrs: dict | None = None) -> None:
        widgets = [
            forms.TextInput(
                attrs={
                    "class": f"form-control date-input-{width}",
                    "inputmode": "numeric",
                    "spellcheck": "false",
                }
            )
            for width in ("2", "2", "4")  # characters: day, month, year
        ]
        super().__init__(widgets, attrs)
        self.invalid_parts: tuple[str, ...] = ()

    def render(self, name: str, value, attrs: dict | None = None, renderer=None) -> SafeString:
        """The markup of date_input.html (the template stays, as the reference a test holds
        this to), built here: a page has a date per question, and rendering three boxes
        through the template engine was a third of a section page's time."""
        widget = self.get_context(name, value, attrs)["widget"]
        boxes = [
            format_html(
                '\n    <div class="date-input-item">\n      <label class="form-label mb-1" '
                'for="{}">{}</label>\n      \n      <input type="{}" name="{}"{}{}>'
                "\n    </div>\n  ",
                box["attrs"].get("id", ""),
                box["label"],
                box["type"],
                box["name"],
                format_html(' value="{}"', box["value"]) if box["value"] is not None else "",
                html_attrs(box["attrs"]),
            )
            for box in widget["subwidgets"]
        ]
        return format_html(
            '\n<div class="date-input d-flex flex-wrap gap-3" id="{}">\n  {}\n</div>\n',
            widget["attrs"].get("id", ""),
            mark_safe("".join(boxes)),
        )

    def decompress(self, value: date | None) -> list[str]:
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]

    def value_from_datadict(self, data, files, name: str) -> list[str | None] | str | None:
        parts = super().value_from_datadict(data, files, name)
        if all(part is None for part in parts):
            # No box posted: no date, or a post from the single text box this replaced, which
            # posted `<name>` only (`to_python` refuses that unless it is empty).
            return data.get(name)
        return parts

    def get_context(self, name: str, value, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        for part, box in zip(PARTS, context["widget"]["subwidgets"], strict=True):
            box["label"] = LABELS[part]
            box["attrs"] = dict(box["attrs"])
            # The bound field marks the whole group invalid; only the boxes in error are.
            box["attrs"].pop("aria-invalid", None)
            if part in self.invalid_parts:
                box["attrs"]["aria-invalid"] = "true"
                box["attrs"]["class"] += " is-invalid"
        return context


class DateBoundField(BoundField):
    """Knows which boxes are in error, for their styling and for the error summary's link."""

    @property
    def invalid_parts(self) -> tuple[str, ...]:
        parts = [getattr(error, "parts", PARTS) for error in self.errors.as_data()]
        return tuple(part for part in PARTS if any(part in found for found in parts))

    @property
    def error_anchor(self) -> str:
        """The id of the first box in error, which the error summary links to."""
        parts = self.invalid_parts
        return f"{self.auto_id}_{PARTS.index(parts[0])}" if parts and self.auto_id else ""

    def as_widget(self, widget=None, attrs=None, only_initial=False) -> str:
        widget = copy.copy(widget or self.field.widget)
        widget.invalid_parts = self.invalid_parts
        return super().as_widget(widget, attrs, only_initial)


class DateInputField(forms.Field):
    widget = DateInputs
    bound_field_class = DateBoundField
    default_error_messages = {
        "required": "%(subject)s must include a day, month and year",
        "incomplete": "%(subject)s must include a %(missing)s",
        "year": "%(subject)s must include a year with 4 numbers",
        "invalid": "%(subject)s must be a real date",
        "past": "%(subject)s must be today or in the future",
        "future": "%(subject)s must be today or in the past",
    }

    def __init__(
        self,
        *,
        subject: str = "Date",
        saved: date | None = None,
        in_the_past: bool = False,
        **kwargs,
    ) -> None:
        """A date from today on (a target, a review), or with `in_the_past` one up to today
        (when something happened)."""
        kwargs.setdefault("template_name", "assessments/widgets/date_field.html")
        super().__init__(**kwargs)
        self.subject = subject
        self.saved = saved
        self.in_the_past = in_the_past

    def to_python(self, value) -> date | None:
        if isinstance(value, date) or value is None:
            return value
        if isinstance(value, str):
            # A post from the old single text box, or any other single value: say so rather
            # than guess what it meant (an empty one meant no date).
            if not value.strip():
                return None
            raise self._error("invalid", PARTS)
        boxes = [*value, "", "", ""][: len(PARTS)]
        typed = {part: str(text or "").strip() for part, text in zip(PARTS, boxes, strict=True)}
        if not any(typed.values()):
            return None
        missing = tuple(part for part in PARTS if not typed[part])
        if missing:
            # One box missing is shown in error; two, the date as a whole.
            raise self._error("incomplete", missing if len(missing) == 1 else PARTS, missing)
        if not YEAR.fullmatch(typed["year"]) or len(typed["year"]) != 4:
            # Letters in the year are not a year of 4 numbers either.
            raise self._error("year", ("year",))
        day, month, year = self._day(typed["day"]), self._month(typed["month"]), int(typed["year"])
        wrong = tuple(
            part for part, number in zip(PARTS, (day, month, year), strict=True) if not number
        )
        if wrong:
            raise self._error("invalid", wrong if len(wrong) == 1 else PARTS)
        try:
            return date(year, month, day)
        except ValueError:
            # 31 February: no one box is wrong.
            raise self._error("invalid", PARTS) from None

    def validate(self, value: date | None) -> None:
        if value is None:
            if self.required:
                raise self._error("required", PARTS)
            return
        if value == self.saved:
            return
        if self.in_the_past and value > timezone.localdate():
            raise self._error("future", PARTS)
        if not self.in_the_past and value < timezone.localdate():
            raise self._error("past", PARTS)

    def has_changed(self, initial, data) -> bool:
        try:
            return self.to_python(data) != initial
        except ValidationError:
            return True

    def _error(self, code: str, parts: tuple[str, ...], missing: tuple[str, ...] = ()):
        params = {"subject": self.subject, "missing": _and(missing)}
        return DateInputError(self.error_messages[code], code=code, params=params, parts=parts)

    @staticmethod
    def _day(text: str) -> int | None:
        match = DAY.fullmatch(text)
        return int(match[1]) if match and 1 <= int(match[1]) <= 31 else None

    @staticmethod
    def _month(text: str) -> int | None:
        if NUMBER.fullmatch(text):
            return int(text) if 1 <= int(text) <= 12 else None
        return MONTHS.get(text.lower().rstrip("."))


def _and(parts: tuple[str, ...]) -> str:
    """("day", "year") -> "day and year"."""
    return " and ".join(parts)


def html_attrs(attrs: dict) -> SafeString:
    """Django's django/forms/widgets/attrs.html: ` name="value"` for each attribute, a bare
    ` name` for True, nothing for False."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )
