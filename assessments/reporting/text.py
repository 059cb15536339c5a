"""Long answers as HTML for the report: paragraphs and line breaks, escaped.

The report writes every free-text answer through `long_text_html` (the `long_text` template
filter), so the HTML page and the PDF lay answers out the same way.
"""

from django.utils.html import linebreaks
from django.utils.safestring import SafeString


def long_text_html(text: str) -> SafeString:
    """`text` escaped, as paragraphs (blank lines) and line breaks (single newlines)."""
    return linebreaks(text, autoescape=True)
