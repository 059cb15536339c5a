"""Views of editions."""
