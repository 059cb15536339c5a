"""Edit conflicts: someone else saved a section while this user had it open.

`services.save_section` raises `EditConflict`; the section's forms (`forms.SectionForms`) merge what
this user typed with the other person's save, by the answers' stable keys.
"""

from dataclasses import dataclass

from assessments.models import Activity, Section


@dataclass(eq=False)
class EditConflict(Exception):
    """Someone else saved the section since this user opened it."""

    section: Section
    changes: list[Activity]
