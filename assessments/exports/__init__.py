"""Assessments as files: the JSON export and import, and the CSV downloads."""
