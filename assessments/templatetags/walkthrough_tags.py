"""Template helpers of the walk-through's section pages."""

from typing import Any

from crispy_forms.templatetags.crispy_forms_filters import optgroups
from django import forms, template
from django.forms import BoundField
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from assessments.dates import html_attrs

register = template.Library()


@register.simple_tag(takes_context=True)
def rating_guidance_for(
    context: template.Context, guidance: Any, stage_key: str | None, about: str = ""
) -> str:
    """What Poorly, Moderately and Well mean for a stage (`stage_key`), or for the checklist
    (None), from the view's `rating_guidance` (walkthrough.queries.rating_guidance). Shows
    nothing where there is none, including when the view passes no guidance at all. `about`
    tells screen reader users which question the disclosure belongs to.

    Every question of a stage shows the same guidance: it is rendered once per page and stage
    (kept in the page's render context) and repeated."""
    levels = guidance.get(stage_key, []) if isinstance(guidance, dict) else []
    if not levels:
        return ""
    rendered = context.render_context.setdefault("rating_guidance_for", {})
    key = (stage_key, about)
    if key not in rendered:
        rendered[key] = render_to_string(
            "assessments/_rating_guidance.html", {"levels": levels, "context": about}
        )
    return rendered[key]


@register.simple_tag
def section_field(field: BoundField) -> str:
    """One answer field of a section page (radio buttons, a text box or a text area): the
    markup of assessments/widgets/_field.html (crispy-forms' bootstrap5 field, tag for tag),
    built in Python. A domain page has a hundred such fields, and resolving each one's few
    dozen template variables was most of the page's time. The text box and text area are
    written here too (`_widget`); any other widget through its own template."""
    widget = field.field.widget
    required = field.field.required
    css = field.css_classes()
    parts = [
        format_html('<div id="div_{}" class="mb-3{}">', field.auto_id, f" {css}" if css else "")
    ]
    label_class = "form-label requiredField" if required else "form-label"
    star = mark_safe('<span class="asteriskField">*</span>') if required else ""
    fieldset = field.label and field.use_fieldset
    if fieldset:
        describedby = field.aria_describedby
        parts.append(
            format_html(
                '<fieldset{}><legend class="{} fs-6">{}{}</legend>',
                format_html(' aria-describedby="{}"', describedby) if describedby else "",
                label_class,
                field.label,
                star,
            )
        )
    elif field.label:
        for_id = field.id_for_label
        parts.append(
            format_html(
                '<label {}class="{}">{}{}</label>',
                format_html('for="{}" ', for_id) if for_id else "",
                label_class,
                field.label,
                star,
            )
        )
    parts.append("\n")
    if isinstance(widget, forms.RadioSelect) and not isinstance(
        widget, forms.CheckboxSelectMultiple
    ):
        parts.append(_radio_options(field))
    else:
        parts.append(_text_widget(field))
    parts.append("\n")
    if field.help_text:
        parts.append(
            format_html(
                '<div {}class="form-text">{}</div>',
                format_html('id="{}_helptext" ', field.auto_id) if field.auto_id else "",
                mark_safe(field.help_text),
            )
        )
    if fieldset:
        parts.append("</fieldset>")
    parts.append("</div>\n")
    return mark_safe("".join(parts))


def _errors(field: BoundField) -> str:
    return format_html(
        '<div id="{}_error" class="invalid-feedback">{}</div>',
        field.errors.field_id,
        format_html_join(
            "",
            '<p id="error_{}_{}"><strong>{}</strong></p>',
            ((number, field.auto_id, error) for number, error in enumerate(field.errors, 1)),
        ),
    )


def _radio_options(field: BoundField) -> str:
    invalid = " is-invalid" if field.errors else ""
    groups = optgroups(field)
    last_group = len(groups) - 1
    parts = ["<div >"]
    for group_number, (_group, options, _index) in enumerate(groups):
        for option_number, option in enumerate(options):
            attrs = html_attrs(option["attrs"])
            parts.append(
                format_html(
                    '\n<div class="form-check"><input type="{}" class="form-check-input{}"  '
                    'name="{}" value="{}" {}><label for="{}" class="form-check-label">{}</label>',
                    option["type"],
                    invalid,
                    field.html_name,
                    option["value"],
                    attrs,
                    option["attrs"].get("id", ""),
                    option["label"],
                )
            )
            if field.errors and option_number == len(options) - 1 and group_number == last_group:
                parts.append(_errors(field))
            parts.append("</div>")
    parts.append("\n</div>")
    return "".join(parts)


def _text_widget(field: BoundField) -> str:
    classes = "form-control is-invalid" if field.errors else "form-control"
    _add_classes(field.field.widget, classes)
    rendered = _widget(field)
    if field.errors:
        return rendered + _errors(field)
    return rendered


def _widget(field: BoundField) -> str:
    """`str(field)` for the text box and text area, as Django's widget templates write them
    (django/forms/widgets/input.html, textarea.html and attrs.html); any other widget through
    its template."""
    widget = field.field.widget
    if type(widget) not in (forms.TextInput, forms.Textarea):
        return str(field)
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    value = context["value"]
    if isinstance(widget, forms.Textarea):
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            context["name"],
            html_attrs(context["attrs"]),
            value if value else "",
        )
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        context["type"],
        context["name"],
        format_html(' value="{}"', value) if value is not None else "",
        html_attrs(context["attrs"]),
    )


def _add_classes(widget: forms.Widget, classes: str) -> None:
    """What crispy-forms' {% crispy_field field 'class' '…' %} does to the widget first: its
    own class name, then each class not there yet."""
    name = widget.__class__.__name__.lower()
    css = widget.attrs.get("class", "")
    if css:
        if css.find(name) == -1:
            css += f" {name}"
    else:
        css = name
    for extra in classes.split():
        if extra not in css.split():
            css += f" {extra}"
    widget.attrs["class"] = css
