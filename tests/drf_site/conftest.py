"""The site-wide tests need signed-in members of an organisation, as the assessments tests do:
the same fixtures, imported rather than copied."""

from tests.assessments.conftest import (  # noqa: F401
    PASSWORD,
    assessment,
    editor,
    make_assessment,
    make_organisation,
    make_user,
    organisation,
    owner,
    viewer,
)
