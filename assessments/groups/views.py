"""Views of groups."""
