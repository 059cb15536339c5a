"""Template helpers shared by every page: the organisation switcher, the error summary, and how
a person is shown (`person`, `job_title`)."""

from typing import Any

from django import template
from django.forms import BaseForm

from assessments import access, models

register = template.Library()


@register.simple_tag(takes_context=True)
def account_nav(context: template.Context) -> dict[str, Any]:
    """The signed-in user's memberships and the one of the page's organisation, and their
    group memberships (for the "Your groups" link). Shares the view's reads of both
    (`access.user_memberships`, `access.user_group_memberships`), so no query of its own there."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"memberships": [], "current": None, "groups": []}
    memberships = access.user_memberships(request)
    match = request.resolver_match
    slug = match.kwargs.get("org") if match else None
    current = next((m for m in memberships if m.organisation.slug == slug), None)
    groups = access.user_group_memberships(request)
    return {"memberships": memberships, "current": current, "groups": groups}


@register.filter
def with_errors(forms: BaseForm | list[BaseForm] | None) -> list[BaseForm]:
    """The forms that have errors, from one form or a list of them (for the error summary)."""
    if isinstance(forms, BaseForm):
        forms = [forms]
    return [form for form in forms or [] if form is not None and form.errors]


@register.filter
def person(user) -> str:
    """How a person is shown everywhere: `{{ entry.user|person }}` is their full name, else their
    email address, else "A former member" for a deleted account (None). Select the profile with
    the user (`select_related("user__profile")`), or each person costs a query."""
    return models.display_name(user)


@register.filter
def job_title(user) -> str:
    """The person's job title, or "" (`{{ user|job_title }}`)."""
    return models.job_title(user)
