"""Views of reviews."""
