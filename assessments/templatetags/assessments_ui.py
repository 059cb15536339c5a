"""Template helpers shared by every page: the organisation switcher and the error summary."""

from typing import Any

from django import template
from django.forms import BaseForm

from assessments import access

register = template.Library()


@register.simple_tag(takes_context=True)
def account_nav(context: template.Context) -> dict[str, Any]:
    """The signed-in user's memberships and the one of the page's organisation. Shares the
    view's read of the memberships (`access.user_memberships`), so no query of its own there."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"memberships": [], "current": None}
    memberships = access.user_memberships(request)
    match = request.resolver_match
    slug = match.kwargs.get("org") if match else None
    current = next((m for m in memberships if m.organisation.slug == slug), None)
    return {"memberships": memberships, "current": current}


@register.filter
def with_errors(forms: BaseForm | list[BaseForm] | None) -> list[BaseForm]:
    """The forms that have errors, from one form or a list of them (for the error summary)."""
    if isinstance(forms, BaseForm):
        forms = [forms]
    return [form for form in forms or [] if form is not None and form.errors]
