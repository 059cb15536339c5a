"""Views of actions."""
