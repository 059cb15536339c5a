"""The task list's notice that a newer edition of the framework was published.

A template tag rather than the walk-through's view: the task list belongs to the walk-through,
which may not read the editions feature (it comes later in the layout), while template tags
may read any feature, as `report_tags` reads reporting."""

from django import template

from assessments.editions.queries import newer_edition as newer_edition_of
from assessments.models import Assessment, Membership
from framework.models import Edition

register = template.Library()


@register.simple_tag
def newer_edition(assessment: Assessment, membership: Membership) -> Edition | None:
    """The edition the owner could move the assessment in progress to, or None: for anyone
    else, or a completed assessment, without a query."""
    if not membership.is_owner or assessment.is_locked:
        return None
    return newer_edition_of(assessment)
