"""What an assessment says: scores, charts, the report (HTML and PDF), comparison and the
dashboard."""
