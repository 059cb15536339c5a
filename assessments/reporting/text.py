"""Long answers as HTML for the report: paragraphs and line breaks, escaped, with somewhere to
break long words.

The report writes every free-text answer through `long_text_html` (the `long_text` template
filter), so the HTML page and the PDF lay answers out the same way.

A run of characters with no break opportunity (a pasted reference, a key held down) can only be
broken by `overflow-wrap: anywhere`, and WeasyPrint finds where by laying out the rest of the run
again for every line: its time grows with the square of the run's length, so an answer of 5,000
such characters took longer to lay out than the whole rest of the report. A zero-width space
(U+200B) every BREAK_EVERY characters of a run without a space gives it places to break.

Why U+200B rather than `<wbr>`: WeasyPrint draws `<wbr>` as a pseudo-element holding U+200B, an
inline box of its own between every two pieces, which measured slower than no break at all
(`bench/report_pdf.py`); the character in the text lets Pango break the run in one text box.
It has no glyph and no width, and pypdf and pdftotext extract the PDF's text without it. On the
HTML page it stays in text a reader copies (invisible, but part of a pasted URL).
"""

import re
import unicodedata

from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe

# Longer than the words people write in answers, short enough that a run is never much wider
# than a narrow column (a table cell of the action plan).
BREAK_EVERY = 24
ZERO_WIDTH_SPACE = "\u200b"
ZERO_WIDTH_JOINER = "\u200d"
# How far past BREAK_EVERY a break may move to keep a character whole (a letter and its accents,
# an emoji sequence): a run of nothing but marks still gets its breaks.
MAX_CLUSTER = 8
_LONG_RUN = re.compile(rf"[^\s\u200b]{{{BREAK_EVERY + 1},}}")


def long_text_html(text: str) -> SafeString:
    """`text` escaped, as paragraphs (blank lines) and line breaks (single newlines), as
    Django's `linebreaks` filter writes them, with a zero-width space every BREAK_EVERY
    characters of any run without a space."""
    # Django's `linebreaks` function escapes but returns a plain str (its template filter marks
    # it safe): marked here, so a template never escapes the paragraphs a second time.
    return mark_safe(linebreaks(_LONG_RUN.sub(_with_breaks, text), autoescape=True))


def _with_breaks(match: re.Match) -> str:
    run = match[0]
    pieces = []
    start = 0
    while len(run) - start > BREAK_EVERY:
        cut = start + BREAK_EVERY
        # Never between a letter and the marks or joiners that belong to it (an accent typed as
        # a combining mark, an emoji sequence): a break there would split one character in two.
        limit = min(len(run), cut + MAX_CLUSTER)
        while cut < limit and _joins_previous(run, cut):
            cut += 1
        pieces.append(run[start:cut])
        start = cut
    pieces.append(run[start:])
    return ZERO_WIDTH_SPACE.join(piece for piece in pieces if piece)


def _joins_previous(run: str, index: int) -> bool:
    """Whether run[index] belongs to the character before it, so no break may come between."""
    char = run[index]
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")
        or char == ZERO_WIDTH_JOINER
        or run[index - 1] == ZERO_WIDTH_JOINER
        or "\ufe00" <= char <= "\ufe0f"  # variation selectors
        or "\U0001f3fb" <= char <= "\U0001f3ff"  # skin-tone modifiers
        or "\U000e0020" <= char <= "\U000e007f"  # tag characters of flag sequences
    )
